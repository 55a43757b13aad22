// Hostile and clumsy input, generated (fast-check, fixed seed, printed), through Bot.handleText,
// Bot.handleCommand, Bot.handleAction and the console adapter, for every declared command,
// sub-command and button: nothing throws, no promise is left rejected, every outcome is a
// reply, invalid, form or duplicate whose text is in the requester's language, and invalid
// input stores nothing. (The Slack and Discord halves live with their adapters' tests.)
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.ts';
import type { Outcome, Requester } from '../../src/core/bot.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import { translator } from '../../src/core/i18n.ts';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';

const SEED = Number(process.env.HOSTILE_SEED ?? 20261201);
const RUNS = Number(process.env.HOSTILE_RUNS ?? 10);
console.log(`hostile input: fast-check seed ${SEED}, ${RUNS} runs per property (HOSTILE_SEED / HOSTILE_RUNS to change)`);
const settings = { seed: SEED, numRuns: RUNS, endOnFailure: true };

const place = { platform: 'console' as const, channelRef: 'general' };
/** Dutch and English requesters, approved (to reach the handlers) and not (to be refused). */
const people: Requester[] = [
  { platform: 'console', userId: 'lid-nl', displayName: 'Lid' },
  { platform: 'console', userId: 'lid-en', displayName: 'Member' },
  { platform: 'console', userId: 'nieuw', displayName: 'Nieuw' },
  { platform: 'console', userId: 'local', displayName: 'local' },
];
const localeOf = (userId: string) => (userId === 'lid-en' ? 'en' : 'nl');

// Words that only ever appear in the other language's texts of this bot.
const DUTCH = /ontbreekt|Zo gebruik je|ken ik niet|is geen onderdeel|Er ging iets mis|Dit hoort bij geen/;
const ENGLISH = /is missing|How to use|I don't know|is not part of|Something went wrong|belongs to no option/;

const mentions = fc.constantFrom('<@U123>', '<@U123|naam>', '<@!123>', '<@123>', '@everyone', '@here', '<!channel>', '<!here>', '@adv1', 'adv1', 'slack:U1', 'console:bob');
const nasty = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u200B\u200B',
  '\u202E',
  '\uFEFF',
  '“',
  '„',
  '"',
  "'",
  '“'.repeat(40_000),
  '„a '.repeat(14_000),
  'x'.repeat(1_000_000),
  '😀'.repeat(2001),
  '👩‍👩‍👧',
  '\uD800',
  'gemeente:A gemeente:B',
  'thema:onzin',
  '#beleid',
  '#',
  ':',
  'nl',
  'en',
  'beheerder',
  'lid',
  '5',
  '-1',
  'NaN',
  '__proto__',
  'constructor',
  '%s%n',
  '${x}',
  '<script>',
  '\n\n\t',
);
const word = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), mentions, nasty);
/** Anything a platform payload could carry as an option value. */
const anyValue = fc.oneof(
  word,
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(word, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), word, { maxKeys: 2 }),
);

describe('hostile input through the core and the console', () => {
  let env: TestBot;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);

  /** Rows of everything input could create, in one query (it runs twice per generated case). */
  const rows = async () => {
    const [counts] = await env.db.prisma.$queryRaw<Record<string, bigint>[]>`
      SELECT (SELECT count(*) FROM "Update") AS updates, (SELECT count(*) FROM "LinkRequest") AS links,
             (SELECT count(*) FROM "Member") AS members, (SELECT count(*) FROM "PlatformIdentity") AS identities,
             (SELECT count(*) FROM "OutboxMessage") AS outbox, (SELECT count(*) FROM "AuditLog") AS audit,
             (SELECT count(*) FROM "GuidePassage") AS passages, (SELECT count(*) FROM "ThreadMessage") AS threads, (SELECT count(*) FROM "AccountLinkCode") AS codes`;
    return Object.fromEntries(Object.entries(counts!).map(([name, count]) => [name, Number(count)]));
  };

  /** What every outcome must be, whatever came in. */
  async function check(outcome: Outcome, requester: Requester, before: Awaited<ReturnType<typeof rows>>) {
    expect(['reply', 'invalid', 'form', 'duplicate']).toContain(outcome.kind);
    const locale = localeOf(requester.userId);
    const t = translator(locale);
    if (outcome.kind === 'reply' || outcome.kind === 'invalid') {
      const text = replyToPlainText(outcome.reply);
      expect(text.length).toBeGreaterThan(0);
      // A handler that threw would answer this: no input may get that far.
      expect(text).not.toContain(t('errors.internal'));
      expect(text).not.toMatch(/\b(errors|validation|profile|guide|commands)\.[a-zA-Z]+\b/);
      expect(text).not.toMatch(locale === 'en' ? DUTCH : ENGLISH);
    }
    if (outcome.kind === 'form') expect(outcome.form.fields.length).toBeGreaterThan(0);
    if (outcome.kind === 'invalid') expect(await rows()).toEqual(before);
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    env = await createTestBot({ admins: ['console:local'], guide: true });
    await approveMember(env.services, 'console', 'lid-nl', 'smn', 'Lid');
    const english = await approveMember(env.services, 'console', 'lid-en', 'iot', 'Member');
    await env.services.members.setLocale(english.id, 'en');
    for (const person of people) await env.services.members.resolve('console', person.userId, person.displayName);
    await env.services.members.resolve('console', 'adv1', 'adv1');
    recordDeliveries(env, 'console');
  }, 120_000);

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await env?.close();
  });

  const parts = commands.flatMap((command) =>
    command.subcommands?.length ? [...command.subcommands.map((sub) => ({ command, sub: sub.name as string | undefined })), { command, sub: undefined }] : [{ command, sub: undefined }],
  );

  it.each(parts.map((part) => [`/${part.command.name}${part.sub ? ` ${part.sub}` : ''}`, part] as const))(
    'typed %s with random words, quotes, mentions, NUL and megabytes',
    async (_label, { command, sub }) => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...people), fc.array(word, { maxLength: 6 }), fc.boolean(), async (requester, words, formsAvailable) => {
          const before = await rows();
          const text = [sub, ...words].filter((w) => w !== undefined).join(' ');
          const outcome = await env.bot.handleText({ requester, place, command: command.name, text, formsAvailable });
          await check(outcome, requester, before);
        }),
        {
          ...settings,
          // Always tried, whatever the seed draws.
          examples: [
            [people[0]!, ['\u0000'], false],
            [people[1]!, ['“'.repeat(40_000)], false],
            [people[3]!, ['x'.repeat(1_000_000)], true],
            [people[0]!, ['\u200B\u202E'], true],
            [people[3]!, ['<@U123>', '<!channel>', '@everyone'], false],
          ],
        },
      );
    },
    120_000,
  );

  it.each(parts.map((part) => [`/${part.command.name}${part.sub ? ` ${part.sub}` : ''}`, part] as const))(
    'given %s option values of any type (null, lists, numbers, objects, huge text)',
    async (_label, { command, sub }) => {
      const declared = command.subcommands?.find((s) => s.name === sub)?.options ?? command.root?.options ?? {};
      const names = [...Object.keys(declared), 'onbekend'];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...people),
          fc.dictionary(fc.constantFrom(...names), anyValue, { maxKeys: names.length }),
          fc.oneof(fc.constant(sub), anyValue),
          async (requester, values, subcommand) => {
            const before = await rows();
            const outcome = await env.bot.handleCommand({ requester, place, command: command.name, subcommand: subcommand as string, values, formsAvailable: true });
            await check(outcome, requester, before);
          },
        ),
        {
          ...settings,
          examples: [null, ['a', 'b'], 'x'.repeat(1_000_000), 'a\u0000b', 42, { $gt: '' }].map(
            (value, i) => [people[i % people.length]!, Object.fromEntries(Object.keys(declared).map((name) => [name, value])), sub] as [Requester, never, string],
          ),
        },
      );
    },
    120_000,
  );

  const buttons = commands.flatMap((command) => (command.buttons ?? []).map((button) => `${command.name}.${button.name}`));

  it.each(buttons)('pressing %s with any value', async (actionId) => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...people), fc.oneof(word, fc.constant(undefined), fc.uuid(), fc.constant('5-effect-meten')), async (requester, value) => {
        const before = await rows();
        const outcome = await env.bot.handleAction({ requester, place, actionId, value: value as string | undefined });
        await check(outcome, requester, before);
      }),
      // Forged payloads always tried, whatever the seed draws: NUL, a megabyte, a lone surrogate.
      { ...settings, examples: [[people[0]!, '\u0000'], [people[1]!, 'x'.repeat(1_000_000)], [people[3]!, 'a\u0000b'], [people[0]!, '\uD800']] },
    );
  }, 120_000);

  it('pressing buttons that do not exist, with payloads of the wrong type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...people), anyValue, anyValue, async (requester, actionId, value) => {
        const before = await rows();
        const outcome = await env.bot.handleAction({ requester, place, actionId: actionId as string, value: value as string });
        await check(outcome, requester, before);
      }),
      settings,
    );
  }, 120_000);

  it('typing random lines into the console adapter: it answers every one and keeps running', async () => {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk) => (printed += chunk));
    const adapter = new ConsoleAdapter(env.bot, { input: new PassThrough(), output, locale: 'nl' });
    const line = fc.oneof(
      fc.tuple(fc.constantFrom(...commands.map((c) => c.name), 'onbekend'), fc.array(word, { maxLength: 5 })).map(([name, words]) => `/${name} ${words.join(' ')}`),
      fc.integer({ min: -1, max: 99 }).map((n) => `!${n}`),
      word,
    );
    await fc.assert(
      fc.asyncProperty(line, async (typed) => {
        const length = printed.length;
        await adapter.handleLine(`@lid-nl ${typed.replace(/[\r\n]+/g, ' ')}`);
        // Every command line gets an answer (blank lines and comments are skipped on purpose).
        if (/^\s*[/!]/.test(typed) && typed.trim().length > 1) expect(printed.length).toBeGreaterThan(length);
        expect(printed).not.toContain(translator('nl')('errors.internal'));
      }),
      settings,
    );
    await adapter.stop();
  }, 120_000);

  it('left no promise rejected', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(unhandled).toEqual([]);
  });
});
