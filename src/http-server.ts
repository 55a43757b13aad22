// The HTTP server on PORT when Slack does not run one (Discord only, or the console with PORT
// set): /healthz and the extra routes (calendar feeds). With Slack, its receiver serves both.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeFor, type HttpRoute } from './core/http-routes.ts';

// The same answers as the Slack receiver's /healthz; not imported from it, so Bolt stays out
// of a start without Slack.
const HEALTH_PATH = '/healthz';

async function answerHealth(health: () => Promise<boolean>, res: ServerResponse): Promise<void> {
  const up = await health().catch(() => false);
  res.writeHead(up ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ status: up ? 'ok' : 'unavailable', database: up ? 'up' : 'down' }));
}

export interface HttpServer {
  address: AddressInfo;
  close(): Promise<void>;
}

export async function startHttpServer(options: { port: number; host: string; health: () => Promise<boolean>; routes: HttpRoute[] }): Promise<HttpServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === HEALTH_PATH) return void answerHealth(options.health, res);
    const route = routeFor(options.routes, path);
    if (route) return void route.handle(req, res).catch(() => res.writeHead(500).end());
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    address: server.address() as AddressInfo,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
