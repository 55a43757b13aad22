// Binnenuit on Slack, through @slack/bolt: a transport (HTTP or Socket Mode, receiver.ts), the
// listeners that turn Slack events into Bot requests (listeners.ts), and delivery of outbox
// messages (delivery.ts). No business rules here: the Bot decides, this adapter translates.
import type { AddressInfo } from 'node:net';
import { App, webApi } from '@slack/bolt';
import type { Bot } from '../../core/bot.ts';
import { translator, type Locale } from '../../core/i18n.ts';
import type { Logger } from '../../core/logger.ts';
import { MAX_CHANNEL_MEMBERS } from '../../core/meetings/channel-members.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import { decodeSlackRef, encodeSlackRef } from './message-ref.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import type { DeliveryProgress } from '../../core/outbox/worker.ts';
import type { ChatAdapter } from '../adapter.ts';
import type { Reply } from '../../core/framework/reply.ts';
import { Answers, type AnswerTarget } from './answers.ts';
import { boltLogger, normaliseApiUrl, webClientOptions } from './client.ts';
import { SlackDelivery } from './delivery.ts';
import { UserDirectory } from './directory.ts';
import { InFlight } from './inflight.ts';
import { registerListeners, type SlackRoute } from './listeners.ts';
import { createTransport, type HealthCheck, type Transport } from './receiver.ts';
import type { HttpRoute } from '../../core/http-routes.ts';
import { explainStartupError, startupQuiet } from './startup.ts';
import { workspaceCheck } from './teams.ts';

/** Slack accepts answers at a slash command's response_url for 30 minutes (less a margin). */
const RESPONSE_URL_LIFETIME_MS = 29 * 60_000;

export interface SlackAdapterOptions {
  botToken: string;
  /** Required over HTTP: every request's signature is checked with it. */
  signingSecret?: string;
  /** An app-level token (xapp-…) switches to Socket Mode. */
  appToken?: string;
  /** The Web API base, https://slack.com/api/ unless a proxy or a test says otherwise. */
  apiUrl?: string;
  port: number;
  host: string;
  logger: Logger;
  /** For GET /healthz: whether the database answers. */
  health?: HealthCheck;
  /** Form submissions slower than this close the modal first and answer afterwards. */
  formAckBudgetMs?: number;
  /** How long a Web API call may take (default 10 s; tests with a misbehaving fake use less). */
  requestTimeoutMs?: number;
  /** Other workspaces (team ids) whose people may use the bot besides its own (SLACK_ALLOWED_TEAMS). */
  allowedTeams?: readonly string[];
  /** More GET routes on the HTTP server (the calendar feeds). */
  routes?: readonly HttpRoute[];
}

export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack' as const;
  private readonly app: App;
  private readonly transport: Transport;
  private readonly client: webApi.WebClient;
  private readonly inflight = new InFlight();
  private readonly delivery: SlackDelivery;
  private readonly answers: Answers;
  private started = false;
  /** Bolt's warnings are held back until start-up is over (see startupQuiet). */
  private readonly quiet: ReturnType<typeof startupQuiet>;
  /** Our own workspace, from auth.test at start-up. */
  private team?: string;
  /** The workspace's web address (`https://alliantie.slack.com/`), from auth.test: message links. */
  private workspaceUrl?: string;
  /** The bot's own user id (auth.test): a channel's members without it. */
  private botUserId?: string;
  /** Where the HTTP server listens once started (the health server in Socket Mode). */
  address?: AddressInfo;

  constructor(
    private readonly bot: Bot,
    private readonly options: SlackAdapterOptions,
  ) {
    this.quiet = startupQuiet(boltLogger(options.logger));
    const logger = this.quiet.logger;
    const clientOptions = webClientOptions(options.apiUrl, logger, options.requestTimeoutMs);
    this.client = new webApi.WebClient(options.botToken, clientOptions);
    this.transport = createTransport({
      signingSecret: options.signingSecret,
      appToken: options.appToken,
      apiUrl: options.apiUrl,
      port: options.port,
      host: options.host,
      health: options.health ?? (async () => true),
      logger,
      routes: options.routes,
    });
    this.app = new App({
      token: options.botToken,
      receiver: this.transport.receiver,
      clientOptions,
      logger,
      // auth.test runs in start(), so a wrong token stops start-up with a clear error.
      deferInitialization: true,
    });
    this.app.error(async (error) => {
      options.logger.error({ err: { type: error.name, code: error.code } }, 'slack error');
    });
    // Before every listener: requests from other workspaces stop here.
    this.app.use(
      workspaceCheck({
        ownTeam: () => this.team,
        allowedTeams: options.allowedTeams ?? [],
        t: translator(bot.defaultLocale),
        log: (kind) => options.logger.warn({ kind }, 'slack request from another workspace refused'),
        track: (work) => this.inflight.run(work),
      }),
    );
    const client = () => this.client;
    this.answers = new Answers(client, options.logger);
    registerListeners(this.app, {
      bot,
      directory: new UserDirectory(client),
      answers: this.answers,
      inflight: this.inflight,
      logger: options.logger,
      formAckBudgetMs: options.formAckBudgetMs,
    });
    this.delivery = new SlackDelivery(
      client,
      (where, discussion, post) => bot.discussionStarted(where, discussion, post),
      (where, discussion) => bot.groupPlaceOpened(where, discussion),
      options.logger,
    );
  }

  get mode(): Transport['mode'] {
    return this.transport.mode;
  }

  async start(): Promise<void> {
    const apiUrl = normaliseApiUrl(this.options.apiUrl);
    try {
      const identity = await this.client.auth.test().catch((error: unknown) => {
        throw explainStartupError(error, 'auth.test', apiUrl);
      });
      this.team = identity.team_id;
      this.botUserId = identity.user_id;
      this.workspaceUrl = identity.url;
      await this.app.init().catch((error: unknown) => {
        throw explainStartupError(error, 'auth.test', apiUrl);
      });
      this.address = await this.transport.start(this.app).catch((error: unknown) => {
        // Socket Mode opens its connection with the app token; other errors (a port in use) stay as they are.
        const fromSlack = String((error as { code?: unknown })?.code ?? '').startsWith('slack_webapi_');
        throw fromSlack ? explainStartupError(error, 'apps.connections.open', apiUrl) : error;
      });
    } catch (error) {
      this.quiet.done(false);
      throw error;
    }
    this.quiet.done(true);
    this.started = true;
    this.options.logger.info({ mode: this.transport.mode, port: this.address.port }, 'slack adapter listening');
  }

  /** Slack's permalink form: /archives/<channel>/p<ts without the dot>. */
  messageLink(ref: MessageRef): string | undefined {
    const address = decodeSlackRef(ref);
    if (!address || !this.workspaceUrl) return undefined;
    return `${this.workspaceUrl.replace(/\/*$/, '/')}archives/${address.channel}/p${address.ts.replace('.', '')}`;
  }

  /** conversations.members, page by page (channels:read, groups:read); the bot itself left out. */
  async channelMembers(channelId: string): Promise<string[]> {
    const people: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.client.conversations.members({ channel: channelId, limit: 200, ...(cursor ? { cursor } : {}) });
      people.push(...(page.members ?? []).filter((id) => id !== this.botUserId));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor && people.length < MAX_CHANNEL_MEMBERS);
    return people.slice(0, MAX_CHANNEL_MEMBERS);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    // Stop taking new events, then let acknowledged work finish its answers.
    await this.transport.stop(this.app);
    await this.inflight.settled(10_000);
  }

  /** Resolves when every event received so far has been fully handled (graceful stops, tests). */
  settled(): Promise<void> {
    return this.inflight.settled();
  }

  async deliver(item: OutboxItem, progress?: DeliveryProgress): Promise<MessageRef> {
    // Member mentions become pings of the Slack accounts (or names) before rendering.
    return this.delivery.deliver({ ...item, reply: await this.bot.forPlatform(item.reply, 'slack') }, progress);
  }

  /** Slack keeps a response_url for 30 minutes: within that, the answer goes where it would have. */
  readonly answerLater = async (route: unknown, reply: Reply, locale: Locale, receivedAt: Date): Promise<boolean> => {
    const stored = route as SlackRoute | undefined;
    if (!stored?.userId || Date.now() - receivedAt.getTime() > RESPONSE_URL_LIFETIME_MS) return false;
    const target: AnswerTarget = { userId: stored.userId, responseUrl: stored.responseUrl, channelRef: stored.channelRef, threadRef: stored.threadRef };
    // The process that died may have posted it before it could record that: look first.
    const landed = await this.answers.send(reply, target, translator(locale), { since: receivedAt });
    if (landed && reply.discussion) {
      await this.bot.discussionStarted({ platform: 'slack', channelRef: landed.channelRef, threadRef: landed.ts }, reply.discussion, encodeSlackRef({ channel: landed.channelRef, ts: landed.ts }));
    }
    return true;
  };
}
