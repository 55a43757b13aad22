// The three platforms as the meetings tests play them: the console adapter, the real Bolt
// adapter against FakeSlack, the real discord.js client against FakeDiscord, each on a real
// test Bot. A trimmed copy of the contract suite's drivers (test/contract/*.contract.test.ts),
// which cannot be imported without running that suite, plus what meetings need: how a person
// is mentioned, and the raw platform text (to see Slack's and Discord's own date tokens).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.ts';
import type { PlatformName } from '../../src/core/platform.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';
import { CHANNEL, lastOpenedView, startSlack } from '../slack/harness.ts';
import { blocksText, seenMessage, seenResponse, type SlackButton } from '../slack/seen.ts';
import { CHANNEL_ID, DiscordHarness, GUILD_ID, seenMessages, toSeen } from '../discord/harness.ts';
import { PermissionFlagsBits } from 'discord.js';
import type { InteractionRecord } from '../discord/fake-discord.ts';
import { startHttpServer } from '../../src/http-server.ts';
import { feedRoute } from '../../src/core/meetings/feed-http.ts';
import type { ReceivedFile, SeenButton, SeenForm, SeenMessage } from '../contract/adapter-contract.ts';

export interface MeetingPlatform {
  platform: PlatformName;
  testBot: TestBot;
  /** How `genodigden:` names this user on the platform. */
  mention(userId: string): string;
  command(userId: string, line: string): Promise<SeenMessage[]>;
  press(userId: string, button: SeenButton): Promise<SeenMessage[]>;
  /** The user's DMs as they see them now (edits applied where the platform edits in place). */
  directMessages(userId: string): Promise<SeenMessage[]>;
  receivedFiles(userId: string): Promise<ReceivedFile[]>;
  /** The form last opened for this user, if the platform opens forms for commands. */
  lastForm(userId: string): Promise<SeenForm | undefined>;
  submitForm(userId: string, form: SeenForm, values: Record<string, string>): Promise<SeenMessage[]>;
  editsInPlace: boolean;
  /** Where GET /agenda/<token>.ics is served for this platform's set-up. */
  feedBaseUrl: string;
  /** The platform shows a date token (Slack `<!date^…>`, Discord `<t:…:F>`); null on the console. */
  dateToken: RegExp | null;
  close(): Promise<void>;
  // --- H23 (genodigden:kanaal) ---
  /**
   * These people are in the channel the commands come from: on the console they type a line
   * there; on Slack they are its conversations.members; on Discord the server's members (who
   * may all view it, unless `hidden`). The platform's bot users are listed as the platform does.
   */
  channelHas(userIds: string[], options?: { hidden?: string[] }): Promise<void>;
  /** A command typed in the person's DM with the bot; undefined on the console (no DMs there). */
  commandInDm?(userId: string, line: string): Promise<SeenMessage[]>;
  /** Discord: the Server Members Intent, as switched in the Developer Portal. */
  membersIntent?(on: boolean): void;
  // --- end H23 ---
}

export const platformNames: PlatformName[] = ['console', 'slack', 'discord'];

export function startPlatform(platform: PlatformName): Promise<MeetingPlatform> {
  if (platform === 'console') return startConsole();
  if (platform === 'slack') return startSlackPlatform();
  return startDiscord();
}

async function startConsole(): Promise<MeetingPlatform> {
  const testBot = await createTestBot({ admins: ['console:local'] });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'binnenuit-meetings-'));
  const filesDir = path.join(dataDir, 'bestanden');
  const blocks: { to: string; text: string; message: SeenMessage }[] = [];
  let typist = 'local';
  const output = new Writable({
    write(chunk, _encoding, done) {
      const text = String(chunk).replace(/\n+$/, '');
      // The header is in the recipient's language.
      const header = /^(?:Bericht voor|Message for) @([^:\s]+):\n/.exec(text);
      const to = header ? header[1]! : typist;
      const pressable = adapter.pressableBy(to);
      const buttons = [...text.matchAll(/\[(\d+)\] /g)].flatMap((match) => {
        const button = pressable[Number(match[1]) - 1];
        return button ? [{ label: button.label, actionId: button.actionId, value: button.value }] : [];
      });
      blocks.push({ to, text, message: { text, visibility: header ? 'direct' : 'ephemeral', buttons } });
      done();
    },
  });
  const adapter = new ConsoleAdapter(testBot.bot, { input: new PassThrough(), output, locale: 'nl', afterLine: () => testBot.worker.drain(), filesDir });
  // The console with PORT set: a server of its own for the feeds.
  const http = await startHttpServer({ port: 0, host: '127.0.0.1', health: async () => true, routes: [feedRoute(() => testBot.services.meetings.feeds)] });
  testBot.deliverers.set('console', (item) => adapter.deliver(item));
  testBot.services.meetings.invitees.channels.set('console', (id) => adapter.channelMembers(id)); // H23, as app.ts
  const run = async (userId: string, line: string) => {
    const before = blocks.length;
    typist = userId;
    await adapter.handleLine(userId === 'local' ? line : `@${userId} ${line}`);
    return blocks.slice(before).filter((block) => block.to === userId && block.message.visibility !== 'direct').map((block) => block.message);
  };
  const readForm = (text: string): SeenForm | undefined => {
    if (!/^\[\d+\] /m.test(text) || !text.includes('!1 ')) return undefined;
    const fields: SeenForm['fields'] = [];
    for (const line of text.split('\n')) {
      const field = /^- ([a-z0-9_-]+) \([^)]*\)(?:: (.*))?$/.exec(line);
      if (field) fields.push({ name: field[1]!, ...(field[2] ? { value: field[2] } : {}) });
    }
    return { text, fields, handle: text };
  };
  return {
    platform: 'console',
    testBot,
    mention: (userId) => `@${userId}`,
    command: run,
    press: (userId, button) => {
      const index = adapter.pressableBy(userId).findIndex((b) => b.actionId === button.actionId && b.value === button.value);
      if (index < 0) throw new Error(`${userId} cannot press ${button.actionId}`);
      return run(userId, `!${index + 1}`);
    },
    directMessages: async (userId) => (await testBot.worker.drain(), blocks).filter((b) => b.to === userId && b.message.visibility === 'direct').map((b) => b.message),
    receivedFiles: async (userId) => {
      await testBot.worker.drain();
      const paths = blocks.filter((block) => block.to === userId).flatMap((block) => [...block.text.matchAll(/^(?:Bestand|File): (.+)$/gm)].map((match) => match[1]!));
      return Promise.all(paths.map(async (saved) => ({ name: path.basename(saved), bytes: await readFile(saved) })));
    },
    lastForm: async (userId) => blocks.filter((b) => b.to === userId && b.message.visibility !== 'direct').map((b) => readForm(b.text)).filter(Boolean).at(-1),
    submitForm: async (userId, form, values) => {
      const shown = new Map(form.fields.map((field) => [field.name, field.value]));
      for (const [name, value] of Object.entries(values)) shown.set(name, value);
      const typed = [...shown].filter(([, value]) => value !== undefined && value !== '').map(([name, value]) => `${name}:"${value}"`).join(' ');
      const index = adapter.pressableBy(userId).findIndex((button) => button.actionId === '~form');
      return run(userId, `!${index + 1} ${typed}`);
    },
    editsInPlace: false,
    dateToken: null,
    channelHas: async (userIds) => {
      for (const userId of userIds) await run(userId, 'hallo');
    },
    feedBaseUrl: `http://127.0.0.1:${http.address.port}`,
    close: async () => {
      await http.close();
      await testBot.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function slackForm(view: any): SeenForm {
  const inputs = (view.blocks ?? []).filter((block: any) => block.type === 'input');
  return {
    text: [view.title?.text ?? '', blocksText(view.blocks ?? [])].join('\n'),
    fields: inputs.map((block: any) => {
      const value = block.element.initial_value ?? block.element.initial_option?.value;
      return { name: block.block_id, ...(value !== undefined ? { value } : {}) };
    }),
    handle: view,
  };
}

async function startSlackPlatform(): Promise<MeetingPlatform> {
  const testBot = await createTestBot({ admins: ['slack:UADMIN'] });
  // Slack's own HTTP server serves the feeds (Bolt's custom routes).
  const slack = await startSlack({ testBot, routes: [feedRoute(() => testBot.services.meetings.feeds)] });
  testBot.services.meetings.invitees.channels.set('slack', (id) => slack.adapter.channelMembers(id)); // H23, as app.ts
  let opened = 0;
  return {
    platform: 'slack',
    testBot,
    mention: (userId) => `<@${userId}>`,
    command: async (userId, line) => (await slack.command(userId, line)).seen,
    press: async (userId, button) => (await slack.press(userId, button as SlackButton)).seen,
    directMessages: async (userId) => {
      await testBot.worker.drain();
      return slack.fake.visibleIn(`D${userId}`).map((message) => ({ ...seenMessage(message, 'direct'), ref: { channel: message.channel, message: message.ts } }));
    },
    receivedFiles: async (userId) => {
      await testBot.worker.drain();
      return slack.fake.sharedFiles.filter((file) => file.channel === `D${userId}`).map((file) => ({ name: file.filename, bytes: file.bytes ?? Buffer.alloc(0) }));
    },
    lastForm: async () => {
      const views = slack.fake.callsTo('views.open', { succeeded: true }).length;
      if (views === opened) return undefined;
      opened = views;
      return slackForm(lastOpenedView(slack.fake));
    },
    submitForm: async (userId, form, values) => {
      const shown = Object.fromEntries(form.fields.filter((field) => field.value !== undefined).map((field) => [field.name, field.value!]));
      const before = slack.fake.responses.length;
      await slack.submit(userId, form.handle, { ...shown, ...values });
      return slack.fake.responses.slice(before).map((response) => seenResponse(response.body));
    },
    editsInPlace: true,
    dateToken: /<!date\^\d+\^/,
    channelHas: async (userIds) => {
      slack.fake.channelMembers.set(CHANNEL.id, [...userIds, 'UBOT']);
    },
    commandInDm: async (userId, line) => (await slack.command(userId, line, { channel: { id: `D${userId}`, name: 'directmessage' } })).seen,
    feedBaseUrl: slack.baseUrl,
    close: async () => {
      await slack.close();
      await testBot.close();
    },
  };
}

async function startDiscord(): Promise<MeetingPlatform> {
  const testBot = await createTestBot({ admins: ['discord:100000000000000001'] });
  const harness = await DiscordHarness.create({ testBot });
  testBot.services.meetings.invitees.channels.set('discord', (id) => harness.adapter.channelMembers(id)); // H23, as app.ts
  // Discord needs no HTTP: a server of its own for /healthz and the feeds.
  const http = await startHttpServer({ port: 0, host: '127.0.0.1', health: async () => true, routes: [feedRoute(() => testBot.services.meetings.feeds)] });
  const carrying = (customId: string) =>
    [...[...harness.fake.interactions.values()].flatMap(seenMessages), ...[...harness.fake.dmChannels.values()].flatMap((channel) => harness.fake.messagesIn(channel))]
      .reverse()
      .find((message) => message.components.some((row) => row.components.some((c) => c.custom_id === customId)));
  const byUser = (userId: string) =>
    [...harness.fake.interactions.values()].filter((record) => {
      const payload = record.payload as { user?: { id: string }; member?: { user: { id: string } } };
      return (payload.user ?? payload.member?.user)?.id === userId;
    });
  let formsSeen = 0;
  return {
    platform: 'discord',
    testBot,
    mention: (userId) => `<@${userId}>`,
    command: async (userId, line) => seenMessages(await harness.typed({ id: userId }, line)).map((message) => toSeen(message)),
    press: async (userId, button) => {
      const customId = button.value === undefined ? button.actionId : `${button.actionId}|${button.value}`;
      const message = carrying(customId);
      if (!message) throw new Error(`no message carries the button ${customId}`);
      return seenMessages(await harness.press({ id: userId }, message, customId)).map((seen) => toSeen(seen));
    },
    directMessages: async (userId) => (await harness.dms(userId)).map((message) => ({ ...toSeen(message, 'direct'), ref: { channel: message.channel_id, message: message.id } })),
    receivedFiles: async (userId) => {
      await testBot.worker.drain();
      const messages = [...byUser(userId).flatMap(seenMessages), ...(await harness.dms(userId))];
      return messages.flatMap((message) => message.files ?? []).map((file) => ({ name: file.filename, bytes: file.bytes }));
    },
    lastForm: async (userId) => {
      const records = byUser(userId).filter((candidate) => candidate.modal);
      if (records.length === formsSeen) return undefined;
      formsSeen = records.length;
      const record = records.at(-1)!;
      const fields = (record.modal!.components as any[]).filter((c) => c.component).map((c) => ({ name: c.component.custom_id, ...(c.component.value !== undefined ? { value: c.component.value } : {}) }));
      return { text: record.modal!.title, fields, handle: record };
    },
    submitForm: async (userId, form, values) => {
      const record = form.handle as InteractionRecord;
      return seenMessages(await harness.submit({ id: userId }, record.modal!, values)).map((message) => toSeen(message));
    },
    editsInPlace: true,
    dateToken: /<t:\d+:F>/,
    channelHas: (userIds, options) => discordChannelHas(harness, userIds, options?.hidden ?? []),
    commandInDm: async (userId, line) => seenMessages(await harness.typed({ id: userId }, line, { dm: true })).map((message) => toSeen(message)),
    membersIntent: (on) => {
      harness.fake.membersIntent = on;
    },
    feedBaseUrl: `http://127.0.0.1:${http.address.port}`,
    close: async () => {
      await http.close();
      await harness.close();
    },
  };
}

// --- H23 (genodigden:kanaal) ---
/**
 * The server's members as GET /guilds/:id/members lists them (the bot among them), an
 * @everyone role that may view channels, and an overwrite hiding the channel from `hidden`.
 */
async function discordChannelHas(harness: DiscordHarness, userIds: string[], hidden: string[]): Promise<void> {
  await harness.ensureGuild();
  const client = harness.adapter.client;
  harness.fake.guildMembers.splice(0, Infinity, ...[...userIds, ...hidden].map((id) => ({ id, username: id })), { id: harness.fake.botUserId, username: 'Binnenuit', bot: true });
  const everyone = { id: GUILD_ID, name: '@everyone', permissions: String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages), position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 };
  if (!client.guilds.cache.get(GUILD_ID)?.roles.cache.has(GUILD_ID)) {
    const roleAdded = new Promise((resolve) => client.once('roleCreate', resolve));
    harness.fake.dispatch('GUILD_ROLE_CREATE', { guild_id: GUILD_ID, role: everyone });
    await roleAdded;
  }
  const overwrites = hidden.map((id) => ({ id, type: 1, allow: '0', deny: String(PermissionFlagsBits.ViewChannel) }));
  const updated = new Promise((resolve) => client.once('channelUpdate', resolve));
  harness.fake.dispatch('CHANNEL_UPDATE', { id: CHANNEL_ID, type: 0, name: 'algemeen', guild_id: GUILD_ID, position: 0, permission_overwrites: overwrites });
  await updated;
}
// --- end H23 ---
