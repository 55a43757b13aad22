// Extra GET routes on the bot's HTTP server (PORT), next to /healthz and /slack/events: the
// calendar feeds of meetings. Served by the Slack receiver when Slack runs, else by a small
// server of its own (src/http-server.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpRoute {
  /** Requests whose path starts with this, e.g. `/agenda/`. */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** The route that takes this path, if any. */
export function routeFor(routes: readonly HttpRoute[], path: string): HttpRoute | undefined {
  return routes.find((route) => path.startsWith(route.prefix));
}
