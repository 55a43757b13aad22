// GET /agenda/<token>.ics: a member's calendar feed, with an ETag (304 when unchanged) and a
// 404 that is the same for an unknown and for a replaced token.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRoute } from '../http-routes.ts';
import type { MeetingFeeds } from './feed.ts';

export const FEED_PREFIX = '/agenda/';

export function feedRoute(feeds: () => MeetingFeeds): HttpRoute {
  return {
    prefix: FEED_PREFIX,
    async handle(req: IncomingMessage, res: ServerResponse) {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const token = /^\/agenda\/([^/]+)\.ics$/.exec(path)?.[1];
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
      let file;
      try {
        file = token ? await feeds().file(token) : undefined;
      } catch {
        return void res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '60' }).end('unavailable');
      }
      if (!file) return void res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      const headers = { etag: file.etag, 'cache-control': 'private, max-age=300' };
      if (req.headers['if-none-match']?.split(/\s*,\s*/).includes(file.etag)) return void res.writeHead(304, headers).end();
      res.writeHead(200, { ...headers, 'content-type': 'text/calendar; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    },
  };
}
