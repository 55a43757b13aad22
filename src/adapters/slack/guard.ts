// The door in front of Bolt's HTTP receiver for POST /slack/events. Bolt checks signatures
// and staleness but not requests from the future, reads bodies up to 4 MB, and trusts the
// shape of a signed body (a signed `payload=null` threw outside its error handling and took
// the process down). Each request passes here first, in this order:
//   size       more than MAX_BODY_BYTES                                      → 413
//   signature  v0 HMAC-SHA256 of the raw body, timestamp within ±5 minutes   → 401
//   shape      a kind the bot handles (shapes.ts)                            → 400, or 200 and
//              nothing for a well-formed kind the bot does not listen to
//   replay     the same timestamp and body again within the window           → 200, nothing
// and only then goes to Bolt, which reads the body buffered here (and checks it once more).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { HTTPReceiver, Logger as BoltLogger } from '@slack/bolt';
import { EVENTS_PATH } from './manifest.ts';
import { ReplayWindow } from './replays.ts';
import { formShape, jsonShape, type Shape } from './shapes.ts';

/** Slack's own messages are a few kB; 1 MB leaves room for the largest modal state. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** How far a request's timestamp may be from our clock, either way (Slack says 5 minutes). */
export const WINDOW_SECONDS = 5 * 60;
/** Past this the connection is cut instead of read to the end for a polite 413. */
const DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES;
const FORM = 'application/x-www-form-urlencoded';

export interface GuardOptions {
  signingSecret: string;
  logger: BoltLogger;
  maxBodyBytes?: number;
  /** Seconds since the epoch; tests leave it alone, the clock is the real one. */
  now?: () => number;
}

type Verdict = { pass: true; raw: Buffer } | { pass: false; status: number; reason?: string };

/** Puts the guard in front of the receiver's handling of POST /slack/events. */
export function guardReceiver(receiver: HTTPReceiver, options: GuardOptions): void {
  const inner = receiver.requestListener;
  const replays = new ReplayWindow(WINDOW_SECONDS);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  receiver.requestListener = (req, res) => {
    if (!isEventsRequest(req)) return inner(req, res);
    screen(req, options, replays, now())
      .then((verdict) => {
        if (verdict === undefined) return; // the client went away
        if (!verdict.pass) {
          if (verdict.reason) options.logger.warn(`slack request refused (${verdict.status}): ${verdict.reason}`);
          return answer(res, verdict.status);
        }
        // Bolt reads a request whose body is already buffered as rawBody (bufferIncomingMessage).
        (req as IncomingMessage & { rawBody?: Buffer }).rawBody = verdict.raw;
        inner(req, res);
      })
      .catch((error: unknown) => {
        options.logger.error(`slack request guard failed: ${(error as Error)?.name ?? 'error'}`);
        if (!res.headersSent) answer(res, 500);
      });
  };
}

function isEventsRequest(req: IncomingMessage): boolean {
  if (req.method !== 'POST') return false;
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname === EVENTS_PATH;
  } catch {
    return false; // Bolt's own routing answers what it cannot parse
  }
}

async function screen(req: IncomingMessage, options: GuardOptions, replays: ReplayWindow, nowSeconds: number): Promise<Verdict | undefined> {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const raw = await readBody(req, limit);
  if (raw === undefined) return undefined;
  if (raw === 'too large') return { pass: false, status: 413, reason: `body over ${limit} bytes` };
  const form = req.headers['content-type'] === FORM;
  // Slack's SSL check is unsigned; Bolt answers it and drops every other field.
  if (form && parseQuery(raw.toString('utf8')).ssl_check === '1') return { pass: true, raw };

  const timestamp = verifySignature(options.signingSecret, req, raw, nowSeconds);
  if (typeof timestamp === 'string') return { pass: false, status: 401, reason: timestamp };

  // Bolt reads exactly this content type as a form and everything else as JSON.
  const shape: Shape = form ? formShape(raw.toString('utf8')) : jsonShape(raw.toString('utf8'));
  if (shape.kind === 'invalid') return { pass: false, status: 400, reason: shape.reason };
  if (shape.kind === 'ignored') return { pass: false, status: 200 };
  if (shape.kind !== 'url_verification' && !replays.firstTime(timestamp, raw, nowSeconds)) {
    return { pass: false, status: 200, reason: 'replayed request' };
  }
  return { pass: true, raw };
}

/** The request's timestamp when the signature holds, else why not. */
export function verifySignature(secret: string, req: IncomingMessage, raw: Buffer, nowSeconds: number): number | string {
  const timestampHeader = req.headers['x-slack-request-timestamp'];
  const signature = req.headers['x-slack-signature'];
  if (typeof timestampHeader !== 'string' || !/^\d{1,12}$/.test(timestampHeader)) return 'no valid timestamp';
  const timestamp = Number(timestampHeader);
  if (timestamp < nowSeconds - WINDOW_SECONDS) return 'timestamp too old';
  if (timestamp > nowSeconds + WINDOW_SECONDS) return 'timestamp in the future';
  if (typeof signature !== 'string' || !/^v0=[0-9a-f]{64}$/.test(signature)) return 'no valid signature';
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(raw).digest();
  return timingSafeEqual(Buffer.from(signature.slice(3), 'hex'), expected) ? timestamp : 'signature mismatch';
}

/**
 * The whole body, 'too large' once it passes the limit (read to the end, so the client gets
 * its 413 rather than a broken pipe, unless it goes on far too long), or undefined when the
 * client went away.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too large' | undefined> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (declared > DRAIN_LIMIT_BYTES) {
      req.destroy();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > DRAIN_LIMIT_BYTES) {
        req.destroy();
        resolve(undefined);
      }
    });
    req.on('end', () => resolve(size > limit ? 'too large' : Buffer.concat(chunks)));
    req.on('error', () => resolve(undefined));
    req.on('close', () => resolve(undefined)); // after 'end' this changes nothing
  });
}

function answer(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}
