// Binnenuit on Discord, through discord.js: the client, registration of the slash commands at
// start-up, and the wiring. Interactions (slash commands, buttons, modals, autocomplete) come
// in over the gateway and go to the Bot as neutral requests (interactions.ts); its outcome goes
// back as embeds and buttons, within Discord's 3 seconds or later through the outbox
// (answers.ts). Outbox messages are DMs and channel or thread posts (delivery.ts); what people
// write in the threads of the bot's messages is stored (messages.ts). No business rules live
// here: access, validation and what happens are the Bot's; these files only speak Discord.
import { EventEmitter } from 'node:events';
import { Client, Events, GatewayIntentBits, Options, Partials, Routes } from 'discord.js';
import type { Reply } from '../../core/framework/reply.ts';
import { translator, type Locale } from '../../core/i18n.ts';
import type { DiscordRoute } from './context.ts';
import { renderReply } from './render.ts';
import type { Bot } from '../../core/bot.ts';
import { safeError, type Logger } from '../../core/logger.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import { decodeDiscordRef } from './message-ref.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import type { DeliveryProgress } from '../../core/outbox/worker.ts';
import type { ChatAdapter } from '../adapter.ts';
import { Answers } from './answers.ts';
import { discordChannelMembers } from './channel-members.ts';
import { buildCommandJson } from './command-json.ts';
import { DiscordDelivery, isDeliveryRoute } from './delivery.ts';
import { Forms } from './forms.ts';
import { Interactions } from './interactions.ts';
import { onThreadMessage, type SeenThreadMessage } from './messages.ts';
import { registerCommands, type RegistrationResult } from './registration.ts';

export type { SettledInteraction } from './interactions.ts';

export interface DiscordAdapterOptions {
  token: string;
  applicationId: string;
  /** REST base (default https://discord.com/api); the gateway URL comes from GET /gateway/bot. */
  apiUrl?: string;
  /** Register commands in this server only (instant) instead of globally. */
  guildId?: string;
  logger: Logger;
  /**
   * Ask for the privileged Message Content intent, so replies people type in the bot's threads
   * can be stored. Enable it in the Developer Portal first: the gateway refuses it otherwise.
   */
  messageContent?: boolean;
  /** Register the commands at start-up when they changed (default true). */
  registerCommands?: boolean;
  /** Defer when the Bot has not answered after this long (default 2000 ms; 0: always defer at once). */
  deferAfterMs?: number;
  /** How long an interaction token may be used (Discord: 15 minutes); later answers go by DM or channel. */
  tokenLifetimeMs?: number;
  /** How long a REST request may take (discord.js default 15 s; tests with a misbehaving fake use less). */
  requestTimeoutMs?: number;
}

export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord' as const;
  /** 'settled' (SettledInteraction) after each interaction; 'message' after each thread message. */
  readonly events = new EventEmitter();
  readonly client: Client;
  /** What the last start-up registration did. */
  registration?: RegistrationResult;
  /** Handlers still at work, so stop() can let them finish their answers. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly delivery: DiscordDelivery;
  private readonly logger: Logger;

  constructor(
    private readonly bot: Bot,
    private readonly options: DiscordAdapterOptions,
  ) {
    this.logger = options.logger;
    this.client = createClient(options);
    this.delivery = new DiscordDelivery(this.client.rest, bot, this.logger);
    const forms = new Forms(bot, this.logger);
    const answers = new Answers(bot, forms, this.logger, { deferAfterMs: options.deferAfterMs, tokenLifetimeMs: options.tokenLifetimeMs });
    const interactions = new Interactions(bot, answers, forms, this.logger, (settled) => this.events.emit('settled', settled));
    const seen = (message: SeenThreadMessage) => this.events.emit('message', message);
    this.client.on(Events.InteractionCreate, (interaction) => this.track(interactions.handle(interaction)));
    this.client.on(Events.MessageCreate, (message) => this.track(onThreadMessage(bot, this.logger, message, seen)));
    this.client.on(Events.Error, (error) => this.logger.error({ err: safeError(error) }, 'discord client error'));
  }

  async start(): Promise<void> {
    // Generation fails loudly on a declaration Discord would refuse.
    const commands = buildCommandJson(this.bot.commands);
    this.client.rest.setToken(this.options.token);
    if (this.options.registerCommands !== false) {
      try {
        this.registration = await registerCommands(this.client.rest, { applicationId: this.options.applicationId, guildId: this.options.guildId }, commands);
        const { scope, action, added, removed, changed } = this.registration;
        this.logger.info({ scope, action, added, removed, changed }, 'discord commands registered');
      } catch (error) {
        // The commands Discord already has keep working; the next start tries again.
        this.logger.error({ err: safeError(error) }, 'discord command registration failed');
      }
    }
    const ready = new Promise<void>((resolve) => this.client.once(Events.ClientReady, () => resolve()));
    await this.client.login(this.options.token);
    await ready;
    this.logger.info({ user: this.client.user?.id }, 'discord connected');
  }

  /** discord.com/channels/<guild>/<channel>/<message>, when the channel's server is known. */
  messageLink(ref: MessageRef): string | undefined {
    const address = decodeDiscordRef(ref);
    if (!address) return undefined;
    const channel = this.client.channels.cache.get(address.channelId) as { guildId?: string } | undefined;
    // The alliance's bot lives in one server: that one, when the channel is not cached.
    const only = this.client.guilds.cache.size === 1 ? this.client.guilds.cache.firstKey() : undefined;
    const guild = channel?.guildId ?? this.options.guildId ?? only;
    return guild ? `https://discord.com/channels/${guild}/${address.channelId}/${address.messageId}` : undefined;
  }

  /** The server's people who may view the channel (needs the Server Members Intent). */
  channelMembers(channelId: string): Promise<string[]> {
    return discordChannelMembers(this.client, channelId);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.client.destroy();
  }

  deliver(item: OutboxItem, progress?: DeliveryProgress): Promise<MessageRef> {
    return this.delivery.deliver(item, progress);
  }

  /**
   * After a crash: the deferred "thinking…" of the interaction becomes the answer, while its
   * token lives (15 minutes). Not deferred, expired or refused: false, and it goes by DM.
   */
  readonly answerLater = async (route: unknown, reply: Reply, locale: Locale, receivedAt: Date): Promise<boolean> => {
    const stored = route as DiscordRoute | undefined;
    const lifetime = this.options.tokenLifetimeMs ?? 14 * 60_000;
    if (!stored?.token || !stored.applicationId || Date.now() - receivedAt.getTime() > lifetime) return false;
    const { messages } = renderReply(reply, { more: translator(locale)('discord.more'), maxMessages: 1 });
    const first = messages[0]!;
    await this.client.rest.patch(Routes.webhookMessage(stored.applicationId, stored.token, '@original'), {
      body: { content: first.content, embeds: first.embeds, components: first.components },
      auth: false,
    });
    return true;
  };

  private track(work: Promise<unknown>): void {
    const tracked: Promise<unknown> = work
      .catch((error: unknown) => this.logger.error({ err: safeError(error) }, 'discord event not handled'))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

function createClient(options: DiscordAdapterOptions): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      // Answers to private conversations arrive as replies in DMs (messages.ts).
      GatewayIntentBits.DirectMessages,
      ...(options.messageContent ? [GatewayIntentBits.MessageContent] : []),
    ],
    rest: {
      ...(options.apiUrl ? { api: options.apiUrl } : {}),
      // One quick retry on 5xx for interaction answers; deliveries have the outbox for more.
      retries: 1,
      ...(options.requestTimeoutMs ? { timeout: options.requestTimeoutMs } : {}),
      // Rate limits on delivery routes go back to the outbox (see delivery.ts).
      rejectOnRateLimit: (data) => isDeliveryRoute(data.route),
    },
    allowedMentions: { parse: [] },
    // A DM channel discord.js has not cached still delivers its messages.
    partials: [Partials.Channel],
    // Messages are never read back from the cache.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
  });
}
