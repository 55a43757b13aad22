// A small Discord on 127.0.0.1 for the real discord.js client: REST under /api/v10 and a
// gateway WebSocket. It keeps what a person would see (interaction answers with their
// visibility, channel and DM messages, registered commands) and follows Discord's rules where
// adapters get them wrong: an interaction is acknowledged once, the first follow-up after a
// deferral resolves the "thinking…" placeholder with the deferral's visibility, and commands
// come back without localisations unless asked for. It can answer 429 or 500 on demand, keeps
// Discord's nonce rule (with enforce_nonce, the same nonce in the same channel within a few
// minutes gets the existing message back instead of a new one) and, for chaos tests, can make a
// seeded share of delivery requests fail (injectFaults).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { FaultInjector, sleep, type FaultKind, type FaultOptions } from '../support/faults.ts';

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: { title?: string; description?: string; fields?: { name: string; value: string }[]; footer?: { text: string } }[];
  components: { type: number; components: { type: number; custom_id?: string; label?: string; style?: number }[] }[];
  flags: number;
  /** H2: the files sent with the message (multipart), with their bytes. */
  files?: FakeFile[];
  [key: string]: unknown;
}

/** H2: a file part of a multipart message, as Discord keeps it. */
export interface FakeFile {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface InteractionRecord {
  id: string;
  token: string;
  payload: Record<string, unknown>;
  /** Callback types in the order they came (4 reply, 5 defer, 6 deferUpdate, 7 update, 8 autocomplete, 9 modal). */
  callbacks: number[];
  original?: FakeMessage & { deferred?: boolean };
  originalDeleted: boolean;
  followUps: FakeMessage[];
  modal?: { custom_id: string; title: string; components: Record<string, unknown>[] };
  choices?: { name: string; value: string }[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

interface Failure {
  status: number;
  retryAfter?: number;
  left: number;
  match: (method: string, path: string) => boolean;
}

/** The requests of outbox deliveries: where injected faults hit by default. */
export const isDeliveryRequest = (method: string, path: string) =>
  method === 'POST' && (/^\/channels\/\d+\/messages$/.test(path) || path === '/users/@me/channels');

/** How long Discord remembers a nonce for enforce_nonce ("the past few minutes"). */
export const NONCE_WINDOW_MS = 5 * 60_000;

const EPHEMERAL = 64;
/** GatewayIntentBits.MessageContent */
const MESSAGE_CONTENT_INTENT = 1 << 15;

export class FakeDiscord {
  readonly applicationId = '200000000000000002';
  readonly botUserId = '300000000000000003';
  readonly requests: RecordedRequest[] = [];
  /** Commands as Discord stores them: global, and per guild. */
  readonly commands = { global: [] as Record<string, unknown>[], guilds: new Map<string, Record<string, unknown>[]>() };
  readonly commandPuts: { guildId?: string; body: unknown[] }[] = [];
  readonly interactions = new Map<string, InteractionRecord>();
  // --- H5: interaction answers the bot edited later by their message id (PATCH on the channel) ---
  readonly answerEdits: { channelId: string; messageId: string }[] = [];
  // --- end H5 ---
  readonly channelMessages = new Map<string, FakeMessage[]>();
  readonly dmChannels = new Map<string, string>();
  /** IDENTIFY payloads received (intents, token). */
  readonly identifies: Record<string, unknown>[] = [];
  private server?: Server;
  private wss?: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  /** The intents each connection identified with. */
  private readonly intents = new Map<WebSocket, number>();
  private sequence = 0;
  private counter = 0n;
  private failures: Failure[] = [];
  // --- H11 (digests) ---
  /** Channels the bot was removed from: posting there answers 403 Missing Access (50001). */
  readonly removedFrom = new Set<string>();
  // --- end H11 ---
  /** Set by injectFaults. */
  faults?: FaultInjector;
  private faultMatch: (method: string, path: string) => boolean = isDeliveryRequest;
  /** Channel messages by channel and nonce, with when they were created. */
  private readonly nonces = new Map<string, { message: FakeMessage; at: number }>();
  // --- H4 (relay) ---
  /** Threads that exist (started by the bot through REST, or by a person: harness.startThread). */
  readonly threads = new Set<string>();
  /** The bot's POST …/messages/:id/threads, in order. */
  readonly threadStarts: { parent: string; messageId: string; name: string }[] = [];
  /** When set, a post into a message's id before its thread was started fails as on Discord (10003). */
  strictThreads = false;
  // --- end H4 ---
  /** Requests that reached the fake, with the fault injected into each (if any). */
  readonly faulted: { method: string; path: string; fault: FaultKind }[] = [];

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** What DISCORD_API_URL would be. */
  get apiUrl(): string {
    return `${this.url}/api`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (socket) => this.onSocket(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss!.close(() => resolve()));
    this.server!.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** A new snowflake-shaped id (18 digits, as discord.js's rate-limit buckets expect). */
  snowflake(): string {
    this.counter += 1n;
    return (700000000000000000n + this.counter).toString();
  }

  /** The next `count` requests that match answer `status` (429 with retry_after seconds). */
  failNext(count: number, status: number, options: { retryAfter?: number; match?: (method: string, path: string) => boolean } = {}): void {
    this.failures.push({ status, retryAfter: options.retryAfter, left: count, match: options.match ?? (() => true) });
  }

  /**
   * From now on a seeded share of the matching requests (default: message posts and DM channel
   * opens) fails: 500, 429 with retry_after, a message stored but answered after the client
   * gave up, a reset connection before or after storing, or no answer at all.
   */
  injectFaults(options: FaultOptions, match: (method: string, path: string) => boolean = isDeliveryRequest): FaultInjector {
    this.faults = new FaultInjector(options);
    this.faultMatch = match;
    return this.faults;
  }

  /** Every channel and DM message, in all channels. */
  allMessages(): FakeMessage[] {
    return [...this.channelMessages.values()].flat();
  }

  /** Sends a gateway event to every connected client. */
  dispatch(event: string, data: unknown): void {
    const packet = JSON.stringify({ op: 0, t: event, s: ++this.sequence, d: data });
    for (const socket of this.sockets) socket.send(packet);
  }

  /**
   * MESSAGE_CREATE as Discord sends it to this bot: without the Message Content intent, a
   * message that does not mention the bot arrives without its text.
   */
  dispatchMessage(data: Record<string, unknown>): void {
    const mentioned = ((data.mentions ?? []) as { id: string }[]).some((user) => user.id === this.botUserId);
    const sequence = ++this.sequence;
    for (const socket of this.sockets) {
      const readable = mentioned || ((this.intents.get(socket) ?? 0) & MESSAGE_CONTENT_INTENT) !== 0;
      const d = readable ? data : { ...data, content: '', embeds: [], attachments: [], components: [] };
      socket.send(JSON.stringify({ op: 0, t: 'MESSAGE_CREATE', s: sequence, d }));
    }
  }

  /** Dispatches an interaction and keeps a record of how it gets answered. */
  interact(payload: Record<string, unknown> & { id: string; token: string }): InteractionRecord {
    let record = this.interactions.get(payload.token);
    if (!record) {
      record = { id: payload.id, token: payload.token, payload, callbacks: [], originalDeleted: false, followUps: [] };
      this.interactions.set(payload.token, record);
    }
    this.dispatch('INTERACTION_CREATE', payload);
    return record;
  }

  messagesIn(channelId: string): FakeMessage[] {
    return this.channelMessages.get(channelId) ?? [];
  }

  // --- H1 (edits and deletes) ---
  /** A person (or a moderator) deletes a message: it is gone for everyone. */
  removeMessage(channelId: string, messageId: string): boolean {
    const messages = this.messagesIn(channelId);
    const kept = messages.filter((m) => m.id !== messageId);
    this.channelMessages.set(channelId, kept);
    return kept.length !== messages.length;
  }
  // --- end H1 ---

  /** Direct messages the bot sent this user. */
  dmsTo(userId: string): FakeMessage[] {
    const channel = this.dmChannels.get(userId);
    return channel ? this.messagesIn(channel) : [];
  }

  private onSocket(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.intents.delete(socket);
    });
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 }, s: null, t: null }));
    socket.on('message', (raw) => {
      const packet = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> };
      if (packet.op === 1) socket.send(JSON.stringify({ op: 11 }));
      if (packet.op === 2) {
        this.identifies.push(packet.d);
        this.intents.set(socket, Number(packet.d.intents ?? 0));
        socket.send(
          JSON.stringify({
            op: 0,
            t: 'READY',
            s: ++this.sequence,
            d: {
              v: 10,
              user: { id: this.botUserId, username: 'Binnenuit', discriminator: '0', global_name: null, avatar: null, bot: true },
              guilds: [],
              session_id: 'fake-session',
              resume_gateway_url: this.url.replace('http', 'ws'),
              shard: [0, 1],
              application: { id: this.applicationId, flags: 0 },
            },
          }),
        );
      }
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url!, 'http://fake');
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ''));
    const method = req.method!;
    const contentType = req.headers['content-type'] ?? '';
    const body = contentType.startsWith('multipart/form-data')
      ? await parseMultipart(Buffer.concat(chunks), contentType)
      : text
        ? (JSON.parse(text) as unknown)
        : undefined;
    this.requests.push({ method, path, query: url.searchParams, body });
    const send = (status: number, data?: unknown, headers: Record<string, string> = {}) => {
      if (data === undefined) res.writeHead(status, headers).end();
      else res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data));
    };

    if (this.faults && this.faultMatch(method, path)) {
      const fault = this.faults.next();
      if (fault) return this.misbehave(fault, method, path, url.searchParams, body as Record<string, unknown>, req, res);
    }
    // --- H11 (digests): a channel the bot was removed from refuses its posts ---
    const removed = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (method === 'POST' && removed && this.removedFrom.has(removed[1]!)) return send(403, { message: 'Missing Access', code: 50001 });
    // --- end H11 ---
    const failure = this.failures.find((candidate) => candidate.left > 0 && candidate.match(method, path));
    if (failure) {
      failure.left -= 1;
      if (failure.status === 429) {
        const retryAfter = failure.retryAfter ?? 1;
        return send(429, { message: 'You are being rate limited.', retry_after: retryAfter, global: false, code: 0 }, { 'retry-after': String(retryAfter), 'x-ratelimit-scope': 'user' });
      }
      return send(failure.status, { message: `${failure.status}: Server error`, code: 0 });
    }
    const result = this.route(method, path, url.searchParams, body as Record<string, unknown>);
    send(result.status, result.data);
  }

  /** One injected fault; the request is carried out first where the fault says so. */
  private async misbehave(
    fault: FaultKind,
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const faults = this.faults!;
    this.faulted.push({ method, path, fault });
    const json = (status: number, data: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data));
    };
    switch (fault) {
      case 'http-500':
        return json(500, { message: '500: Internal Server Error', code: 0 });
      case 'rate-limited':
        return json(
          429,
          { message: 'You are being rate limited.', retry_after: faults.retryAfterS, global: false, code: 0 },
          { 'retry-after': String(Math.ceil(faults.retryAfterS)), 'x-ratelimit-scope': 'user' },
        );
      case 'reset-before-store':
        req.socket.destroy();
        return;
      case 'hang':
        return;
      case 'reset-after-store':
        this.route(method, path, query, body);
        req.socket.destroy();
        return;
      case 'stall-after-store': {
        const result = this.route(method, path, query, body);
        await sleep(faults.stallMs);
        if (!res.destroyed && !res.writableEnded) json(result.status, result.data ?? {});
        return;
      }
    }
  }

  // --- H23 (genodigden:kanaal): GET /guilds/:id/members, refused without the intent ---
  /** The server's members (the bot itself too, as Discord lists it). */
  readonly guildMembers: { id: string; username: string; bot?: boolean }[] = [];
  /** The Server Members Intent as switched in the Developer Portal; off: 403 Missing Access. */
  membersIntent = true;

  private listGuildMembers(query: URLSearchParams): { status: number; data?: unknown } {
    if (!this.membersIntent) return { status: 403, data: { message: 'Missing Access', code: 50001 } };
    const limit = Math.min(Number(query.get('limit') ?? 1) || 1, 1000);
    // By id, as Discord pages (the tests' ids are not all snowflakes: compared as text).
    const after = query.get('after') ?? '';
    const page = [...this.guildMembers].sort((a, b) => (a.id < b.id ? -1 : 1)).filter((m) => m.id > after).slice(0, limit);
    const members = page.map((m) => ({
      user: { id: m.id, username: m.username, discriminator: '0', global_name: null, avatar: null, ...(m.bot ? { bot: true } : {}) },
      roles: [],
      joined_at: new Date(0).toISOString(),
      nick: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
    }));
    return ok(members);
  }
  // --- end H23 ---

  private route(method: string, path: string, query: URLSearchParams, body: Record<string, unknown>): { status: number; data?: unknown } {
    let match: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return ok({ url: this.url.replace('http', 'ws'), shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
    }
    if (method === 'GET' && path === '/users/@me') return ok({ id: this.botUserId, username: 'Binnenuit', discriminator: '0', bot: true });
    // --- H23 (genodigden:kanaal) ---
    if (method === 'GET' && (match = /^\/guilds\/(\d+)\/members$/.exec(path))) return this.listGuildMembers(query);
    // --- end H23 ---
    if ((match = /^\/applications\/(\d+)\/(?:guilds\/(\d+)\/)?commands$/.exec(path))) {
      const guildId = match[2];
      if (method === 'GET') {
        const stored = guildId ? (this.commands.guilds.get(guildId) ?? []) : this.commands.global;
        return ok(query.get('with_localizations') === 'true' ? stored : stored.map(withoutLocalizations));
      }
      if (method === 'PUT') {
        const list = body as unknown as Record<string, unknown>[];
        this.commandPuts.push({ guildId, body: list });
        const stored = list.map((command) => this.storeCommand(command, guildId));
        if (guildId) this.commands.guilds.set(guildId, stored);
        else this.commands.global = stored;
        return ok(stored);
      }
    }
    if (method === 'POST' && (match = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      return this.callback(match[2]!, body as { type: number; data?: Record<string, unknown> }, query.get('with_response') === 'true');
    }
    if ((match = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(path))) {
      return this.webhook(method, match[2]!, match[3], body);
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = String(body.recipient_id);
      let id = this.dmChannels.get(recipient);
      if (!id) this.dmChannels.set(recipient, (id = this.snowflake()));
      return ok({ id, type: 1, recipients: [{ id: recipient, username: recipient, discriminator: '0' }] });
    }
    // --- H4 (relay): threads started from a message, and posts into threads not started yet ---
    if (method === 'POST' && (match = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path))) {
      const [, parent, messageId] = match;
      if (this.threads.has(messageId!)) return { status: 400, data: { message: 'A thread has already been created for this message', code: 160004 } };
      this.threads.add(messageId!);
      this.threadStarts.push({ parent: parent!, messageId: messageId!, name: String(body.name ?? '') });
      return ok({ id: messageId, type: 11, parent_id: parent, name: body.name, guild_id: '400000000000000004', thread_metadata: { archived: false, auto_archive_duration: 1440, locked: false } });
    }
    // --- H6 (private conversations in private threads) ---
    if (method === 'POST' && (match = /^\/channels\/(\d+)\/threads$/.exec(path))) return this.createThread(match[1]!, body);
    if (method === 'PUT' && (match = /^\/channels\/(\d+)\/thread-members\/(\d+)$/.exec(path))) return this.addThreadMember(match[1]!, match[2]!);
    // --- end H6 ---
    if (method === 'POST' && this.strictThreads && (match = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const channelId = match[1]!;
      const isMessage = this.allMessages().some((message) => message.id === channelId) || [...this.interactions.values()].some((record) => record.original?.id === channelId);
      if (isMessage && !this.threads.has(channelId)) return { status: 404, data: { message: 'Unknown Channel', code: 10003 } };
    }
    // --- end H4 ---
    if (method === 'POST' && (match = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const channelId = match[1]!;
      const nonce = typeof body.nonce === 'string' || typeof body.nonce === 'number' ? String(body.nonce) : undefined;
      const known = nonce !== undefined ? this.nonces.get(`${channelId}/${nonce}`) : undefined;
      // enforce_nonce: a nonce seen in this channel within the window returns that message.
      if (known && body.enforce_nonce === true && Date.now() - known.at < NONCE_WINDOW_MS) return ok(known.message);
      const message = { ...this.message(channelId, body), ...(nonce !== undefined ? { nonce } : {}) };
      if (nonce !== undefined) this.nonces.set(`${channelId}/${nonce}`, { message, at: Date.now() });
      this.channelMessages.set(channelId, [...this.messagesIn(channelId), message]);
      return ok(message);
    }
    // --- H5 (the bot edits its own interaction answer in a channel by its message id) ---
    // An answer to a slash command is a message of the bot in that channel like any other:
    // PATCH /channels/{channel}/messages/{id} edits it (Discord allows it for the bot's own
    // non-ephemeral messages). The fake keeps answers with their interaction, so edit it there.
    if ((match = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && method === 'PATCH') {
      const [channelId, messageId] = [match[1]!, match[2]!];
      const record = [...this.interactions.values()].find((r) => r.original?.id === messageId && r.original.channel_id === channelId && !isEphemeral(r.original));
      if (record && !this.messagesIn(channelId).some((m) => m.id === messageId)) {
        record.original = { ...record.original!, ...pickMessage(body), edited_timestamp: new Date().toISOString() };
        this.answerEdits.push({ channelId, messageId });
        return ok(record.original);
      }
    }
    // --- end H5 ---
    // --- H1 (edits and deletes of channel and DM messages) ---
    if ((match = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && (method === 'PATCH' || method === 'DELETE')) {
      const [channelId, messageId] = [match[1]!, match[2]!];
      const index = this.messagesIn(channelId).findIndex((m) => m.id === messageId);
      if (index === -1) return { status: 404, data: { message: 'Unknown Message', code: 10008 } };
      if (method === 'DELETE') {
        this.removeMessage(channelId, messageId);
        return { status: 204 };
      }
      const edited = { ...this.messagesIn(channelId)[index]!, ...pickMessage(body), edited_timestamp: new Date().toISOString() };
      this.messagesIn(channelId)[index] = edited;
      return ok(edited);
    }
    // --- end H1 ---
    return { status: 404, data: { message: '404: Not Found', code: 0 } };
  }

  // --- H6 (private conversations in private threads) ---
  /** When set, creating a thread without a message answers 403 Missing Access (50001), as in a channel the bot may not use. */
  refuseThreads = false;
  /** People who left the server: adding them to a thread answers 404 Unknown Member (10007). */
  // ---- H13: benchmarks (when each interaction callback arrived, and waiting for one) ----

  /** Arrival time of each interaction's first callback by token, ms since the epoch. */
  readonly callbackArrivals = new Map<string, number>();
  private readonly callbackWaiters = new Map<string, () => void>();

  /** Resolves with the arrival time of the callback for `token`, or undefined after timeoutMs. */
  waitForCallback(token: string, timeoutMs = 30_000): Promise<number | undefined> {
    const arrived = this.callbackArrivals.get(token);
    if (arrived !== undefined) return Promise.resolve(arrived);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.callbackWaiters.delete(token);
        resolve(undefined);
      }, timeoutMs);
      this.callbackWaiters.set(token, () => {
        clearTimeout(timer);
        resolve(this.callbackArrivals.get(token));
      });
    });
  }

  private callbackArrived(token: string): void {
    if (this.callbackArrivals.has(token)) return;
    this.callbackArrivals.set(token, performance.timeOrigin + performance.now());
    this.callbackWaiters.get(token)?.();
    this.callbackWaiters.delete(token);
  }

  // ---- end H13 ----

  readonly goneMembers = new Set<string>();
  /** Threads created without a message (private ones), with their people. */
  readonly privateThreads = new Map<string, { parent: string; name: string; type: number; invitable?: boolean; members: string[] }>();

  private createThread(parent: string, body: Record<string, unknown>): { status: number; data?: unknown } {
    if (this.refuseThreads) return { status: 403, data: { message: 'Missing Access', code: 50001 } };
    const id = this.snowflake();
    const type = Number(body.type ?? 11);
    this.threads.add(id);
    this.privateThreads.set(id, { parent, name: String(body.name ?? ''), type, invitable: body.invitable as boolean | undefined, members: [] });
    const now = new Date().toISOString();
    const thread = {
      id,
      type,
      name: body.name,
      guild_id: '400000000000000004',
      parent_id: parent,
      owner_id: this.botUserId,
      message_count: 0,
      member_count: 1,
      thread_metadata: { archived: false, auto_archive_duration: body.auto_archive_duration ?? 1440, archive_timestamp: now, locked: false, invitable: body.invitable ?? true },
    };
    // As Discord does for a thread the bot is in: the gateway hears of it.
    this.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
    return ok(thread);
  }

  private addThreadMember(threadId: string, userId: string): { status: number; data?: unknown } {
    const thread = this.privateThreads.get(threadId);
    if (!thread) return { status: 404, data: { message: 'Unknown Channel', code: 10003 } };
    if (this.goneMembers.has(userId)) return { status: 404, data: { message: 'Unknown Member', code: 10007 } };
    if (!thread.members.includes(userId)) thread.members.push(userId);
    return { status: 204 };
  }
  // --- end H6 ---

  /** An interaction answer; with_response=true gets the callback object and the message it created. */
  private callback(token: string, body: { type: number; data?: Record<string, unknown> }, withResponse = false) {
    const record = this.interactions.get(token);
    if (!record) return { status: 404, data: { message: 'Unknown interaction', code: 10062 } };
    if (record.callbacks.length) return { status: 400, data: { message: 'Interaction has already been acknowledged.', code: 40060 } };
    record.callbacks.push(body.type);
    this.callbackArrived(token); // H13
    const channelId = (record.payload.channel as { id: string }).id;
    if (body.type === 4) record.original = this.message(channelId, body.data ?? {});
    if (body.type === 5) record.original = { ...this.message(channelId, { flags: body.data?.flags }), deferred: true };
    if (body.type === 8) record.choices = (body.data?.choices ?? []) as InteractionRecord['choices'];
    if (body.type === 9) record.modal = body.data as InteractionRecord['modal'];
    if (!withResponse) return { status: 204 };
    const message = body.type === 4 ? record.original : undefined;
    return ok({
      interaction: {
        id: record.id,
        type: (record.payload.type as number) ?? 2,
        response_message_id: message?.id,
        response_message_loading: body.type === 5,
        response_message_ephemeral: message ? isEphemeral(message) : undefined,
      },
      resource: { type: body.type, ...(message ? { message } : {}) },
    });
  }

  private webhook(method: string, token: string, messageId: string | undefined, body: Record<string, unknown>) {
    const record = this.interactions.get(token);
    if (!record || !record.callbacks.length) return { status: 404, data: { message: 'Unknown Webhook', code: 10015 } };
    const channelId = (record.payload.channel as { id: string }).id;
    if (messageId === '@original' && !record.original) return { status: 404, data: { message: 'Unknown Message', code: 10008 } };
    if (method === 'PATCH' && messageId === '@original') {
      record.original = { ...record.original!, ...pickMessage(body), deferred: false };
      return ok(record.original);
    }
    if (method === 'DELETE' && messageId === '@original') {
      record.originalDeleted = true;
      return { status: 204 };
    }
    if (method === 'POST' && !messageId) {
      // The first follow-up after a deferral resolves the placeholder, keeping its visibility.
      if (record.original?.deferred) {
        record.original = { ...record.original, ...pickMessage(body), flags: record.original.flags, deferred: false };
        return ok(record.original);
      }
      const message = this.message(channelId, body);
      record.followUps.push(message);
      return ok(message);
    }
    return { status: 404, data: { message: '404: Not Found', code: 0 } };
  }

  private message(channelId: string, body: Record<string, unknown>): FakeMessage {
    return {
      id: this.snowflake(),
      type: 0,
      channel_id: channelId,
      author: { id: this.botUserId, username: 'Binnenuit', discriminator: '0', global_name: null, avatar: null, bot: true },
      content: '',
      embeds: [],
      components: [],
      flags: 0,
      ...pickMessage(body),
      ...messageDefaults(),
      ...attachmentsOf(body),
    };
  }

  private storeCommand(command: Record<string, unknown>, guildId?: string): Record<string, unknown> {
    // Discord adds ids, a version and its defaults to what it stores.
    return {
      id: this.snowflake(),
      application_id: this.applicationId,
      version: this.snowflake(),
      default_member_permissions: null,
      dm_permission: true,
      nsfw: false,
      contexts: null,
      integration_types: [0],
      ...(guildId ? { guild_id: guildId } : {}),
      ...command,
    };
  }
}

// ---- H2: multipart messages (files) ----

/** Discord's multipart form: `payload_json` is the body, `files[n]` the files in order. */
async function parseMultipart(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const body = JSON.parse(String(form.get('payload_json') ?? '{}')) as Record<string, unknown>;
  const files: FakeFile[] = [];
  for (const [key, value] of form.entries()) {
    if (key === 'payload_json' || typeof value === 'string') continue;
    files.push({ filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  // An interaction callback carries its message in `data`.
  const target = body.data && typeof body.data === 'object' ? (body.data as Record<string, unknown>) : body;
  target[FILES] = files;
  return body;
}

const FILES = '__files';

function attachmentsOf(body: Record<string, unknown>): Pick<FakeMessage, 'files'> & { attachments: unknown[] } {
  const files = (body[FILES] ?? []) as FakeFile[];
  if (!files.length) return { attachments: [] };
  return {
    files,
    attachments: files.map((file, index) => ({ id: String(index), filename: file.filename, size: file.bytes.length, content_type: file.contentType, url: `https://cdn.fake/${file.filename}` })),
  };
}

// ---- end H2 ----

function ok(data: unknown) {
  return { status: 200, data };
}

function pickMessage(body: Record<string, unknown>): Partial<FakeMessage> {
  const picked: Partial<FakeMessage> = {};
  if (typeof body.content === 'string') picked.content = body.content;
  if (Array.isArray(body.embeds)) picked.embeds = body.embeds as FakeMessage['embeds'];
  if (Array.isArray(body.components)) picked.components = body.components as FakeMessage['components'];
  if (typeof body.flags === 'number') picked.flags = body.flags & EPHEMERAL;
  // H2: who the message may ping, and (on an edit or follow-up) its files.
  if (body.allowed_mentions && typeof body.allowed_mentions === 'object') picked.allowed_mentions = body.allowed_mentions;
  // H2: an edit or follow-up with files keeps them.
  if (Array.isArray(body[FILES]) && (body[FILES] as unknown[]).length) Object.assign(picked, attachmentsOf(body));
  return picked;
}

function withoutLocalizations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutLocalizations);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !key.endsWith('_localizations'))
      .map(([key, item]) => [key, withoutLocalizations(item)]),
  );
}

export function isEphemeral(message: FakeMessage): boolean {
  return (message.flags & EPHEMERAL) !== 0;
}

/** Fields of a message object that Discord fills in itself: sent now, not edited, no pings, not pinned. */
export function messageDefaults() {
  return {
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [] as unknown[],
    mention_roles: [] as string[],
    pinned: false,
  };
}
