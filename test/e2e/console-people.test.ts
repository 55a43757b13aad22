// One terminal, several people, as the black-box contract describes: `@naam /commando …` is
// typed by console user `naam`, a line without prefix by the admin `local`; what the outbox
// delivers prints under a header naming the recipient; `!N` presses the typist's own last
// buttons. Driven through the real app (startApp: database, bot, outbox worker) with piped
// input, and once through `src/main.ts` as `npm start` runs it.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.ts';
import type { OutboxTarget } from '../../src/core/outbox/outbox.ts';
import { openDatabase } from '../../src/db/index.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';
import { runConsole, type Transcript } from './console-session.ts';
import { migratedDataDir } from '../support/data-dir.ts';

// A first start on a new data directory creates and migrates the embedded database and loads
// the guide: on a busy 2-core machine that has taken close to a minute.
const SESSION_TIMEOUT = 180_000;

const NO_BUTTON_1 = 'Knop 1 bestaat niet; kies uit de genummerde knoppen van het laatste bericht met knoppen dat jij kreeg.';
const NOT_A_COMMAND = 'Begin met een / (bijvoorbeeld /help), of druk een knop met !1.';

/** Index of the first line equal to `line` at or after `from`; fails the test when absent. */
function find(transcript: Transcript, line: string, from = 0): number {
  const at = transcript.lines.indexOf(line, from);
  expect(at, `line "${line}" after line ${from} in:\n${transcript.text}`).toBeGreaterThanOrEqual(0);
  return at;
}

/** The lines of the block that starts at `at` (up to the blank line that ends each print). */
function block(transcript: Transcript, at: number): string[] {
  const end = transcript.lines.indexOf('', at);
  return transcript.lines.slice(at, end === -1 ? undefined : end);
}

describe.each(testBackends())('several people at one console on %s', (kind) => {
  const dataDir = migratedDataDir('people');
  let server: TestDatabase | undefined;
  const env = async () => {
    if (kind === 'postgres') server ??= await createTestDatabase('postgres');
    return { dataDir, databaseUrl: server?.url };
  };
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    'a link request reaches local under its own header, !1 approves it, and fatima hears the decision',
    async () => {
      const run = await runConsole(
        ['@Fatima /profiel koppel IOT', '!1', '@fatima !1', '@fatima /update plaats #regie Regiotafel in Almere gestart'],
        await env(),
      );
      // The answer to the typed line comes first, without header.
      expect(run.lines[0]).toBe(
        'Je verzoek om koppeling aan Inspraakorgaan Turken is doorgestuurd naar de coördinatoren. Je hoort het zodra iemand besluit.',
      );
      const toLocal = find(run, 'Bericht voor @local:');
      expect(block(run, toLocal)).toEqual([
        'Bericht voor @local:',
        '== Nieuw koppelverzoek ==',
        'fatima vraagt om koppeling aan Inspraakorgaan Turken.',
        '[1] Goedkeuren   [2] Afwijzen',
      ]);
      // local's !1: the answer, then the decision delivered to fatima.
      const approved = find(run, 'fatima is nu gekoppeld aan Inspraakorgaan Turken.', toLocal);
      const toFatima = find(run, 'Bericht voor @fatima:', approved);
      expect(block(run, toFatima)).toEqual([
        'Bericht voor @fatima:',
        'Je bent gekoppeld aan Inspraakorgaan Turken. Je kunt nu updates plaatsen en lezen. Typ /help om te zien wat er kan.',
      ]);
      // fatima was never shown a button: her !1 presses nothing, least of all local's.
      const fatimaPress = find(run, NO_BUTTON_1, toFatima);
      // Approved, she may post.
      const posted = find(run, '== Nieuwe update ==', fatimaPress);
      expect(run.lines[posted + 1]).toMatch(/^fatima · Inspraakorgaan Turken · /);
      expect(run.lines[posted + 2]).toBe('Regiotafel in Almere gestart');
    },
    SESSION_TIMEOUT,
  );

  it(
    "!N only presses the typist's own buttons, also while someone else's are waiting",
    async () => {
      const run = await runConsole(['@omar /profiel koppel Kezban', '@fatima !1', '@omar !1', '/profiel verzoeken', '!2'], await env());
      const toLocal = find(run, 'Bericht voor @local:');
      expect(block(run, toLocal)).toContain('[1] Goedkeuren   [2] Afwijzen');
      // local's buttons are waiting; neither fatima nor omar himself can press them.
      const fatimaPress = find(run, NO_BUTTON_1, toLocal);
      find(run, NO_BUTTON_1, fatimaPress + 1);
      // The request is still open: local's list shows it with buttons of its own, and !2 rejects.
      find(run, '== 1 open koppelverzoek ==', fatimaPress);
      const rejected = find(run, 'Het verzoek van omar voor Stichting Kezban is afgewezen.');
      expect(block(run, find(run, 'Bericht voor @omar:', rejected))[0]).toBe('Bericht voor @omar:');
    },
    SESSION_TIMEOUT,
  );

  it(
    'people are created on first use; roles are given by console id with or without @, in any case',
    async () => {
      const run = await runConsole(
        [
          '@adv1 /profiel',
          '/profiel rol adv1 adviseur',
          '@ADV1 /profiel',
          '/profiel rol @Adv1 adviseur',
          '@eva /profiel taal en',
          '/profiel rol @eva coordinator',
          '@eva hallo',
          'hallo',
          '@adv1',
          '@a!b /help',
        ],
        await env(),
      );
      const set = find(run, 'adv1 is nu adviseur.');
      expect(block(run, find(run, 'Bericht voor @adv1:', set))).toEqual(['Bericht voor @adv1:', 'Je rol in Binnenuit is nu: adviseur.']);
      // @ADV1 is the same person as adv1, and @Adv1 in an option too.
      const profile = block(run, find(run, '== Profiel van adv1 ==', set));
      expect(profile).toContain('Rol: adviseur');
      find(run, 'adv1 was al adviseur.', set);
      // A delivery to someone who chose English has an English header.
      find(run, 'eva is nu coördinator.');
      expect(block(run, find(run, 'Message for @eva:'))).toEqual(['Message for @eva:', 'Your role in Binnenuit is now: coordinator.']);
      // Not a command: explained in the typist's own language.
      const evaHallo = find(run, 'Start with a / (for example /help), or press a button with !1.');
      const localHallo = find(run, NOT_A_COMMAND, evaHallo);
      find(run, NOT_A_COMMAND, localHallo + 1);
      find(run, '„@a!b” is geen naam voor de console: gebruik letters, cijfers, -, _ of . (hoogstens 64), bijvoorbeeld @adv1 /help.');
      expect(run.text).not.toContain('ADV1');
    },
    SESSION_TIMEOUT,
  );

  it(
    'npm start with several people piped in finishes the queued messages and exits 0',
    async () => {
      const { dataDir: DATA_DIR, databaseUrl } = await env();
      // Eight coordinators, so the last line queues a message for each of them and local.
      const coordinators = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];
      const input = ['@zara /profiel', ...coordinators.flatMap((id) => [`@${id} /profiel`, `/profiel rol ${id} coordinator`]), '@zara /profiel koppel SMN', ''].join('\n');
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { PATH: process.env.PATH, DATA_DIR, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
        stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const code = await new Promise<number | null>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', resolve);
        child.stdin.end(input);
      });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const lines = stdout.split('\n');
      expect(lines[0]).toBe('== Profiel van zara ==');
      // The last line queued a message for local; it was printed before the process ended.
      const header = lines.indexOf('Bericht voor @local:');
      expect(header).toBeGreaterThan(lines.indexOf('Je verzoek om koppeling aan Samenwerkingsverband Marokkaanse Nederlanders is doorgestuurd naar de coördinatoren. Je hoort het zodra iemand besluit.'));
      expect(lines[header + 2]).toBe('zara vraagt om koppeling aan Samenwerkingsverband Marokkaanse Nederlanders.');
      for (const id of coordinators) {
        const last = lines.lastIndexOf(`Bericht voor @${id}:`);
        expect(lines[last + 2], `the request reached ${id}`).toBe('zara vraagt om koppeling aan Samenwerkingsverband Marokkaanse Nederlanders.');
      }
      // Nothing was left queued: every message the session caused was sent before exit.
      const db = await openDatabase({ dataDir: DATA_DIR, databaseUrl });
      try {
        expect(await db.prisma.outboxMessage.count({ where: { status: 'PENDING' } })).toBe(0);
      } finally {
        await db.close();
      }
    },
    SESSION_TIMEOUT,
  );
});

describe('console deliveries to a channel and a thread', () => {
  let testBot: TestBot;
  let adapter: ConsoleAdapter;
  const input = new PassThrough();
  let printed = '';
  const lines = () => printed.split('\n');

  const open = async () => {
    testBot = await createTestBot({ admins: ['console:local'], guide: true });
    const output = new Writable({
      write(chunk, _encoding, done) {
        printed += String(chunk);
        done();
      } });
    adapter = new ConsoleAdapter(testBot.bot, { input, output, locale: 'nl', afterLine: () => testBot.worker.drain() });
    testBot.deliverers.set('console', async (item) => void (await adapter.deliver(item)));
    // As the app does: from the start, local is there (an admin who hears link requests).
    await adapter.start();
  };
  beforeAll(open);
  afterAll(async () => {
    input.end();
    await adapter?.finished;
    await testBot?.close();
  });

  /** Queues a message through the real outbox and lets the worker send it. */
  const post = async (target: Omit<OutboxTarget, 'platform'>, text: string, slug?: string) => {
    await testBot.services.outbox.send({
      dedupeKey: `test:${text}`,
      target: { platform: 'console', ...target },
      locale: 'nl',
      reply: { visibility: 'channel', text, buttons: slug ? [{ actionId: 'handreiking.toon', label: 'Lees', value: slug }] : [] } });
    await testBot.worker.drain();
  };

  it("prints '#kanaal' and '#kanaal (draad)' headers, and a channel message's buttons are everyone's", async () => {
    const [passage] = await testBot.services.guide.inChapter((await testBot.services.guide.chapters())[0]!.chapter);
    await post({ kind: 'channel', ref: 'console' }, 'Nieuw in de handreiking', passage!.slug);
    expect(lines().slice(0, 3)).toEqual(['#console', 'Nieuw in de handreiking', '[1] Lees']);

    // Two people who never typed before press the channel's button 1: both read the passage.
    printed = '';
    await adapter.handleLine('@noor !1');
    await adapter.handleLine('!1');
    expect(lines().filter((line) => line.endsWith(` · ${passage!.title}`))).toHaveLength(2);

    printed = '';
    await post({ kind: 'thread', ref: 'console/console:console:1' }, 'Een reactie in de draad');
    expect(lines().slice(0, 2)).toEqual(['#console (draad)', 'Een reactie in de draad']);
  });

  it('a later answer with buttons replaces the channel buttons for its typist only', async () => {
    // Another passage than above: two presses of one button within 3 s count as one.
    const [, passage] = await testBot.services.guide.inChapter((await testBot.services.guide.chapters())[0]!.chapter);
    await post({ kind: 'channel', ref: 'console' }, 'Lees dit', passage!.slug);
    printed = '';
    await adapter.handleLine('@noor /profiel koppel IOT');
    // local got the request with [1] Goedkeuren; noor still has the channel's [1] Lees.
    expect(lines()).toContain('[1] Goedkeuren   [2] Afwijzen');
    printed = '';
    await adapter.handleLine('@noor !1');
    expect(lines()[0]!.endsWith(` · ${passage!.title}`), printed).toBe(true);
    await adapter.handleLine('!1');
    expect(printed).toContain('noor is nu gekoppeld aan Inspraakorgaan Turken.');
  });

  it('the answer to a line prints before a message delivered while the line was handled', async () => {
    printed = '';
    const typed = adapter.handleLine('/help');
    // A delivery that arrives mid-line (the worker's timer, another instance's message).
    const delivered = adapter.deliver({
      id: 'x',
      dedupeKey: 'mid-line',
      attempts: 0,
      outcomeUnknown: false,
      createdAt: new Date(),
      locale: 'nl',
      target: { platform: 'console', kind: 'user', ref: 'local' },
      reply: { visibility: 'ephemeral', text: 'Tussendoor bezorgd' } });
    const [, ref] = await Promise.all([typed, delivered]);
    const header = lines().indexOf('Bericht voor @local:');
    expect(header).toBeGreaterThan(0);
    expect(lines()[header + 1]).toBe('Tussendoor bezorgd');
    expect(lines()[0]).not.toBe('Bericht voor @local:');
    expect(ref).toMatch(/^console:local:\d+$/);
  });
});
