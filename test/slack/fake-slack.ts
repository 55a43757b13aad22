// A fake of the Slack Web API, response URLs and the Socket Mode endpoint on 127.0.0.1, for
// the real Bolt code to talk to. It records every call, answers the methods the bot uses, can
// fail the next calls of a method (429 with Retry-After, 500), and plays Slack's side of a
// Socket Mode connection: hello, envelopes, and the acks that come back. It keeps the messages
// posted per channel (conversations.history and .replies read them back, with their metadata)
// and, for chaos tests, can make a seeded share of Web API calls fail (injectFaults).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { FaultInjector, sleep, type FaultKind, type FaultOptions } from '../support/faults.ts';

export interface ApiCall {
  method: string;
  /** The parameters, with JSON-valued fields (blocks, view) parsed. */
  body: Record<string, any>;
  /** The HTTP status the fake answered with. */
  status: number;
  /** What the fake answered (a chat.postMessage's ts, a platform error). */
  response?: Record<string, any>;
  /** The injected fault, if any (the client may never have seen `response`). */
  fault?: FaultKind;
}

/** A message as Slack keeps it, with the metadata it was posted with. */
export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  // --- H1 (edits and deletes): what the person sees, kept up to date by chat.update ---
  blocks?: any[];
  /** chat.update changed it (Slack shows "(edited)"). */
  edited?: boolean;
}

/** The Web API methods the injected faults hit: those of deliveries and their look-ups. */
export const FAULTY_METHODS = ['chat.postMessage', 'conversations.open', 'conversations.history', 'conversations.replies'];

export interface ResponseUrlPost {
  url: string;
  body: Record<string, any>;
}

/** 429 and 500 are HTTP failures; status 200 with an error is Slack's `ok: false` (e.g. not_in_channel). */
export type Failure = { status: 429; retryAfter: number } | { status: 500 } | { status: 200; error: string };

export interface FakeUser {
  real_name?: string;
  display_name?: string;
  locale?: string;
}

const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata', 'files']);

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  /** Response URLs that answer 404, as Slack's do after 30 minutes. */
  readonly expired = new Set<string>();
  /** Profiles users.info returns; anyone else is known by their id, in Dutch. */
  readonly users = new Map<string, FakeUser>();
  /** Messages from the Socket Mode client (acks), in order. */
  readonly socketMessages: Record<string, any>[] = [];
  /** Every message chat.postMessage stored, oldest first (also those whose answer got lost). */
  readonly messages: StoredMessage[] = [];
  /** Set by injectFaults. */
  faults?: FaultInjector;
  private faultyMethods = new Set<string>();
  private readonly nextFaults = new Map<string, FaultKind[]>();
  private readonly failures = new Map<string, Failure[]>();
  private readonly holds = new Map<string, Promise<void>>();
  private readonly server: Server;
  private readonly sockets = new WebSocketServer({ noServer: true });
  private socket?: WebSocket;
  private counter = 0;
  private waiters: { match: (message: Record<string, any>) => boolean; resolve: (message: Record<string, any>) => void }[] = [];
  url = '';

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req, socket, head) => {
      this.sockets.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const client of this.sockets.clients) client.terminate();
    this.sockets.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A fresh response_url, as Slack puts in each command and button payload. */
  responseUrl(): string {
    return `${this.url}/respond/${++this.counter}`;
  }

  /** The next calls of `method` fail like this, in order; later calls succeed again. */
  failNext(method: string, ...failures: Failure[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...failures]);
  }

  /** Methods of the calls that arrived while held (they are in `calls` once released). */
  readonly heldCalls: string[] = [];

  /** Calls of `method` get no answer until the returned function is called. */
  hold(method: string): () => void {
    let release!: () => void;
    this.holds.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.holds.delete(method);
      release();
    };
  }

  /**
   * From now on a seeded share of the calls to `methods` fails (500, 429 with Retry-After, an
   * answer that comes after the client gave up, a reset connection before or after storing, a
   * hang). Returns the injector, whose counts say what was injected.
   */
  injectFaults(options: FaultOptions, methods: readonly string[] = FAULTY_METHODS): FaultInjector {
    this.faults = new FaultInjector(options);
    this.faultyMethods = new Set(methods);
    return this.faults;
  }

  /** The next calls of `method` meet these faults, in order (see FaultKind), before any injected ones. */
  faultNext(method: string, ...kinds: FaultKind[]): void {
    this.nextFaults.set(method, [...(this.nextFaults.get(method) ?? []), ...kinds]);
  }

  /** The same, only for calls about this channel (other posts, such as DMs, go through). */
  faultNextIn(method: string, channel: string, ...kinds: FaultKind[]): void {
    this.faultNext(`${method} ${channel}`, ...kinds);
  }

  /** Messages carrying this outbox/discussion key in their metadata. */
  messagesWithKey(key: string): StoredMessage[] {
    return this.messages.filter((message) => message.metadata?.event_payload?.key === key);
  }

  callsTo(method: string, options: { succeeded?: boolean } = {}): ApiCall[] {
    return this.calls.filter((call) => call.method === method && (!options.succeeded || (call.status === 200 && call.response?.ok !== false)));
  }

  /** Messages the bot posted at the top level of a channel (not in a thread), oldest first. */
  channelPosts(channel: string, since = 0): ApiCall[] {
    return this.calls.slice(since).filter((call) => call.method === 'chat.postMessage' && call.response?.ok === true && call.body.channel === channel && !call.body.thread_ts);
  }

  postsTo(url: string): ResponseUrlPost[] {
    return this.responses.filter((post) => post.url === url);
  }

  /** Sends a Socket Mode envelope and resolves with the client's ack for it. */
  async sendEnvelope(type: string, payload: Record<string, any>, extra: Record<string, any> = {}): Promise<Record<string, any>> {
    if (!this.socket) throw new Error('no Socket Mode client connected');
    const envelopeId = `env-${++this.counter}`;
    const acked = new Promise<Record<string, any>>((resolve) =>
      this.waiters.push({ match: (message) => message.envelope_id === envelopeId, resolve }),
    );
    this.socket.send(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', ...extra }));
    return acked;
  }

  /** Sends any text over the Socket Mode connection, as a broken or hostile Slack might. */
  sendRawSocketMessage(text: string): void {
    if (!this.socket) throw new Error('no Socket Mode client connected');
    this.socket.send(text);
  }

  /** Resolves with the client's ack of this envelope id, if one comes within `ms`. */
  ackFor(envelopeId: string, ms = 2000): Promise<Record<string, any> | undefined> {
    const found = this.socketMessages.find((message) => message.envelope_id === envelopeId);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const waiter = { match: (message: Record<string, any>) => message.envelope_id === envelopeId, resolve };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        resolve(undefined);
      }, ms).unref();
    });
  }

  get socketConnected(): boolean {
    return this.socket !== undefined;
  }

  private onSocket(ws: WebSocket): void {
    this.socket = ws;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, any>;
      this.socketMessages.push(message);
      const waiter = this.waiters.find((candidate) => candidate.match(message));
      if (waiter) {
        this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
        waiter.resolve(message);
      }
    });
    ws.on('close', () => {
      if (this.socket === ws) this.socket = undefined;
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A1' } }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (path.startsWith('/upload/')) return this.receiveUpload(path.slice('/upload/'.length), Buffer.concat(chunks), req.headers['content-type'], res);
    if (path.startsWith('/respond/')) {
      if (this.expired.has(`${this.url}${path}`)) return send(res, 404, { ok: false, error: 'expired_url' });
      this.responses.push({ url: `${this.url}${path}`, body: JSON.parse(raw) });
      this.responseArrived(`${this.url}${path}`); // H13
      return send(res, 200, { ok: true });
    }
    const method = path.replace(/^\/api\//, '');
    const body = parseBody(raw, req.headers['content-type']);
    const hold = this.holds.get(method);
    if (hold) {
      this.heldCalls.push(method);
      await hold;
    }
    // --- H11 (digests): a channel the bot was removed from refuses its posts ---
    if (method === 'chat.postMessage' && this.removedFrom.has(body?.channel)) {
      const refused = { ok: false, error: 'not_in_channel' };
      this.calls.push({ method, body, status: 200, response: refused });
      return send(res, 200, refused);
    }
    // --- end H11 ---
    const planned = this.nextFaults.get(`${method} ${body?.channel}`)?.shift() ?? this.nextFaults.get(method)?.shift() ?? this.faultForCall(method);
    if (planned) return this.misbehave(planned, method, body, req, res);
    if (this.faults && this.faultyMethods.has(method)) {
      const fault = this.faults.next();
      if (fault) return this.misbehave(fault, method, body, req, res);
    }
    const failure = this.failures.get(method)?.shift();
    if (failure) {
      if (failure.status === 200) {
        const refused = { ok: false, error: failure.error };
        this.calls.push({ method, body, status: 200, response: refused });
        return send(res, 200, refused);
      }
      this.calls.push({ method, body, status: failure.status });
      if (failure.status === 429) return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter) });
      return send(res, 500, { ok: false, error: 'internal_error' });
    }
    const answer = this.answer(method, body);
    this.calls.push({ method, body, status: 200, response: answer });
    send(res, 200, answer);
  }

  /** One injected fault; the message is stored first where the fault says so. */
  private async misbehave(fault: FaultKind, method: string, body: Record<string, any>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const retryAfterS = this.faults?.retryAfterS ?? 1;
    const stallMs = this.faults?.stallMs ?? 1000;
    switch (fault) {
      case 'http-500':
        this.calls.push({ method, body, status: 500, fault });
        return send(res, 500, { ok: false, error: 'internal_error' });
      case 'rate-limited':
        this.calls.push({ method, body, status: 429, fault });
        return send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfterS) });
      case 'reset-before-store':
        this.calls.push({ method, body, status: 0, fault });
        req.socket.destroy();
        return;
      case 'hang':
        // Never answered; the client's timeout ends it (or stop() closes the connection).
        this.calls.push({ method, body, status: 0, fault });
        return;
      case 'reset-after-store': {
        this.calls.push({ method, body, status: 200, response: this.answer(method, body), fault });
        req.socket.destroy();
        return;
      }
      case 'stall-after-store': {
        const answer = this.answer(method, body);
        this.calls.push({ method, body, status: 200, response: answer, fault });
        await sleep(stallMs);
        if (!res.destroyed && !res.writableEnded) send(res, 200, answer);
        return;
      }
    }
  }

  // --- H23 (genodigden:kanaal): conversations.members, paginated as Slack does ---
  /** Who is in each channel (user ids, bots included, as Slack lists them). */
  readonly channelMembers = new Map<string, string[]>();

  private conversationMembers(body: Record<string, any>): Record<string, any> {
    const members = this.channelMembers.get(body.channel);
    if (!members) return { ok: false, error: 'channel_not_found' };
    const start = body.cursor ? Number(Buffer.from(String(body.cursor), 'base64').toString('utf8').replace('offset:', '')) : 0;
    const limit = Math.min(Number(body.limit ?? 100) || 100, 1000);
    const end = start + limit;
    const next = end < members.length ? Buffer.from(`offset:${end}`).toString('base64') : '';
    return { ok: true, members: members.slice(start, end), response_metadata: { next_cursor: next } };
  }
  // --- end H23 ---

  private answer(method: string, body: Record<string, any>): Record<string, any> {
    // Seconds of the real clock (history look-ups filter on them), made unique by the counter.
    const ts = () => `${Math.floor(Date.now() / 1000)}.${String(++this.counter).padStart(6, '0')}`;
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Alliantie', team_id: 'T1', user: 'binnenuit', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'apps.connections.open':
        return { ok: true, url: `${this.url.replace('http', 'ws')}/socket` };
      case 'chat.postMessage': {
        const stored: StoredMessage = { channel: body.channel, ts: ts(), text: body.text, ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}), ...(body.metadata ? { metadata: body.metadata } : {}), ...(body.blocks ? { blocks: body.blocks } : {}) };
        this.messages.push(stored);
        return { ok: true, channel: body.channel, ts: stored.ts, message: { text: body.text, blocks: body.blocks } };
      }
      // --- H1 (edits and deletes) ---
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === body.channel && m.ts === body.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        Object.assign(message, { text: body.text, blocks: body.blocks ?? [], edited: true });
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      }
      case 'chat.delete': {
        if (!this.removeMessage(body.channel, body.ts)) return { ok: false, error: 'message_not_found' };
        return { ok: true, channel: body.channel, ts: body.ts };
      }
      // --- end H1 ---
      case 'conversations.history':
        // Top-level messages, newest first, as Slack returns them.
        return this.history(body, (message) => !message.thread_ts, true);
      case 'conversations.replies':
        // The thread's parent and its replies, oldest first.
        return this.history(body, (message) => message.ts === body.ts || message.thread_ts === body.ts, false);
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts() };
      case 'conversations.open':
        return this.openConversation(body);
      case 'views.open':
      case 'views.publish':
        return { ok: true, view: { ...body.view, id: `V${++this.counter}` } };
      case 'users.info': {
        const user = this.users.get(body.user) ?? {};
        const name = user.real_name ?? body.user;
        return {
          ok: true,
          user: { id: body.user, name: body.user, real_name: name, locale: user.locale ?? 'nl-NL', profile: { real_name: name, display_name: user.display_name ?? '' } },
        };
      }
      case 'files.getUploadURLExternal':
      case 'files.completeUploadExternal':
        return this.answerFiles(method, body);
      // --- H23 (genodigden:kanaal) ---
      case 'conversations.members':
        return this.conversationMembers(body);
      // --- end H23 ---
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  // ---- H2: file uploads (files.uploadV2 = getUploadURLExternal, POST bytes, completeUploadExternal) ----

  /** Uploads by file id: what getUploadURLExternal was told and the bytes POSTed to the URL. */
  readonly uploads = new Map<string, { filename: string; length: number; bytes?: Buffer }>();
  /** Files completeUploadExternal shared, in order: where, under which name, with which bytes. */
  readonly sharedFiles: { id: string; title?: string; filename: string; bytes?: Buffer; channel?: string; thread_ts?: string }[] = [];

  /** The client POSTs the bytes raw or as a multipart form (the Web API client's way); both are kept as bytes. */
  private async receiveUpload(fileId: string, raw: Buffer, contentType: string | undefined, res: ServerResponse): Promise<void> {
    const upload = this.uploads.get(fileId);
    if (!upload) return send(res, 404, { ok: false, error: 'unknown_upload' });
    let bytes = raw;
    if (contentType?.startsWith('multipart/form-data')) {
      const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
      const part = [...form.values()].find((value) => typeof value !== 'string');
      bytes = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    }
    upload.bytes = bytes;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${bytes.length}`);
  }

  private answerFiles(method: string, body: Record<string, any>): Record<string, any> {
    if (method === 'files.getUploadURLExternal') {
      const id = `F${++this.counter}`;
      this.uploads.set(id, { filename: String(body.filename), length: Number(body.length) });
      return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
    }
    const files = (Array.isArray(body.files) ? body.files : []) as { id: string; title?: string }[];
    for (const file of files) {
      const upload = this.uploads.get(file.id);
      if (!upload?.bytes) return { ok: false, error: 'file_upload_incomplete' };
    }
    for (const file of files) {
      const upload = this.uploads.get(file.id)!;
      this.sharedFiles.push({ id: file.id, title: file.title, filename: upload.filename, bytes: upload.bytes, channel: body.channel_id, thread_ts: body.thread_ts });
    }
    return { ok: true, files: files.map((file) => ({ id: file.id, title: file.title })) };
  }

  // ---- end H2 ----
  // --- H1 (edits and deletes; a fault in the middle of a series) ---
  private readonly faultsAtCall = new Map<string, { left: number; kind: FaultKind }>();

  /** The call of `method` after `callsFirst` more calls meets this fault (e.g. the second part of a split message). */
  faultAfter(method: string, callsFirst: number, kind: FaultKind): void {
    this.faultsAtCall.set(method, { left: callsFirst, kind });
  }

  private faultForCall(method: string): FaultKind | undefined {
    const planned = this.faultsAtCall.get(method);
    if (!planned) return undefined;
    if (planned.left-- > 0) return undefined;
    this.faultsAtCall.delete(method);
    return planned.kind;
  }

  /** A person deletes a message in Slack (the bot's, say): it is gone for everyone. */
  removeMessage(channel: string, ts: string): boolean {
    const index = this.messages.findIndex((m) => m.channel === channel && m.ts === ts);
    if (index === -1) return false;
    this.messages.splice(index, 1);
    return true;
  }

  /** What a person sees in a channel or DM now: its messages in order, edits applied, deleted ones gone. */
  visibleIn(channel: string): StoredMessage[] {
    return this.messages.filter((m) => m.channel === channel);
  }
  // --- end H1 ---

  // --- H11 (digests) ---
  /** Channels the bot was removed from: chat.postMessage there answers not_in_channel. */
  readonly removedFrom = new Set<string>();
  // --- end H11 ---

  // --- H6 (private conversations in group DMs) ---
  /** People who left the workspace: conversations.open with them answers user_not_found. */
  // ---- H13: benchmarks (when each response_url post arrived, and waiting for one) ----

  /** Arrival time of each response_url post, ms since the epoch (the clock of every process). */
  readonly responseArrivals = new Map<string, number>();
  private readonly responseWaiters = new Map<string, () => void>();

  /** Resolves with the arrival time of the first post to `url`, or undefined after timeoutMs. */
  waitForResponse(url: string, timeoutMs = 30_000): Promise<number | undefined> {
    const arrived = this.responseArrivals.get(url);
    if (arrived !== undefined) return Promise.resolve(arrived);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.responseWaiters.delete(url);
        resolve(undefined);
      }, timeoutMs);
      this.responseWaiters.set(url, () => {
        clearTimeout(timer);
        resolve(this.responseArrivals.get(url));
      });
    });
  }

  private responseArrived(url: string): void {
    if (this.responseArrivals.has(url)) return;
    this.responseArrivals.set(url, performance.timeOrigin + performance.now());
    this.responseWaiters.get(url)?.();
    this.responseWaiters.delete(url);
  }

  // ---- end H13 ----

  readonly goneUsers = new Set<string>();
  /** Group DMs opened, by channel id, with their people. */
  readonly groupDms = new Map<string, string[]>();

  /** One person: their DM (`D<user>`); several: their group DM, the same for the same people. */
  private openConversation(body: Record<string, any>): Record<string, any> {
    const users = String(body.users ?? '').split(',').filter(Boolean);
    if (users.some((user) => this.goneUsers.has(user))) return { ok: false, error: 'user_not_found' };
    if (users.length === 1) return { ok: true, channel: { id: `D${users[0]}` } };
    const id = `G${[...users].sort().join('')}`;
    this.groupDms.set(id, [...users].sort());
    return { ok: true, channel: { id, is_mpim: true } };
  }
  // --- end H6 ---

  /** A page of a channel's messages since `oldest`; metadata only with include_all_metadata. */
  private history(body: Record<string, any>, belongs: (message: StoredMessage) => boolean, newestFirst: boolean): HistoryPage {
    const oldest = Number(body.oldest ?? 0);
    const limit = Math.min(Number(body.limit ?? 100), 1000);
    const offset = Number(body.cursor ?? 0);
    const withMetadata = body.include_all_metadata === true || body.include_all_metadata === 'true';
    const all = this.messages.filter((message) => message.channel === body.channel && belongs(message) && Number(message.ts) >= oldest);
    if (newestFirst) all.reverse();
    const page = all.slice(offset, offset + limit);
    const more = offset + limit < all.length;
    return {
      ok: true,
      messages: page.map(({ metadata, channel: _channel, ...message }) => ({ type: 'message', ...message, ...(withMetadata && metadata ? { metadata } : {}) })),
      has_more: more,
      response_metadata: { next_cursor: more ? String(offset + limit) : '' },
    };
  }
}

export interface HistoryPage {
  ok: true;
  messages: Record<string, any>[];
  has_more: boolean;
  response_metadata: { next_cursor: string };
}

function parseBody(raw: string, contentType: string | undefined): Record<string, any> {
  if (contentType?.includes('application/json')) return raw ? JSON.parse(raw) : {};
  const body: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = JSON_FIELDS.has(key) && /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return body;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
