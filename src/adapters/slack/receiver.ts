// The two ways Slack reaches the bot, kept apart from what the bot does with it (listeners.ts):
//   HTTP         Bolt's HTTPReceiver on PORT/HOST: POST /slack/events for slash commands,
//                interactivity and events, each request first through the guard (guard.ts:
//                size, signature within ±5 minutes, shape, replays), and GET /healthz.
//   Socket Mode  when an app-level token is set: Slack sends everything over a WebSocket the
//                bot opens (no public URL needed), each envelope checked (envelopes.ts); a
//                small HTTP server still answers /healthz.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTPReceiver, SocketModeReceiver, type App, type Logger as BoltLogger, type Receiver } from '@slack/bolt';
import { normaliseApiUrl } from './client.ts';
import { guardSocketClient } from './envelopes.ts';
import { MAX_BODY_BYTES, guardReceiver } from './guard.ts';
import { EVENTS_PATH } from './manifest.ts';
import { routeFor, type HttpRoute } from '../../core/http-routes.ts';

export const HEALTH_PATH = '/healthz';

/** True when the database answers; the health route reports it. */
export type HealthCheck = () => Promise<boolean>;

export interface TransportOptions {
  signingSecret?: string;
  appToken?: string;
  apiUrl?: string;
  port: number;
  host: string;
  health: HealthCheck;
  logger: BoltLogger;
  /** More GET routes on the same server (the calendar feeds under /agenda/). */
  routes?: readonly HttpRoute[];
}

export interface Transport {
  readonly mode: 'http' | 'socket';
  readonly receiver: Receiver;
  /** Starts receiving; resolves with the address of the HTTP server (events or health). */
  start(app: App): Promise<AddressInfo>;
  stop(app: App): Promise<void>;
}

/** 200 {status: 'ok', database: 'up'} or 503 {status: 'unavailable', database: 'down'}. */
export async function answerHealth(health: HealthCheck, res: ServerResponse): Promise<void> {
  let up = false;
  try {
    up = await health();
  } catch {
    up = false;
  }
  res.writeHead(up ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' }));
}

export function createTransport(options: TransportOptions): Transport {
  return options.appToken ? socketTransport(options, options.appToken) : httpTransport(options);
}

function httpTransport(options: TransportOptions): Transport {
  if (!options.signingSecret) throw new Error('Slack over HTTP needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode)');
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: EVENTS_PATH,
    logger: options.logger,
    // Listeners acknowledge themselves, as early as they can; the work goes on after the answer.
    processBeforeResponse: false,
    customRoutes: [
      { path: HEALTH_PATH, method: ['GET'], handler: (_req, res) => void answerHealth(options.health, res) },
      ...(options.routes ?? []).map((route) => ({ path: `${route.prefix}:file`, method: ['GET', 'HEAD'], handler: (req: IncomingMessage, res: ServerResponse) => void route.handle(req, res) })),
    ],
    bodyLimit: MAX_BODY_BYTES,
  });
  guardReceiver(receiver, { signingSecret: options.signingSecret, logger: options.logger });
  return {
    mode: 'http',
    receiver,
    async start(app) {
      const server = (await app.start({ port: options.port, host: options.host })) as Server;
      return server.address() as AddressInfo;
    },
    async stop(app) {
      await app.stop();
    },
  };
}

function socketTransport(options: TransportOptions, appToken: string): Transport {
  const receiver = new SocketModeReceiver({
    appToken,
    logger: options.logger,
    // Only the API base: the socket client keeps its own patient retries for reconnecting.
    installerOptions: { clientOptions: { slackApiUrl: normaliseApiUrl(options.apiUrl) } },
  });
  guardSocketClient(receiver.client, options.logger);
  let health: Server | undefined;
  return {
    mode: 'socket',
    receiver,
    async start(app) {
      health = createServer((req: IncomingMessage, res: ServerResponse) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (req.method === 'GET' && path === HEALTH_PATH) return void answerHealth(options.health, res);
        const route = routeFor(options.routes ?? [], path);
        if (route) return void route.handle(req, res);
        res.writeHead(404).end();
      });
      await new Promise<void>((resolve, reject) => {
        health!.once('error', reject);
        health!.listen(options.port, options.host, () => resolve());
      });
      try {
        await app.start();
      } catch (error) {
        // A refused app token: the health server must not keep the process alive.
        await new Promise<void>((resolve) => health!.close(() => resolve()));
        throw error;
      }
      return health.address() as AddressInfo;
    },
    async stop(app) {
      await app.stop();
      await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
    },
  };
}
