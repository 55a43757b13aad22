// /handreiking through the Bot, as any adapter would call it, on a real database: search
// replies (private, pages, typos, suggestions, odd input), reading, browsing, sharing, the
// admin reload and autocomplete.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, Requester } from '../../src/core/bot.ts';
import { replyToPlainText, type Button, type Reply } from '../../src/core/framework/reply.ts';
import { GuideManager } from '../../src/core/guide/guide.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const place = { platform: 'console' as const, channelRef: 'general' };
const person = (userId: string): Requester => ({ platform: 'console', userId, displayName: userId });
const DISCORD_CUSTOM_ID_MAX = 100;

function replyOf(outcome: Outcome): Reply {
  if (outcome.kind !== 'reply' && outcome.kind !== 'invalid') throw new Error(`expected a reply, got ${outcome.kind}`);
  return outcome.reply;
}

describe.each(testBackends())('/handreiking on %s', (kind) => {
  let env: TestBot;
  const type = async (userId: string, line: string) => {
    const [, command, text] = /^\/(\S+)\s*([\s\S]*)$/.exec(line)!;
    return replyOf(await env.bot.handleText({ requester: person(userId), place, command: command!, text: text! }));
  };
  const press = async (userId: string, button: Button) =>
    replyOf(await env.bot.handleAction({ requester: person(userId), place, actionId: button.actionId, value: button.value }));
  const buttons = (reply: Reply, actionId: string) => (reply.buttons ?? []).filter((b) => b.actionId === actionId);

  beforeAll(async () => {
    env = await createTestBot({ kind, admins: ['console:admin'], guide: true });
  });
  afterAll(() => env?.close());

  describe('zoek', () => {
    it('answers privately with the top 3, snippets, sources, read and share buttons and "more"', async () => {
      const reply = await type('reader', '/handreiking zoek vrijwilligers betalen');
      expect(reply.visibility).toBe('ephemeral');
      expect(reply.title).toMatch(/^Uit de handreiking over 'vrijwilligers betalen' \(1–3 van \d+\)$/);
      expect(reply.sections).toHaveLength(3);
      expect(reply.sections![0]!.title).toBe('5. Financiering · Vergoeding voor vrijwilligers');
      expect(reply.sections![0]!.text).toMatch(/\*\*vrijwilligers\*\*/i);
      expect(reply.sections![0]!.text).toContain('Bron: Handreiking Verandering van Binnenuit');
      expect(buttons(reply, 'handreiking.toon')).toHaveLength(3);
      expect(buttons(reply, 'handreiking.delen')).toHaveLength(3);
      expect(reply.footer).toContain('voorbeeldtekst');
      // Every button fits Discord's custom_id (`<actionId>|<value>`, 100 characters).
      for (const button of reply.buttons!) expect(`${button.actionId}|${button.value}`.length).toBeLessThanOrEqual(DISCORD_CUSTOM_ID_MAX);
    });

    it('pages on with "more results" until the last page, without repeats', async () => {
      let reply = await type('reader', '/handreiking zoek vrijwilligers betalen');
      const total = Number(/van (\d+)\)/.exec(reply.title!)![1]);
      const seen = reply.sections!.map((s) => s.title);
      for (let page = 1; buttons(reply, 'handreiking.meer').length; page++) {
        reply = await press('reader', buttons(reply, 'handreiking.meer')[0]!);
        expect(reply.visibility).toBe('ephemeral');
        expect(reply.title).toContain(`(${page * 3 + 1}–`);
        seen.push(...reply.sections!.map((s) => s.title));
      }
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
    });

    it('keeps the "more results" button within 100 characters for the longest query', async () => {
      const long = Array.from({ length: 8 }, (_, i) => `ervaringsdeskundigheid${i}x`).join(' ').slice(0, 200);
      const reply = await type('reader', `/handreiking zoek vrijwilligers ${long}`.slice(0, 218));
      for (const button of reply.buttons ?? []) expect(`${button.actionId}|${button.value}`.length).toBeLessThanOrEqual(DISCORD_CUSTOM_ID_MAX);
    });

    it('says which word it searched for instead of a typo', async () => {
      const text = replyToPlainText(await type('reader', '/handreiking zoek financiring'));
      expect(text).toContain("Gezocht op 'financiering' voor 'financiring'.");
      expect(text).toContain('Meerjarige financiering');
    });

    it('suggests words, passages and chapters when nothing matches; never an empty reply', async () => {
      const close = await type('reader', '/handreiking zoek finanseringg');
      expect(replyToPlainText(close)).toMatch(/Niets gevonden over 'finanseringg'\.\nBedoelde je: financiering/);
      expect(buttons(close, 'handreiking.toon').map((b) => b.value)).toContain('5-meerjarige-financiering');
      const none = await type('reader', '/handreiking zoek xyzzyq');
      expect(replyToPlainText(none)).toContain('Niets gevonden');
      expect(none.footer).toContain('5. Financiering');
    });

    it.each([
      ['emoji', '/handreiking zoek 😀🎉', /geen woorden om op te zoeken/],
      ['tsquery syntax', "/handreiking zoek & | ! : * ( ) '", /geen woorden om op te zoeken/],
      ['only stop words', '/handreiking zoek wat is het', /te algemeen zijn om op te zoeken/],
      ['too long', `/handreiking zoek ${'vrijwilligers '.repeat(80)}`, /maximaal 200 tekens/],
      ['missing', '/handreiking zoek', /zoekterm ontbreekt/],
    ])('%s: a clear message, not an error', async (_name, line, message) => {
      const reply = await type('reader', line);
      expect(replyToPlainText(reply)).toMatch(message);
      expect(replyToPlainText(reply)).not.toMatch(/mis(ging|gegaan)|went wrong/i);
    });

    it('answers in English to someone who chose English', async () => {
      await type('english', '/profiel taal en');
      const reply = await type('english', '/handreiking zoek vrijwilligers');
      expect(reply.title).toMatch(/^From the guide on 'vrijwilligers' \(1–3 of \d+\)$/);
      expect(buttons(reply, 'handreiking.delen')[0]!.label).toMatch(/^Share in channel: /);
    });
  });

  describe('reading, browsing and sharing', () => {
    it('shows one passage by title or slug, with a share button', async () => {
      const reply = await type('reader', '/handreiking toon sleutelpersonen');
      expect(reply.sections![0]!.title).toBe('4. Regie · Sleutelpersonen');
      expect(reply.sections![0]!.text).toContain('keyworkers');
      expect(buttons(reply, 'handreiking.delen')[0]!.value).toBe('4-sleutelpersonen');
      expect((await type('reader', '/handreiking toon 5-effect-meten')).sections![0]!.title).toContain('Effect meten');
      expect(replyToPlainText(await type('reader', '/handreiking toon qqqqqq'))).toContain("Geen passage gevonden die lijkt op 'qqqqqq'");
    });

    it('never shows some passage as the one asked for: a guess says so, else it shows what a search finds', async () => {
      const guess = await type('reader', '/handreiking toon vergoedingen vrijwillig');
      expect(replyToPlainText(guess)).toContain("Geen titel past bij 'vergoedingen vrijwillig'. Dit is mijn beste gok");
      expect(guess.sections).toHaveLength(1);
      const found = replyToPlainText(await type('reader', '/handreiking toon keyworkers'));
      expect(found).toMatch(/beste gok|Geen passage heet 'keyworkers'; dit vond ik ervoor/);
      expect(found).toContain('Sleutelpersonen');
      expect(replyToPlainText(await type('reader', '/handreiking toon ???'))).toContain("Geen passage gevonden die lijkt op '???'");
    });

    it('browses chapters by number or name, several words too', async () => {
      expect(replyToPlainText(await type('reader', '/handreiking hoofdstuk'))).toContain('5. Financiering (7 passages)');
      expect((await type('reader', '/handreiking hoofdstuk financiering')).title).toBe('Hoofdstuk 5: Financiering');
      expect((await type('reader', "/handreiking hoofdstuk thema's en contact")).title).toBe("Hoofdstuk 7: Thema's en contact");
      const unknown = replyToPlainText(await type('reader', '/handreiking hoofdstuk xyz'));
      expect(unknown).toContain("Hoofdstuk 'xyz' bestaat niet");
    });

    it('reads a passage from a chapter button, and shares it visibly with who shared it', async () => {
      const chapter = await type('reader', '/handreiking hoofdstuk 4');
      const read = await press('reader', buttons(chapter, 'handreiking.toon')[0]!);
      expect(read.visibility).toBe('ephemeral');
      const shared = await press('reader', buttons(read, 'handreiking.delen')[0]!);
      expect(shared.visibility).toBe('channel');
      expect(shared.title).toBe('reader deelt uit de handreiking');
      expect(shared.sections![0]!.text).toContain('Bron:');
      const gone = await press('reader', { actionId: 'handreiking.delen', label: 'x', value: 'bestaat-niet' });
      expect(gone.isError).toBe(true);
      const broken = await press('reader', { actionId: 'handreiking.meer', label: 'x', value: 'geen getal' });
      expect(replyToPlainText(broken)).toContain('Deze knop werkt niet meer');
    });
  });

  describe('zoek with the thesaurus, in English', () => {
    it('answers an English question with the Dutch words it searched for, in the member\'s language', async () => {
      const dutch = await type('reader', '/handreiking zoek forced marriage');
      expect(dutch.sections![0]!.title).toBe('7. Thema\'s en contact · Huwelijksdwang');
      expect(dutch.text).toBe('_De handreiking is in het Nederlands. Gezocht op: gedwongen huwelijk, huwelijksdwang._');
      await type('english', '/profiel taal en');
      const english = await type('english', '/handreiking zoek forced marriage');
      expect(english.sections![0]!.title).toContain('Huwelijksdwang');
      expect(english.text).toBe('_The guide is in Dutch. Searched for the Dutch words: gedwongen huwelijk, huwelijksdwang._');
    });

    it('keeps an English search English on the next page', async () => {
      await type('english2', '/profiel taal en');
      const first = await type('reader', '/handreiking zoek paying volunteers');
      const more = buttons(first, 'handreiking.meer')[0]!;
      expect(more.value).toMatch(/^3e /);
      const next = await press('reader', more);
      expect(next.title).toMatch(/\(4–6 van \d+\)$/);
      expect(next.text).toContain('Gezocht op: ');
    });

    it('says what else it searched for in Dutch, and suggests thesaurus terms and the chapters when nothing matches', async () => {
      const synonym = await type('reader', '/handreiking zoek sleutelfiguren in de wijk');
      expect(synonym.sections!.map((s) => s.title)).toContain('4. Regie · Sleutelpersonen');
      expect(synonym.text).toContain('Ook gezocht op: ');
      expect(synonym.text).toContain('sleutelpersonen');
      const nothing = replyToPlainText(await type('reader', '/handreiking zoek voluntears'));
      expect(nothing).toContain("Niets gevonden over 'voluntears'.");
      expect(nothing).toMatch(/^Zoektermen die erop lijken: .*\bvolunteers\b/m);
      expect(nothing).toContain('Of blader met /handreiking hoofdstuk: 1. Inleiding');
    });

    it('answers a question of stop words only with what to add, in either language', async () => {
      expect(replyToPlainText(await type('reader', '/handreiking zoek wat is het'))).toContain('alleen uit woorden die te algemeen zijn');
      expect(replyToPlainText(await type('reader', '/handreiking zoek what is it'))).toContain('alleen uit woorden die te algemeen zijn');
    });
  });

  describe('synoniem (admins)', () => {
    it('makes two words synonyms for every later search', async () => {
      expect(replyToPlainText(await type('reader', '/handreiking synoniem buurtmoeder sleutelpersoon'))).toContain('alleen voor beheerders');
      expect(replyToPlainText(await type('admin', '/handreiking zoek buurtmoeder'))).toContain("Niets gevonden over 'buurtmoeder'");
      expect(replyToPlainText(await type('admin', '/handreiking synoniem buurtmoeder sleutelpersoon'))).toBe(
        "'buurtmoeder' en 'sleutelpersoon' zijn nu synoniemen: wie het ene zoekt, vindt ook het andere.",
      );
      const found = await type('reader', '/handreiking zoek buurtmoeder');
      expect(found.sections![0]!.title).toBe('4. Regie · Sleutelpersonen');
      expect(replyToPlainText(await type('admin', '/handreiking synoniem geld Geld'))).toContain('kan geen synoniem van zichzelf zijn');
    });
  });

  describe('herlaad (admins)', () => {
    it('is for admins only', async () => {
      expect(replyToPlainText(await type('reader', '/handreiking herlaad'))).toContain('alleen voor beheerders');
    });

    it('reloads the content folder and reports what changed', async () => {
      expect(replyToPlainText(await type('admin', '/handreiking herlaad'))).toMatch(
        /^Handreiking opnieuw geladen: 0 toegevoegd, 0 gewijzigd, 0 verwijderd, 55 ongewijzigd\.\nThesaurus geladen uit thesaurus\.txt: \d+ verbanden\.$/,
      );
    });

    it('reports a malformed file with file and line and keeps the guide as it was', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'binnenuit-herlaad-'));
      const original = env.services.guide;
      try {
        await writeFile(path.join(dir, '01.md'), '---\nchapter: "1"\ntitle: T\n---\n## Kop\nTekst.\n## Leeg\n');
        env.services.guide = new GuideManager(env.db.prisma, { contentDir: dir });
        const reply = await type('admin', '/handreiking herlaad');
        expect(reply.isError).toBe(true);
        expect(replyToPlainText(reply)).toContain('Niet geladen: 01.md, regel 7: passage "Leeg" has no text. De handreiking blijft zoals hij was');
        expect(await env.services.guide.count()).toBe(55);
        // And a thesaurus with a problem: both named with file and line, the previous thesaurus
        // stays in use (a bad chapter does not keep the thesaurus from loading, nor the other way round).
        await writeFile(path.join(dir, 'thesaurus.txt'), 'formaat: 1\nhuwelijksdwang = huwelijksdwang\n');
        const refused = replyToPlainText(await type('admin', '/handreiking herlaad'));
        expect(refused).toContain('Niet geladen: 01.md, regel 7');
        expect(refused).toContain('Thesaurus niet geladen: thesaurus.txt heeft fouten; de vorige thesaurus blijft in gebruik.');
        expect(refused).toContain("- thesaurus.txt, regel 2: 'huwelijksdwang' maps to itself");
        env.services.guide = original;
        expect((await type('reader', '/handreiking zoek forced marriage')).sections![0]!.title).toContain('Huwelijksdwang');
      } finally {
        env.services.guide = original;
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('autocomplete', () => {
    const complete = (subcommand: string, option: string, partial: string) =>
      env.bot.autocomplete({ requester: person('reader'), command: 'handreiking', subcommand, option, partial });

    it('suggests chapters by number or name', async () => {
      expect(await complete('hoofdstuk', 'hoofdstuk', 'finan')).toEqual([{ label: '5. Financiering', value: '5' }]);
      expect(await complete('hoofdstuk', 'hoofdstuk', '')).toHaveLength(7);
    });

    it('suggests passages by title, with their slug as value', async () => {
      const choices = await complete('toon', 'passage', 'sleutel');
      expect(choices[0]).toEqual({ label: '4. Sleutelpersonen', value: '4-sleutelpersonen' });
      expect(await complete('toon', 'passage', '')).toHaveLength(25);
      for (const choice of await complete('toon', 'passage', 'vergoeding')) {
        expect(choice.label.length).toBeLessThanOrEqual(100);
        expect(choice.value.length).toBeLessThanOrEqual(100);
      }
    });
  });
});
