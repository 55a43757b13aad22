// The Socket Mode side of the guard (guard.ts is the HTTP side). The socket is authenticated,
// so there is no signature to check, but the socket client reads `event.payload.event.type`
// of every envelope without looking, inside an async handler: a malformed envelope would be
// an unhandled rejection. Each message is checked first; a malformed one is logged (without
// its content), acknowledged so Slack does not send it again, and skipped.
import type { Logger as BoltLogger, SocketModeReceiver } from '@slack/bolt';
import { commandShape, eventShape, interactiveShape, type Shape } from './shapes.ts';

type SocketClient = SocketModeReceiver['client'];
type Listener = (data: unknown, isBinary: boolean) => unknown;

const payloadShapes: Record<string, (payload: unknown) => Shape> = {
  slash_commands: commandShape,
  interactive: interactiveShape,
  events_api: eventShape,
};

/** What to do with one WebSocket message: hand it on, or skip it (and ack it when it has an id). */
export function screenEnvelope(data: unknown, isBinary: boolean): { pass: true } | { pass: false; reason?: string; envelopeId?: string } {
  if (isBinary) return { pass: true }; // the client ignores binary messages itself
  let message: unknown;
  try {
    message = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
  } catch {
    return { pass: true }; // the client skips what is not JSON itself
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return { pass: false, reason: 'not an object' };
  const { type, envelope_id: envelopeId, payload } = message as Record<string, unknown>;
  if (type === 'hello' || type === 'disconnect') return { pass: true };
  const id = typeof envelopeId === 'string' && /^[A-Za-z0-9._-]{1,255}$/.test(envelopeId) ? envelopeId : undefined;
  const check = typeof type === 'string' ? payloadShapes[type] : undefined;
  if (!check) return { pass: false, reason: 'unknown envelope type', envelopeId: id };
  if (!id) return { pass: false, reason: 'no envelope id' };
  const shape = check(payload);
  if (shape.kind === 'invalid') return { pass: false, reason: shape.reason, envelopeId: id };
  if (shape.kind === 'ignored') return { pass: false, envelopeId: id };
  return { pass: true };
}

export function guardSocketClient(client: SocketClient, logger: BoltLogger): void {
  const listeners = client.listeners('ws_message') as Listener[];
  client.removeAllListeners('ws_message');
  // The client's acknowledgement, as it sends its own (private in its types).
  const ack = (envelopeId: string) => (client as unknown as { send(id: string, body: object): Promise<void> }).send(envelopeId, {});
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    const verdict = screenEnvelope(data, isBinary);
    if (!verdict.pass) {
      if (verdict.reason) logger.warn(`slack envelope skipped: ${verdict.reason}`);
      if (verdict.envelopeId) ack(verdict.envelopeId).catch(() => logger.warn('slack envelope ack failed'));
      return;
    }
    for (const listener of listeners) {
      Promise.resolve()
        .then(() => listener(data, isBinary))
        .catch((error: unknown) => logger.error(`slack envelope failed: ${(error as Error)?.name ?? 'error'}`));
    }
  });
}
