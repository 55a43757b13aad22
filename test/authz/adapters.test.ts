// The same refusals seen through the real adapters: the discord.js client against the fake
// Discord, and the console adapter as a terminal. A few representative cases per platform:
// a stranger at an approved-only and an admin-only command, a member who may, and a
// coordinator who lost the role pressing Goedkeuren on the notice they received before.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType, type APIApplicationCommandInteractionDataOption } from 'discord-api-types/v10';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.ts';
import { renderForConsole } from '../../src/adapters/console/render.ts';
import { errorReply } from '../../src/core/framework/reply.ts';
import { translator } from '../../src/core/i18n.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { isEphemeral } from '../discord/fake-discord.ts';
import { ADMIN_ID, CHANNEL_ID, DiscordHarness, buttonsOf, seenMessages, textOf } from '../discord/harness.ts';
import { countRows } from './rows.ts';

const nl = translator('nl');
const en = translator('en');
type Option = APIApplicationCommandInteractionDataOption;
const sub = (name: string, ...options: Option[]): Option => ({ name, type: ApplicationCommandOptionType.Subcommand, options }) as Option;
const str = (name: string, value: string): Option => ({ name, type: ApplicationCommandOptionType.String, value });

describe('refusals on Discord', () => {
  let h: DiscordHarness;
  const admin = { id: ADMIN_ID, name: 'Beheer' };
  beforeAll(async () => {
    h = await DiscordHarness.create();
    await h.command(admin, 'profiel', [sub('toon')]);
  }, 180_000); // a fresh database and a discord.js login: slow on a busy shared machine
  afterAll(() => h?.close());

  it('a stranger gets only the private denial for /update plaats; nothing is posted or stored', async () => {
    const before = await countRows(h.testBot.db);
    const record = await h.typed({ id: '700000000000000001', name: 'Onbekend' }, '/update plaats #regie Nieuws uit de regio');
    const seen = seenMessages(record);
    expect(seen).toHaveLength(1);
    expect(isEphemeral(seen[0]!)).toBe(true);
    expect(textOf(seen[0]!)).toBe(nl('errors.denied.approved'));
    expect(h.fake.messagesIn(CHANNEL_ID)).toEqual([]);
    const after = await countRows(h.testBot.db);
    expect(after).toEqual({ ...before, Member: before.Member! + 1, PlatformIdentity: before.PlatformIdentity! + 1 });
  });

  it('a stranger with an English client gets the admin-only denial in English, and no role changes', async () => {
    const before = await countRows(h.testBot.db);
    const record = await h.command({ id: '700000000000000002', locale: 'en-GB' }, 'profiel', [
      sub('rol', { name: 'persoon', type: ApplicationCommandOptionType.User, value: '700000000000000002' } as Option, str('rol', 'beheerder')),
    ]);
    const seen = seenMessages(record);
    expect(seen).toHaveLength(1);
    expect(isEphemeral(seen[0]!)).toBe(true);
    expect(textOf(seen[0]!)).toBe(en('errors.denied.admin'));
    const after = await countRows(h.testBot.db);
    expect(after).toEqual({ ...before, Member: before.Member! + 1, PlatformIdentity: before.PlatformIdentity! + 1 });
    const member = await h.testBot.services.members.resolve('discord', '700000000000000002');
    expect(member.role).toBe('member');
  });

  it('an approved member may post the same update', async () => {
    await approveMember(h.testBot.services, 'discord', '700000000000000003', 'smn', 'Samira');
    const record = await h.typed({ id: '700000000000000003', name: 'Samira' }, '/update plaats #regie Nieuws uit de regio');
    expect(seenMessages(record).map(textOf).join('\n')).not.toContain(nl('errors.denied.approved'));
    expect(await h.testBot.services.updates.list()).toHaveLength(1);
  });

  it('a coordinator who lost the role cannot approve from the old notice; the request stays open', async () => {
    const coordinator = { id: '700000000000000004', name: 'Coördinator' };
    const { members } = h.testBot.services;
    const setRole = (role: string) =>
      h.command(admin, 'profiel', [sub('rol', { name: 'persoon', type: ApplicationCommandOptionType.User, value: coordinator.id } as Option, str('rol', role))]);
    await setRole('coordinator');
    await h.command({ id: '700000000000000005', name: 'Aanvrager' }, 'profiel', [sub('koppel', str('organisatie', 'fsan'))]);
    const notice = (await h.dms(coordinator.id)).find((message) => textOf(message).includes('Aanvrager'));
    expect(notice, 'the coordinator got the notice with buttons').toBeDefined();
    const approve = buttonsOf(notice!).find((button) => button.customId.startsWith('profiel.goedkeuren'));
    expect(approve).toBeDefined();

    await setRole('lid');
    await h.dms(coordinator.id);
    const before = await countRows(h.testBot.db);
    const record = await h.press(coordinator, notice!, approve!.customId);
    expect(seenMessages(record).map(textOf)).toEqual([nl('errors.denied.coordinator')]);
    expect(await countRows(h.testBot.db)).toEqual(before);
    expect((await members.pendingRequests()).map((request) => request.member.displayName)).toEqual(['Aanvrager']);
  });
});

describe('refusals on the console', () => {
  let env: TestBot;
  beforeAll(async () => {
    env = await createTestBot({ admins: ['console:local'], guide: true });
  }, 180_000);
  afterAll(() => env?.close());

  /** One terminal, several people typing `@naam …` lines, as the console contract does. */
  const output: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk) => output.push(String(chunk)));
  const adapter = () => (consoleAdapter ??= new ConsoleAdapter(env.bot, { input: new PassThrough(), output: sink, locale: 'nl', afterLine: () => env.worker.drain() }));
  let consoleAdapter: ConsoleAdapter | undefined;
  async function type(userId: string, line: string): Promise<string> {
    const before = output.length;
    await adapter().handleLine(userId === 'local' ? line : `@${userId} ${line}`);
    return output.slice(before).join('').trim();
  }
  /** A denial as the console prints it (with its error marker), and nothing else. */
  const printedDenial = (level: string) => renderForConsole(errorReply(nl(`errors.denied.${level}`)), 1).text.trim();
  beforeAll(() => {
    env.deliverers.set('console', async (item) => void (await adapter().deliver(item)));
  });

  it.each([
    ['/update plaats #regie Nieuws uit de regio', 'approved'],
    ['/handreiking herlaad', 'admin'],
    ['/profiel rol gast beheerder', 'admin'],
    ['/profiel verzoeken', 'coordinator'],
  ] as const)('a newcomer typing %s reads only the denial for %s, and nothing is stored', async (line, level) => {
    const before = await countRows(env.db);
    const isNew = !(await env.db.prisma.platformIdentity.count({ where: { externalId: 'gast' } }));
    expect(await type('gast', line)).toBe(printedDenial(level));
    const after = await countRows(env.db);
    const grown = isNew ? 1 : 0;
    expect(after).toEqual({ ...before, Member: before.Member! + grown, PlatformIdentity: before.PlatformIdentity! + grown });
    expect((await env.services.members.resolve('console', 'gast')).role).toBe('member');
  });

  it('the admin at the console may do the same', async () => {
    expect(await type('local', '/profiel verzoeken')).not.toContain(nl('errors.denied.coordinator'));
    expect(await type('local', '/handreiking herlaad')).toMatch(/Handreiking opnieuw geladen/);
  });

  it('a coordinator who lost the role cannot press Goedkeuren on the notice they got', async () => {
    await type('coord', '/profiel');
    await type('local', '/profiel rol coord coordinator');
    const notice = await type('aanvrager', '/profiel koppel IOT');
    // The notice was delivered to coord, with its buttons pressable by coord.
    expect(notice).toMatch(/Bericht voor @coord:[\s\S]*\[1\] Goedkeuren/);
    await type('local', '/profiel rol coord lid');
    const before = await countRows(env.db);
    expect(await type('coord', '!1')).toBe(printedDenial('coordinator'));
    expect(await countRows(env.db)).toEqual(before);
    expect((await env.services.members.pendingRequests()).map((request) => request.member.displayName)).toEqual(['aanvrager']);
  });
});
