// The Discord side of the tests: a real Bot on a throwaway database, the adapter's discord.js
// client logged in to the fake Discord, and the moves a person makes in the Discord client
// (run a slash command with its options filled in, press a button, fill in a modal, type to
// get suggestions), each resolving once the adapter has answered.
import {
  ApplicationCommandOptionType,
  ComponentType,
  InteractionType,
  type APIApplicationCommandInteractionDataOption,
} from 'discord-api-types/v10';
import { buildCommandJson, type DiscordCommandJson } from '../../src/adapters/discord/command-json.ts';
import { DiscordAdapter, type DiscordAdapterOptions, type SettledInteraction } from '../../src/adapters/discord/discord-adapter.ts';
import { parseCommandText, splitCommandLine } from '../../src/core/framework/text-parser.ts';
import { createTestBot, silentLogger, type TestBot } from '../support/bot.ts';
import type { SeenMessage } from '../contract/adapter-contract.ts';
import { FakeDiscord, isEphemeral, messageDefaults, type FakeMessage, type InteractionRecord } from './fake-discord.ts';

export const ADMIN_ID = '100000000000000001';
export const GUILD_ID = '400000000000000004';
export const CHANNEL_ID = '500000000000000005';
export const THREAD_ID = '500000000000000006';

export interface Person {
  id: string;
  name?: string;
  locale?: string;
}

export interface MoveOptions {
  /** The interaction id; the same id twice is Discord delivering one interaction twice. */
  id?: string;
  /** In a DM with the bot instead of the guild channel. */
  dm?: boolean;
  /** Another channel (a thread, say) of the guild. */
  channel?: { id: string; type: number; name?: string; parent_id?: string };
}

export class DiscordHarness {
  /** The commands as registered: the real ones and any test-only ones the bot was given. */
  get json(): DiscordCommandJson[] {
    return (this.builtJson ??= buildCommandJson(this.testBot.bot.commands));
  }
  private builtJson?: DiscordCommandJson[];
  private readonly tokens = new Map<string, string>();
  private guildReady?: Promise<void>;

  private constructor(
    readonly fake: FakeDiscord,
    readonly adapter: DiscordAdapter,
    readonly testBot: TestBot,
  ) {}

  static async create(options: { adapter?: Partial<DiscordAdapterOptions>; testBot?: TestBot } = {}): Promise<DiscordHarness> {
    const fake = new FakeDiscord();
    await fake.start();
    const testBot = options.testBot ?? (await createTestBot({ admins: [`discord:${ADMIN_ID}`], guide: true }));
    const adapter = new DiscordAdapter(testBot.bot, {
      token: 'fake-token',
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      logger: silentLogger,
      ...options.adapter,
    });
    testBot.deliverers.set('discord', (item, progress) => adapter.deliver(item, progress));
    await adapter.start();
    return new DiscordHarness(fake, adapter, testBot);
  }

  async close(): Promise<void> {
    await this.adapter.stop();
    await this.fake.stop();
    await this.testBot.close();
  }

  /** A slash command with its options as the Discord client sends them. */
  command(person: Person, name: string, options: APIApplicationCommandInteractionDataOption[] = [], move: MoveOptions = {}): Promise<InteractionRecord> {
    return this.send(person, move, InteractionType.ApplicationCommand, { id: this.fake.snowflake(), name, type: 1, options });
  }

  /**
   * A command line as typed elsewhere (`/update plaats #samenwerking tekst`), turned into the
   * options the Discord client would send once the person filled them in.
   */
  typed(person: Person, line: string, move: MoveOptions = {}): Promise<InteractionRecord> {
    const split = splitCommandLine(line);
    if (!split) throw new Error(`not a command: ${line}`);
    return this.command(person, split.command, this.optionsFor(split.command, split.text), move);
  }

  optionsFor(name: string, text: string): APIApplicationCommandInteractionDataOption[] {
    // The bot's commands: the real ones and any test-only ones it was given.
    const declaration = this.testBot.bot.findCommand(name);
    const json = this.json.find((command) => command.name === name);
    if (!declaration || !json) return [];
    const parsed = parseCommandText(declaration, text);
    if (!parsed.ok) throw new Error(`the Discord client would not send this: ${text}`);
    const container = parsed.subcommand ? json.options?.find((option) => option.name === parsed.subcommand) : json;
    const declared = ((container as { options?: { name: string; type: number }[] })?.options ?? []) as { name: string; type: number }[];
    const values = Object.entries(parsed.values).map(([optionName, value]) => {
      const type = declared.find((option) => option.name === optionName)?.type ?? ApplicationCommandOptionType.String;
      const typed = type === ApplicationCommandOptionType.Integer ? Number(value) : type === ApplicationCommandOptionType.User ? value.replace(/^discord:|[<@!>]/g, '') : value;
      return { name: optionName, type, value: typed } as APIApplicationCommandInteractionDataOption;
    });
    return parsed.subcommand ? [{ name: parsed.subcommand, type: ApplicationCommandOptionType.Subcommand, options: values } as APIApplicationCommandInteractionDataOption] : values;
  }

  /** Presses a button on a message the bot sent. */
  press(person: Person, message: FakeMessage, customId: string, move: MoveOptions = {}): Promise<InteractionRecord> {
    const channel = move.channel ?? (this.isDm(message.channel_id) ? undefined : { id: message.channel_id, type: 0 });
    return this.send(person, { ...move, dm: move.dm ?? !channel, channel }, InteractionType.MessageComponent, { custom_id: customId, component_type: ComponentType.Button }, { message });
  }

  /** Fills in and submits a modal the bot showed; values by field (custom_id). */
  submit(person: Person, modal: NonNullable<InteractionRecord['modal']>, values: Record<string, string | string[]>, move: MoveOptions = {}): Promise<InteractionRecord> {
    const components = modal.components.map((component, index) => {
      if (component.type === ComponentType.TextDisplay) return { type: ComponentType.TextDisplay, id: index + 1 };
      const inner = component.component as { type: number; custom_id: string; value?: string; options?: { value: string; default?: boolean }[]; default_values?: { id: string }[] };
      const given = values[inner.custom_id];
      // What the person leaves alone is submitted as the modal showed it (prefilled, preselected).
      const preselected = inner.options?.filter((option) => option.default).map((option) => option.value) ?? inner.default_values?.map((value) => value.id) ?? [];
      const submitted = inner.type === ComponentType.TextInput
        ? { type: inner.type, id: 100 + index, custom_id: inner.custom_id, value: typeof given === 'string' ? given : (inner.value ?? '') }
        : { type: inner.type, id: 100 + index, custom_id: inner.custom_id, values: given === undefined ? preselected : ([] as string[]).concat(given) };
      return { type: ComponentType.Label, id: index + 1, component: submitted };
    });
    return this.send(person, move, InteractionType.ModalSubmit, { custom_id: modal.custom_id, components });
  }

  /** Typing in an option with autocomplete: the suggestions Discord shows. */
  async suggest(person: Person, name: string, sub: string | undefined, option: string, partial: string): Promise<{ name: string; value: string }[]> {
    const focused = { name: option, type: ApplicationCommandOptionType.String, value: partial, focused: true };
    const options = sub ? [{ name: sub, type: ApplicationCommandOptionType.Subcommand, options: [focused] }] : [focused];
    const record = await this.send(person, {}, InteractionType.ApplicationCommandAutocomplete, { id: this.fake.snowflake(), name, type: 1, options });
    return record.choices ?? [];
  }

  /** Sends an interaction and resolves once the adapter has settled it. */
  async send(person: Person, move: MoveOptions, type: InteractionType, data: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<InteractionRecord> {
    const id = move.id ?? this.fake.snowflake();
    // A redelivered interaction carries the same token as the first delivery.
    const token = this.tokens.get(id) ?? `token-${id}`;
    this.tokens.set(id, token);
    const user = { id: person.id, username: person.name ?? person.id, discriminator: '0', global_name: null, avatar: null };
    const where = move.dm
      ? { channel: { id: this.dmChannelOf(person.id), type: 1 }, user, context: 1 }
      : {
          guild_id: GUILD_ID,
          guild_locale: 'nl',
          channel: { guild_id: GUILD_ID, name: 'algemeen', ...(move.channel ?? { id: CHANNEL_ID, type: 0 }) },
          member: { user, roles: [], permissions: '0', joined_at: new Date(0).toISOString(), nick: null, avatar: null, deaf: false, mute: false, flags: 0, pending: false },
          context: 0,
        };
    const settled = this.settled(id);
    const record = this.fake.interact({
      id,
      token,
      type,
      application_id: this.fake.applicationId,
      version: 1,
      locale: person.locale ?? 'nl',
      app_permissions: '0',
      entitlements: [],
      authorizing_integration_owners: {},
      data,
      ...where,
      ...extra,
    });
    await settled;
    return record;
  }

  private settled(id: string): Promise<void> {
    return new Promise((resolve) => {
      const listener = (settled: SettledInteraction) => {
        if (settled.id !== id) return;
        this.adapter.events.off('settled', listener);
        resolve();
      };
      this.adapter.events.on('settled', listener);
    });
  }

  /** Dispatches MESSAGE_CREATE; resolves with whether the adapter stored it as a thread reply. */
  message(data: Record<string, unknown> & { id: string }): Promise<boolean> {
    const handled = new Promise<boolean>((resolve) => {
      const listener = (event: { id: string; recorded: boolean }) => {
        if (event.id !== data.id) return;
        this.adapter.events.off('message', listener);
        resolve(event.recorded);
      };
      this.adapter.events.on('message', listener);
    });
    this.fake.dispatchMessage(data);
    return handled;
  }

  /** The server with its text channel, known to discord.js as after GUILD_CREATE at start-up. */
  ensureGuild(): Promise<void> {
    this.guildReady ??= (async () => {
      const created = new Promise((resolve) => this.adapter.client.once('guildCreate', resolve));
      this.fake.dispatch('GUILD_CREATE', guildPayload());
      await created;
    })();
    return this.guildReady;
  }

  /**
   * Someone starts a thread from a message in a channel (Discord: "Create Thread" on it). The
   * thread gets the message's id as its own, and the bot hears of it (THREAD_CREATE).
   */
  async startThread(from: { channel: string; message: string }, owner: Person, name = 'Reacties'): Promise<string> {
    await this.ensureGuild();
    const id = from.message;
    this.fake.threads.add(id);
    if (this.adapter.client.channels.cache.has(id)) return id;
    const created = new Promise<void>((resolve) => {
      const listener = (thread: { id: string }) => {
        if (thread.id !== id) return;
        this.adapter.client.off('threadCreate', listener);
        resolve();
      };
      this.adapter.client.on('threadCreate', listener);
    });
    const now = new Date().toISOString();
    this.fake.dispatch('THREAD_CREATE', {
      id,
      type: 11,
      name,
      guild_id: GUILD_ID,
      parent_id: from.channel,
      owner_id: owner.id,
      message_count: 0,
      member_count: 1,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: now, locked: false },
      newly_created: true,
    });
    await created;
    return id;
  }

  /**
   * A person writes in a channel or thread of the server; resolves with whether the adapter
   * stored it as a thread reply. `mentionBot` starts the text with @Binnenuit, as Discord shows it.
   */
  write(person: Person, channelId: string, text: string, options: { mentionBot?: boolean; messageId?: string; isBot?: boolean } = {}): Promise<boolean> {
    const author = { id: person.id, username: person.name ?? person.id, discriminator: '0', global_name: null, avatar: null, ...(options.isBot ? { bot: true } : {}) };
    const bot = { id: this.fake.botUserId, username: 'Binnenuit', discriminator: '0', global_name: null, avatar: null, bot: true };
    return this.message({
      id: options.messageId ?? this.fake.snowflake(),
      type: 0,
      channel_id: channelId,
      guild_id: GUILD_ID,
      author,
      member: { roles: [], joined_at: new Date(0).toISOString(), deaf: false, mute: false, flags: 0, nick: null },
      content: options.mentionBot ? `<@${this.fake.botUserId}> ${text}` : text,
      ...messageDefaults(),
      mentions: options.mentionBot ? [bot] : [],
      attachments: [],
      embeds: [],
    });
  }

  // --- H4 (relay, private conversations): answering in a DM -----------------------------------

  /**
   * A person answers one of the bot's DMs with Discord's "Reply" (a message with a
   * message_reference in the DM channel); resolves with whether the adapter stored it.
   */
  replyInDm(person: Person, to: FakeMessage, text: string, options: { messageId?: string } = {}): Promise<boolean> {
    const author = { id: person.id, username: person.name ?? person.id, discriminator: '0', global_name: person.name ?? null, avatar: null };
    return this.message({
      id: options.messageId ?? this.fake.snowflake(),
      type: 19,
      channel_id: to.channel_id,
      // Discord names the channel type of a DM in MESSAGE_CREATE (discord.js needs it to know the DM).
      channel_type: 1,
      author,
      content: text,
      ...messageDefaults(),
      attachments: [],
      embeds: [],
      message_reference: { type: 0, message_id: to.id, channel_id: to.channel_id },
    });
  }

  // --- end H4 ----------------------------------------------------------------------------------

  /** Sends queued outbox messages; returns the DMs this person has. */
  async dms(personId: string): Promise<FakeMessage[]> {
    await this.testBot.worker.drain();
    return this.fake.dmsTo(personId);
  }

  private dmChannelOf(userId: string): string {
    let id = this.fake.dmChannels.get(userId);
    if (!id) this.fake.dmChannels.set(userId, (id = this.fake.snowflake()));
    return id;
  }

  private isDm(channelId: string): boolean {
    return [...this.fake.dmChannels.values()].includes(channelId);
  }
}

function guildPayload() {
  const now = new Date().toISOString();
  return {
    id: GUILD_ID,
    name: 'Alliantie',
    icon: null,
    owner_id: ADMIN_ID,
    joined_at: now,
    unavailable: false,
    large: false,
    member_count: 2,
    preferred_locale: 'nl',
    features: [],
    roles: [],
    emojis: [],
    stickers: [],
    members: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    channels: [{ id: CHANNEL_ID, type: 0, name: 'algemeen', guild_id: GUILD_ID, position: 0, permission_overwrites: [] }],
    threads: [],
  };
}

/** What a person sees of an interaction's answer: the reply (unless deleted) and follow-ups. */
export function seenMessages(record: InteractionRecord): FakeMessage[] {
  const original = record.original && !record.originalDeleted && !record.original.deferred ? [record.original] : [];
  return [...original, ...record.followUps];
}

/** All readable text of a message: content, embed titles, descriptions, fields, footers. */
export function textOf(message: FakeMessage): string {
  const parts = [message.content];
  for (const embed of message.embeds) {
    parts.push(embed.title ?? '', embed.description ?? '');
    for (const field of embed.fields ?? []) parts.push(`${field.name}\n${field.value}`);
    parts.push(embed.footer?.text ?? '');
  }
  return parts.filter(Boolean).join('\n');
}

export function buttonsOf(message: FakeMessage): { customId: string; label: string; style?: number }[] {
  return message.components.flatMap((row) => row.components).map((button) => ({ customId: button.custom_id ?? '', label: button.label ?? '', style: button.style }));
}

export function allText(record: InteractionRecord): string {
  return seenMessages(record).map(textOf).join('\n');
}

export function toSeen(message: FakeMessage, visibility?: SeenMessage['visibility']): SeenMessage {
  const seenVisibility = visibility ?? (isEphemeral(message) ? 'ephemeral' : 'channel');
  return {
    text: textOf(message),
    visibility: seenVisibility,
    ...(seenVisibility === 'channel' ? { ref: { channel: message.channel_id, message: message.id } } : {}),
    buttons: buttonsOf(message).map((button) => {
      const bar = button.customId.indexOf('|');
      return bar === -1
        ? { label: button.label, actionId: button.customId }
        : { label: button.label, actionId: button.customId.slice(0, bar), value: button.customId.slice(bar + 1) };
    }),
  };
}
