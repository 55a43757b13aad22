// Discord through discord.js: slash commands, buttons, modals and autocomplete come in over the
// gateway as interactions and go to the Bot as neutral requests; neutral replies go back as
// embeds and buttons. No business rules live here: access, validation and what happens are
// the Bot's; this file only speaks Discord.
//
// Answering within Discord's 3 seconds: the Bot is asked first, and a timer defers the
// interaction (ephemerally) if it has not answered after `deferAfterMs` (2 s). Most commands
// answer well within that, so the reply is a normal one, ephemeral or visible as the Bot
// decided, and a form can still open as a modal (a modal must be the first response). When
// the deferral did happen: an ephemeral reply edits the "thinking…" placeholder; a channel reply
// resolves the placeholder, is posted as a visible follow-up and the placeholder is deleted
// (after an ephemeral deferral the first follow-up is always ephemeral); a form becomes a
// button that opens it. Buttons defer with deferUpdate (no placeholder) and follow up.
// After the interaction token expired (15 minutes) the answer goes through the outbox.
//
// Discussions: a visible reply that asks for one (Reply.discussion) is registered with the Bot
// as the message it became (its channel and id). A thread members start from that message has
// the message's id as its own, so what they write there arrives as messages in a thread whose
// id is the registered one and whose parent is the channel (onMessage).
import { EventEmitter } from 'node:events';
import {
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Options,
  RateLimitError,
  Routes,
  ApplicationCommandOptionType,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type Message,
  type ModalSubmitInteraction,
  type APIButtonComponentWithCustomId,
} from 'discord.js';
import type { Bot, Outcome, Requester } from '../../core/bot.ts';
import type { Place } from '../../core/framework/context.ts';
import { findInvocable } from '../../core/framework/declarations.ts';
import { errorReply, type Reply } from '../../core/framework/reply.ts';
import type { Form } from '../../core/framework/usage.ts';
import { toLocale, translator, type Locale, type Translate } from '../../core/i18n.ts';
import { safeError, type Logger } from '../../core/logger.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import { RetryLaterError } from '../../core/outbox/worker.ts';
import type { ChatAdapter } from '../adapter.ts';
import { buildCommandJson } from './command-json.ts';
import { formCustomId, FormStash, parseCustomId } from './custom-ids.ts';
import { buildModal, valuesFromModal, type SubmittedComponent } from './modal.ts';
import { registerCommands, type RegistrationResult } from './registration.ts';
import { adapterButton, renderReply, type DiscordMessageBody } from './render.ts';

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
}

/** What the adapter did with one interaction; tests and metrics listen for it. */
export interface SettledInteraction {
  id: string;
  kind: 'command' | 'button' | 'modal' | 'autocomplete' | 'form-button' | 'unsupported';
  outcome: Outcome['kind'] | 'modal' | 'autocomplete' | 'error' | 'late';
}

type Answerable = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/** The routes of outbox deliveries: on 429 they fail at once and the outbox retries later. */
const OUTBOX_ROUTES = ['/channels/:id/messages', '/users/@me/channels'];
const DEFAULT_DEFER_AFTER_MS = 2000;
/** Discord's 15 minutes, less a margin for the request itself. */
const DEFAULT_TOKEN_LIFETIME_MS = 14 * 60_000;

export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord' as const;
  /** 'settled' (SettledInteraction) after each interaction; 'message' after each thread message. */
  readonly events = new EventEmitter();
  readonly client: Client;
  /** What the last start-up registration did. */
  registration?: RegistrationResult;
  private readonly stash = new FormStash();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly dmChannels = new Map<string, string>();
  private readonly logger: Logger;

  constructor(
    private readonly bot: Bot,
    private readonly options: DiscordAdapterOptions,
  ) {
    this.logger = options.logger;
    this.client = new Client({
      intents: [
        GatewayIntentBits.Guilds,
        GatewayIntentBits.GuildMessages,
        ...(options.messageContent ? [GatewayIntentBits.MessageContent] : []),
      ],
      rest: {
        ...(options.apiUrl ? { api: options.apiUrl } : {}),
        // One quick retry on 5xx for interaction answers; deliveries have the outbox for more.
        retries: 1,
        // Rate limits on delivery routes go back to the outbox (RetryLaterError) instead of
        // being slept through inside discord.js; interaction answers still wait for their bucket.
        rejectOnRateLimit: (data) => OUTBOX_ROUTES.some((route) => data.route.startsWith(route)),
      },
      allowedMentions: { parse: [] },
      // Messages are never read back from the cache.
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
    });
    this.client.on(Events.InteractionCreate, (interaction) => this.track(this.onInteraction(interaction)));
    this.client.on(Events.MessageCreate, (message) => this.track(this.onMessage(message)));
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

  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.client.destroy();
  }

  // ---- outbox ----------------------------------------------------------------------------

  async deliver(item: OutboxItem): Promise<void> {
    const t = translator(item.locale);
    // One message: a retry after a half-sent series would repeat its first part.
    const { messages, droppedButtons } = renderReply(item.reply, { more: t('discord.more'), maxMessages: 1 });
    if (droppedButtons.length) this.logger.warn({ outboxId: item.id, droppedButtons }, 'discord buttons left out');
    let posted: { id: string; channel_id?: string };
    let channelId: string;
    try {
      channelId = await this.channelFor(item.target.kind, item.target.ref);
      posted = (await this.client.rest.post(Routes.channelMessages(channelId), { body: messages[0] })) as typeof posted;
    } catch (error) {
      throw outboxError(error);
    }
    // A channel post that asks for a discussion (e.g. an update answered after the token expired).
    if (item.reply.discussion && item.target.kind === 'channel' && posted.id) {
      await this.bot.discussionStarted({ platform: 'discord', channelRef: posted.channel_id ?? channelId, threadRef: posted.id }, item.reply.discussion);
    }
  }

  private async channelFor(kind: OutboxItem['target']['kind'], ref: string): Promise<string> {
    if (kind === 'channel') return ref;
    if (kind === 'thread') return ref.split('/')[1] ?? ref;
    return this.dmChannel(ref);
  }

  private async dmChannel(userId: string): Promise<string> {
    const known = this.dmChannels.get(userId);
    if (known) return known;
    const channel = (await this.client.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    this.dmChannels.set(userId, channel.id);
    return channel.id;
  }

  // ---- interactions ----------------------------------------------------------------------

  private track(work: Promise<unknown>): void {
    const tracked: Promise<unknown> = work
      .catch((error: unknown) => this.logger.error({ err: safeError(error) }, 'discord event not handled'))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async onInteraction(interaction: Interaction): Promise<void> {
    const receivedAt = Date.now();
    let settled: SettledInteraction = { id: interaction.id, kind: 'unsupported', outcome: 'error' };
    try {
      if (interaction.isAutocomplete()) {
        settled = { ...settled, kind: 'autocomplete', outcome: await this.onAutocomplete(interaction) };
      } else if (interaction.isChatInputCommand()) {
        settled = { ...settled, kind: 'command', outcome: await this.onCommand(interaction, receivedAt) };
      } else if (interaction.isButton()) {
        const parsed = parseCustomId(interaction.customId);
        settled = parsed?.kind === 'form'
          ? { ...settled, kind: 'form-button', outcome: await this.onFormButton(interaction, parsed.command, parsed.subcommand, parsed.token) }
          : { ...settled, kind: 'button', outcome: await this.onButton(interaction, receivedAt) };
      } else if (interaction.isModalSubmit()) {
        settled = { ...settled, kind: 'modal', outcome: await this.onModalSubmit(interaction, receivedAt) };
      } else if (interaction.isRepliable()) {
        const { t } = await this.localeOf(interaction);
        await interaction.reply({ embeds: renderReply(errorReply(t('discord.unsupported')), { more: '…' }).messages[0]!.embeds, flags: MessageFlags.Ephemeral });
        settled = { ...settled, outcome: 'reply' };
      }
    } catch (error) {
      this.logger.error({ interactionId: interaction.id, type: interaction.type, err: safeError(error) }, 'discord interaction failed');
      await this.apologise(interaction);
    } finally {
      this.logger.debug({ interactionId: interaction.id, kind: settled.kind, outcome: settled.outcome, ms: Date.now() - receivedAt }, 'discord interaction');
      this.events.emit('settled', settled);
    }
  }

  private async onCommand(interaction: ChatInputCommandInteraction, receivedAt: number): Promise<SettledInteraction['outcome']> {
    const command = interaction.commandName;
    const subcommand = interaction.options.getSubcommand(false) ?? undefined;
    const values = optionValues(interaction.options.data);
    // A missing long text (slash-command options are one line) is asked for in a modal.
    const declaration = this.bot.findCommand(command);
    const found = declaration && findInvocable(declaration, subcommand);
    const longOptions = found ? Object.entries(found.invocable.options).filter(([, option]) => option.long) : [];
    const formsAvailable = longOptions.some(([name]) => values[name] === undefined);
    return this.answer(
      interaction,
      receivedAt,
      values,
      () =>
        this.bot.handleCommand({
          requester: requesterOf(interaction),
          place: placeOf(interaction),
          command,
          subcommand,
          values,
          formsAvailable,
          eventKey: eventKey(interaction),
        }),
      // A refused long text is easier to fix in the form than by typing the command again.
      longOptions.length ? { command, subcommand, again: false } : undefined,
    );
  }

  private async onButton(interaction: ButtonInteraction, receivedAt: number): Promise<SettledInteraction['outcome']> {
    const parsed = parseCustomId(interaction.customId);
    const action = parsed?.kind === 'action' ? parsed : { actionId: '', value: undefined };
    return this.answer(interaction, receivedAt, {}, () =>
      this.bot.handleAction({
        requester: requesterOf(interaction),
        place: placeOf(interaction),
        actionId: action.actionId,
        value: action.value,
        eventKey: eventKey(interaction),
      }),
    );
  }

  /** "Open the form (again)": a modal, prefilled with what was typed before. */
  private async onFormButton(interaction: ButtonInteraction, command: string, subcommand: string | undefined, token: string | undefined): Promise<SettledInteraction['outcome']> {
    const { locale, t } = await this.localeOf(interaction);
    const stashed = this.stash.get(token);
    const form = this.bot.formFor(command, subcommand, locale, stashed?.values, stashed?.errors);
    if (!form) {
      await interaction.reply({ ...payload(this.render(errorReply(t('errors.unknownAction')), t).messages[0]!), flags: MessageFlags.Ephemeral });
      return 'reply';
    }
    await interaction.showModal(this.modalFor(form, stashed?.values ?? {}, t));
    return 'modal';
  }

  private async onModalSubmit(interaction: ModalSubmitInteraction, receivedAt: number): Promise<SettledInteraction['outcome']> {
    const parsed = parseCustomId(interaction.customId);
    if (parsed?.kind !== 'modal') {
      const { t } = await this.localeOf(interaction);
      await interaction.reply({ ...payload(this.render(errorReply(t('errors.unknownAction')), t).messages[0]!), flags: MessageFlags.Ephemeral });
      return 'reply';
    }
    // Fields that did not fit in the modal come from the stash; what was submitted wins, and
    // a field left empty is not given at all (it also overrides an older stashed value).
    const submitted = valuesFromModal((interaction.components ?? []) as unknown as SubmittedComponent[]);
    const merged = { ...(this.stash.get(parsed.token)?.values ?? {}), ...submitted };
    const values = Object.fromEntries(Object.entries(merged).filter(([, value]) => !(typeof value === 'string' && value.trim() === '')));
    return this.answer(
      interaction,
      receivedAt,
      values,
      () =>
        this.bot.handleCommand({
          requester: requesterOf(interaction),
          place: placeOf(interaction),
          command: parsed.command,
          subcommand: parsed.subcommand,
          values,
          formsAvailable: false,
          eventKey: eventKey(interaction),
        }),
      { command: parsed.command, subcommand: parsed.subcommand, again: true },
    );
  }

  private async onAutocomplete(interaction: AutocompleteInteraction): Promise<SettledInteraction['outcome']> {
    const focused = interaction.options.getFocused(true);
    let choices: { label: string; value: string }[] = [];
    try {
      choices = await this.bot.autocomplete({
        requester: requesterOf(interaction),
        command: interaction.commandName,
        subcommand: interaction.options.getSubcommand(false) ?? undefined,
        option: focused.name,
        partial: String(focused.value ?? ''),
      });
    } catch (error) {
      this.logger.warn({ interactionId: interaction.id, err: safeError(error) }, 'discord autocomplete failed');
    }
    await interaction.respond(
      choices
        .filter((choice) => choice.value.length >= 1 && choice.value.length <= 100)
        .slice(0, 25)
        .map((choice) => ({ name: choice.label.length > 100 ? `${choice.label.slice(0, 99)}…` : choice.label || choice.value, value: choice.value })),
    );
    return 'autocomplete';
  }

  /**
   * Runs the Bot and answers within Discord's 3 seconds (see the top of this file). `formOf`
   * names the command whose form an invalid submission can (re)open, prefilled.
   */
  private async answer(
    interaction: Answerable,
    receivedAt: number,
    values: Record<string, unknown>,
    work: () => Promise<Outcome>,
    formOf?: { command: string; subcommand?: string; again: boolean },
  ): Promise<SettledInteraction['outcome']> {
    const button = interaction.isButton() ? interaction : undefined;
    const deferKind = button ? 'update' : 'reply';
    let deferral: Promise<boolean> | undefined;
    const defer = () => {
      deferral ??= (button ? button.deferUpdate() : interaction.deferReply({ flags: MessageFlags.Ephemeral })).then(
        () => true,
        (error: unknown) => {
          this.logger.warn({ interactionId: interaction.id, err: safeError(error) }, 'discord defer failed');
          return false;
        },
      );
    };
    const deferAfter = this.options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
    const timer = deferAfter > 0 ? setTimeout(defer, deferAfter) : undefined;
    if (deferAfter <= 0) defer();

    let outcome: Outcome;
    try {
      outcome = await work();
    } catch (error) {
      this.logger.error({ interactionId: interaction.id, err: safeError(error) }, 'discord handler failed');
      outcome = { kind: 'reply', reply: errorReply(translator(this.fallbackLocale(interaction))('errors.internal')) };
    } finally {
      clearTimeout(timer);
    }
    const deferred = deferral ? await deferral : false;
    const { t } = await this.localeOf(interaction);
    if (outcome.kind === 'duplicate') {
      // Normally the first delivery answered and Discord refuses a second answer; if it never
      // got to answer (a crash), say so instead of leaving "interaction failed".
      await this.send(interaction, { visibility: 'ephemeral', text: t('discord.alreadyHandled') }, deferred, deferKind, t, receivedAt).catch((error: unknown) => {
        if (!isAlreadyAnswered(error)) throw error;
      });
      return 'duplicate';
    }

    if (outcome.kind === 'form') {
      if (!deferred && 'showModal' in interaction) {
        await interaction.showModal(this.modalFor(outcome.form, values, t));
        return 'modal';
      }
      const token = this.stash.put({ values });
      const button = adapterButton(formCustomId('form', outcome.form.command, outcome.form.subcommand, token), t('discord.openForm'));
      await this.send(interaction, { visibility: 'ephemeral', text: t('discord.formNeeded') }, deferred, deferKind, t, receivedAt, [button]);
      return 'form';
    }

    const extra: APIButtonComponentWithCustomId[] = [];
    if (outcome.kind === 'invalid' && formOf && Object.keys(outcome.errors).length) {
      // Discord modals cannot show field errors: the reply lists them, and this reopens the form.
      const token = this.stash.put({ values, errors: outcome.errors });
      extra.push(adapterButton(formCustomId('form', formOf.command, formOf.subcommand, token), t(formOf.again ? 'discord.reopenForm' : 'discord.openForm')));
    }
    return this.send(interaction, outcome.reply, deferred, deferKind, t, receivedAt, extra);
  }

  private async send(
    interaction: Answerable,
    reply: Reply,
    deferred: boolean,
    deferKind: 'update' | 'reply',
    t: Translate,
    receivedAt: number,
    extraButtons: APIButtonComponentWithCustomId[] = [],
  ): Promise<SettledInteraction['outcome']> {
    const { messages, droppedButtons } = this.render(reply, t, extraButtons);
    if (droppedButtons.length) this.logger.warn({ interactionId: interaction.id, droppedButtons }, 'discord buttons left out');
    if (Date.now() - receivedAt > (this.options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS)) {
      await this.sendLate(interaction, reply, t);
      return 'late';
    }
    const ephemeral = reply.visibility === 'ephemeral';
    const flags = ephemeral ? { flags: MessageFlags.Ephemeral as const } : {};
    const [first, ...rest] = messages as [DiscordMessageBody, ...DiscordMessageBody[]];
    /** The first visible message of the answer, when a discussion is to start from it. */
    let landed: { id: string; channelId: string } | null | undefined;
    const discussion = !ephemeral && reply.discussion && canCarryDiscussion(interaction) ? reply.discussion : undefined;
    if (!deferred) {
      if (discussion) landed = (await interaction.reply({ ...payload(first), withResponse: true })).resource?.message;
      else await interaction.reply({ ...payload(first), ...flags });
      for (const message of rest) await interaction.followUp({ ...payload(message), ...flags });
    } else if (deferKind === 'reply' && ephemeral) {
      await interaction.editReply(payload(first));
      for (const message of rest) await interaction.followUp({ ...payload(message), ...flags });
    } else if (deferKind === 'reply') {
      // After an ephemeral deferral the first follow-up would only resolve the placeholder,
      // ephemerally: resolve it first, post for the channel, then remove it.
      await interaction.editReply({ content: '✓', embeds: [], components: [] });
      for (const message of messages) {
        const sent = await interaction.followUp(payload(message));
        landed ??= sent;
      }
      await interaction.deleteReply().catch((error: unknown) => this.logger.warn({ interactionId: interaction.id, err: safeError(error) }, 'discord placeholder not deleted'));
    } else {
      for (const message of messages) {
        const sent = await interaction.followUp({ ...payload(message), ...flags });
        landed ??= sent;
      }
    }
    if (discussion && landed) {
      await this.bot.discussionStarted({ platform: 'discord', channelRef: landed.channelId, threadRef: landed.id }, discussion);
    } else if (discussion) {
      this.logger.warn({ interactionId: interaction.id }, 'discord reply message unknown; no discussion');
    }
    return 'reply';
  }

  /**
   * The interaction token has expired: the answer goes through the outbox (retried like any
   * notification), ephemeral answers by DM, channel answers to the channel.
   */
  private async sendLate(interaction: Answerable, reply: Reply, t: Translate): Promise<void> {
    const command = interaction.isChatInputCommand() ? interaction.commandName : '';
    const toChannel = reply.visibility === 'channel' && interaction.channelId;
    const { locale } = await this.localeOf(interaction);
    // The reply says first what it answers; its own title follows in bold.
    const late: Reply = {
      ...reply,
      title: t('discord.lateReply', { command }),
      text: [reply.title ? `**${reply.title}**` : undefined, reply.text].filter(Boolean).join('\n') || undefined,
      // A discussion needs a message in a channel (a thread can start from it), not a DM.
      discussion: toChannel && canCarryDiscussion(interaction) ? reply.discussion : undefined,
    };
    await this.bot.services.outbox.send({
      dedupeKey: `discord:late:${interaction.id}`,
      target: toChannel ? { platform: 'discord', kind: 'channel', ref: toChannel } : { platform: 'discord', kind: 'user', ref: interaction.user.id },
      locale,
      reply: late,
    });
    this.bot.afterWork();
  }

  private modalFor(form: Form, values: Record<string, unknown>, t: Translate) {
    const { modal, hidden } = buildModal(form, formCustomId('modal', form.command, form.subcommand), {
      shortNotice: t('discord.shortNotice'),
      choose: t('discord.choose'),
    });
    // Values Discord's modal cannot carry (fields beyond five, numbers) wait in the stash.
    const carried = Object.entries(values).some(([name, value]) => hidden.includes(name) || typeof value !== 'string');
    if (carried) modal.custom_id = formCustomId('modal', form.command, form.subcommand, this.stash.put({ values }));
    return modal;
  }

  private render(reply: Reply, t: Translate, extraButtons: APIButtonComponentWithCustomId[] = []) {
    return renderReply(reply, { more: t('discord.more'), extraButtons });
  }

  /** Tells the person something went wrong, if the interaction can still be answered. */
  private async apologise(interaction: Interaction): Promise<void> {
    if (!interaction.isRepliable() || interaction.replied) return;
    try {
      const t = translator(this.fallbackLocale(interaction));
      const body = payload(this.render(errorReply(t('errors.internal')), t).messages[0]!);
      if (interaction.deferred) await interaction.editReply(body);
      else await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
    } catch (error) {
      this.logger.warn({ interactionId: interaction.id, err: safeError(error) }, 'discord apology not sent');
    }
  }

  private async localeOf(interaction: Interaction): Promise<{ locale: Locale; t: Translate }> {
    try {
      const { locale, t } = await this.bot.who(requesterOf(interaction));
      return { locale, t };
    } catch {
      const locale = this.fallbackLocale(interaction);
      return { locale, t: translator(locale) };
    }
  }

  private fallbackLocale(interaction: Interaction): Locale {
    return toLocale(interaction.locale) ?? this.bot.services.settings.defaultLocale;
  }

  // ---- messages in threads ---------------------------------------------------------------

  private async onMessage(message: Message): Promise<void> {
    let recorded = false;
    try {
      const channel = message.channel;
      if (message.author.bot || message.webhookId || message.system || !channel.isThread() || !channel.parentId) return;
      // Without the Message Content intent Discord sends empty text for most messages.
      if (!message.content) return;
      // A thread started from the bot's message has that message's id: {parent, thread id} is
      // the {channel, message id} registered when the message was posted (see send()).
      recorded = await this.bot.services.threads.recordReply(
        { platform: 'discord', channelRef: channel.parentId, threadRef: channel.id },
        { messageRef: message.id, userId: message.author.id, displayName: message.member?.displayName ?? message.author.displayName, text: message.content },
      );
    } catch (error) {
      this.logger.error({ messageId: message.id, err: safeError(error) }, 'discord thread message not stored');
    } finally {
      this.events.emit('message', { id: message.id, recorded });
    }
  }
}

/**
 * Whether a thread can start from a message posted where this interaction happened: in a
 * server's channel, not in a DM and not inside a thread (Discord has no threads in threads).
 */
function canCarryDiscussion(interaction: Interaction): boolean {
  const place = placeOf(interaction);
  return Boolean(place.channelRef) && !place.threadRef;
}

function payload(message: DiscordMessageBody) {
  return { content: message.content, embeds: message.embeds, components: message.components };
}

function eventKey(interaction: Interaction): string {
  return `discord:interaction:${interaction.id}`;
}

function requesterOf(interaction: Interaction): Requester {
  const member = interaction.member as { nickname?: string | null; nick?: string | null } | null;
  const nick = member ? (member.nickname ?? member.nick ?? undefined) : undefined;
  return {
    platform: 'discord',
    userId: interaction.user.id,
    displayName: nick ?? interaction.user.globalName ?? interaction.user.username,
    locale: interaction.locale,
  };
}

/** Where it happened: a channel, a thread in a channel, or (no guild) a DM, which has no channel. */
function placeOf(interaction: Interaction): Place {
  if (!interaction.guildId) return { platform: 'discord' };
  const channel = interaction.channel;
  if (channel?.isThread()) {
    return { platform: 'discord', channelRef: channel.parentId ?? channel.id, channelName: channel.parent?.name, threadRef: channel.id };
  }
  return {
    platform: 'discord',
    channelRef: interaction.channelId ?? undefined,
    channelName: channel && 'name' in channel && typeof channel.name === 'string' ? channel.name : undefined,
  };
}

/** Option values by name, from inside the sub-command; people as `discord:<id>`. */
export function optionValues(options: readonly CommandInteractionOption[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const option of options) {
    if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
      Object.assign(values, optionValues(option.options ?? []));
    } else if (option.type === ApplicationCommandOptionType.User) {
      if (option.value !== undefined) values[option.name] = `discord:${String(option.value)}`;
    } else if (option.value !== undefined) {
      values[option.name] = option.value;
    }
  }
  return values;
}

/** Discord refusing a second answer to an interaction (already acknowledged, or gone). */
function isAlreadyAnswered(error: unknown): boolean {
  return error instanceof DiscordAPIError && (error.code === 40060 || error.code === 10062);
}

/** Discord's errors as the outbox wants them: rate limits with their wait, the rest as they are. */
function outboxError(error: unknown): unknown {
  if (error instanceof RateLimitError) {
    return new RetryLaterError(`discord rate limit on ${error.route}`, Math.max(error.retryAfter, 1000));
  }
  if (error instanceof DiscordAPIError && error.status === 429) {
    const retryAfter = Number((error.rawError as { retry_after?: number }).retry_after ?? 1);
    return new RetryLaterError(`discord rate limit (${error.code})`, Math.max(retryAfter * 1000, 1000));
  }
  return error;
}

