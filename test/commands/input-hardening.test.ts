// Clumsy input as a new user types it, through the Bot on a real database (PGlite, and
// PostgreSQL when TEST_DATABASE_URL is set) and through the console adapter: every mistake gets
// one localised explanation, nothing is half-stored, and no reply claims what did not happen.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.ts';
import type { Outcome, Requester } from '../../src/core/bot.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const place = { platform: 'console' as const, channelRef: 'general' };
const person = (userId: string, locale?: string): Requester => ({ platform: 'console', userId, displayName: userId, locale });
const textOf = (outcome: Outcome) => (outcome.kind === 'reply' || outcome.kind === 'invalid' ? replyToPlainText(outcome.reply) : '');
const NO_NAMES = 'Noem geen namen of herkenbare details van cliënten of slachtoffers';

describe.each(testBackends())('input hardening on %s', (kind) => {
  let env: TestBot;
  const type = (userId: string, line: string) => {
    const [, command, text] = /^\/(\S+)\s*([\s\S]*)$/.exec(line)!;
    return env.bot.handleText({ requester: person(userId), place, command: command!, text: text! });
  };
  const counts = async () => ({
    updates: await env.db.prisma.update.count(),
    members: await env.db.prisma.member.count(),
    outbox: await env.db.prisma.outboxMessage.count(),
    audit: await env.db.prisma.auditLog.count(),
  });

  beforeAll(async () => {
    // `local` is what the console user is: an admin through the configuration.
    env = await createTestBot({ kind, admins: ['console:local'] });
    await approveMember(env.services, 'console', 'poster', 'smn', 'Samira');
    await env.services.members.resolve('console', 'adv1', 'adv1');
    await env.services.members.resolve('console', 'local', 'local');
    recordDeliveries(env, 'console');
  }, 180_000);
  afterAll(() => env?.close());

  describe('typed text', () => {
    it('refuses text over the limit before reading it, naming the limit', async () => {
      const before = await counts();
      const outcome = await type('poster', `/update plaats ${'„'.repeat(env.bot.maxTextLength)}`);
      expect(outcome.kind).toBe('invalid');
      expect(textOf(outcome)).toBe(`Dat is te lang voor één commando: maximaal ${env.bot.maxTextLength} tekens. Er is niets gelezen of opgeslagen.`);
      expect(env.bot.maxTextLength).toBeGreaterThanOrEqual(20_000);
      expect(await counts()).toEqual(before);
    });

    it('answers /update and /handreiking without a part with their usage', async () => {
      const update = textOf(await type('poster', '/update'));
      expect(update).toContain('/update wil weten wat je wilt doen');
      expect(update).toContain('/update plaats [#thema] <tekst> [gemeente:…]');
      expect(update).toContain('/update lijst [#thema] [organisatie]');
      expect(update).not.toContain("''");
      const guide = textOf(await type('poster', '/handreiking'));
      expect(guide).toContain('/handreiking zoek <zoekterm>');
      expect(guide).not.toContain("''");
    });

    it('refuses an option given twice, naming it, and stores nothing', async () => {
      const outcome = await type('poster', '/update plaats gemeente:Rotterdam Overleg gepland gemeente:Utrecht');
      expect(outcome.kind).toBe('invalid');
      expect(textOf(outcome)).toContain('gemeente staat er meer dan één keer in; welke bedoel je?');
      expect(await env.db.prisma.update.count()).toBe(0);
    });

    it('hints at quotes when an organisation of several words is typed without them', async () => {
      const outcome = await type('poster', '/update lijst Stichting Kezban');
      expect(textOf(outcome)).toContain('Zet de woorden tussen aanhalingstekens: organisatie:"Stichting Kezban"');
      const quoted = await type('poster', '/update lijst organisatie:"Stichting Kezban"');
      expect(quoted.kind).toBe('reply');
      expect(textOf(quoted)).not.toContain('aanhalingstekens');
    });

    it('keeps an unmatched quote as a character', async () => {
      const outcome = await type('poster', '/update plaats „Overleg met de wijkteams');
      expect(textOf(outcome)).toContain('„Overleg met de wijkteams');
      await env.db.prisma.update.deleteMany();
    });
  });

  describe('text that looks empty or is counted wrong', () => {
    it.each([
      ['zero-width spaces', '\u200B\u200B\u200B'],
      ['a right-to-left override', '\u202E'],
      ['joiners, a BOM and a word joiner', '\u200D\uFEFF\u2060\u200C'],
    ])('treats %s as empty: missing, nothing stored', async (_label, text) => {
      const outcome = await type('poster', `/update plaats ${text}`);
      expect(outcome.kind).toBe('invalid');
      expect(textOf(outcome)).toContain('tekst ontbreekt.');
      expect(await env.db.prisma.update.count()).toBe(0);
    });

    it('counts characters as people do: 2000 emoji fit, 2001 do not', async () => {
      const fits = await type('poster', `/update plaats ${'😀'.repeat(2000)}`);
      expect(fits.kind).toBe('reply');
      const over = await type('poster', `/update plaats ${'👩‍👩‍👧'.repeat(2001)}`);
      expect(textOf(over)).toContain('maximaal 2000 tekens, dit zijn er 2001');
      expect(await env.db.prisma.update.count()).toBe(1);
      await env.db.prisma.update.deleteMany();
    });

    it('refuses NUL and other control characters with a message', async () => {
      const outcome = await type('poster', '/update plaats Overleg\u0000morgen');
      expect(textOf(outcome)).toContain('onzichtbare stuurtekens');
      expect(await env.db.prisma.update.count()).toBe(0);
    });
  });

  describe('/profiel rol only claims what happened', () => {
    it('tells that the console user is always admin, and changes nothing', async () => {
      const before = await counts();
      const outcome = await type('local', '/profiel rol local lid');
      expect(textOf(outcome)).toContain('local is altijd beheerder via de configuratie');
      expect(textOf(outcome)).not.toContain('is nu');
      expect(await counts()).toEqual(before);
      expect(textOf(await type('local', '/profiel'))).toContain('Rol: beheerder');
    });

    it('does not know someone who never said anything, and creates no one', async () => {
      const before = await counts();
      const outcome = await type('local', '/profiel rol bob coordinator');
      expect(textOf(outcome)).toContain('bob ken ik niet');
      expect(await counts()).toEqual(before);
      // Asking again is the same answer, not "bob was al lid".
      expect(textOf(await type('local', '/profiel rol bob lid'))).toContain('bob ken ik niet');
    });

    it('accepts a console id with or without @, and tells the person only when the role changed', async () => {
      const before = await env.db.prisma.outboxMessage.count();
      expect(textOf(await type('local', '/profiel rol @adv1 adviseur'))).toBe('adv1 is nu adviseur.');
      expect(await env.db.prisma.outboxMessage.count()).toBe(before + 1);
      expect(textOf(await type('local', '/profiel rol adv1 adviseur'))).toBe('adv1 was al adviseur.');
      expect(await env.db.prisma.outboxMessage.count()).toBe(before + 1);
    });
  });

  describe('the safety text, also where there are no forms', () => {
    it('is in the help of a command with free text about people', async () => {
      expect(textOf(await type('poster', '/help update'))).toContain(NO_NAMES);
      expect(textOf(await type('poster', '/help'))).toContain('Veilig Thuis 0800-2000');
    });

    it('is in usage errors and the confirmation of /update plaats', async () => {
      expect(textOf(await type('poster', '/update plaats'))).toContain(NO_NAMES);
      expect(textOf(await type('poster', '/update'))).toContain(NO_NAMES);
      const posted = textOf(await type('poster', '/update plaats Regiotafel gestart'));
      expect(posted).toContain('Regiotafel gestart');
      expect(posted).toContain(NO_NAMES);
      expect(posted).toContain('112');
      await env.db.prisma.update.deleteMany();
    });

    it('is not added where no free text about people is asked', async () => {
      expect(textOf(await type('poster', '/profiel taal'))).not.toContain(NO_NAMES);
    });

    it('shows on the console, in English for someone who reads English', async () => {
      const output = new PassThrough();
      let printed = '';
      output.on('data', (chunk) => (printed += chunk));
      const input = new PassThrough();
      const adapter = new ConsoleAdapter(env.bot, { input, output, locale: 'en' });
      await env.services.members.setLocale((await env.services.members.resolve('console', 'poster')).id, 'en');
      try {
        await adapter.handleLine('@poster /help update');
        await adapter.handleLine('@poster /update plaats');
        expect(printed).toContain('Do not name clients or victims');
        expect(printed.match(/Do not name clients or victims/g)!.length).toBeGreaterThanOrEqual(2);
      } finally {
        await env.services.members.setLocale((await env.services.members.resolve('console', 'poster')).id, 'nl');
        input.end();
        await adapter.stop();
      }
    });
  });
});
