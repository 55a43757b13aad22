// /update lijst, findable: by gemeente (gemeente:), by period (sinds: "vorige week",
// gisteren, a date), a Meer button for the next page, and on Discord autocomplete for
// organisatie and gemeente. On the console (the real app) and through FakeDiscord.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSince } from '../../src/core/updates/since.ts';
import { runConsole, type Transcript } from '../e2e/console-session.ts';
import { approveMember } from '../support/bot.ts';
import { DiscordHarness, allText, buttonsOf, seenMessages } from '../discord/harness.ts';
import { migratedDataDir } from '../support/data-dir.ts';

describe('sinds: read as a moment in the past', () => {
  const env = { timezone: 'Europe/Amsterdam', now: new Date('2026-12-02T09:00:00Z') };
  const at = (text: string) => parseSince(text, env)?.toISOString();
  it('understands the words people use, as the start of that day, week or month in Amsterdam', () => {
    expect(at('vorige week')).toBe('2026-11-22T23:00:00.000Z');
    expect(at('last week')).toBe('2026-11-22T23:00:00.000Z');
    expect(at('gisteren')).toBe('2026-11-30T23:00:00.000Z');
    expect(at('maandag')).toBe('2026-11-29T23:00:00.000Z');
    expect(at('3 dagen geleden')).toBe('2026-11-28T23:00:00.000Z');
    expect(at('25-11')).toBe('2026-11-24T23:00:00.000Z');
    expect(at('1 december')).toBe('2026-11-30T23:00:00.000Z');
    expect(at('vorige maand')).toBe('2026-10-31T23:00:00.000Z');
  });
  it('refuses the future and what it does not understand', () => {
    expect(at('morgen')).toBeUndefined();
    expect(at('vorige week 14:00 ergens')).toBeUndefined();
    expect(at('onzin')).toBeUndefined();
  });
});

describe('/update lijst with filters and pages at the console', () => {
  const dataDir = migratedDataDir('lijst');
  let transcript: Transcript;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  beforeAll(async () => {
    const posts = Array.from({ length: 12 }, (_, i) => `/update plaats #regie Regiobericht ${i + 1} gemeente:Rotterdam`);
    transcript = await runConsole(
      [...posts, '/update plaats #beleid Nota in Utrecht gemeente:Utrecht', '/update lijst gemeente:Utrecht', '/update lijst sinds:"vorige week" gemeente:Rotterdam', '!1', '/update lijst sinds:morgen', '/update lijst gemeente:Atlantis', '/update lijst sinds:gisteren #beleid'],
      { dataDir },
    );
  }, 180_000);

  it('filters by gemeente', () => {
    const at = transcript.lines.indexOf('== De nieuwste update ==');
    expect(transcript.lines.slice(at, at + 4)).toEqual(['== De nieuwste update ==', expect.stringMatching(/^local · /), 'Nota in Utrecht', '#beleid · Gemeente Utrecht']);
  });

  it('shows ten, with Meer for the next page, which shows the rest', () => {
    const first = transcript.lines.indexOf('== De 10 nieuwste updates ==');
    expect(first).toBeGreaterThan(0);
    const page = transcript.lines.slice(first, transcript.lines.indexOf('[1] Meer', first) + 1).join('\n');
    expect(page).toContain('Regiobericht 12');
    expect(page).toContain('Regiobericht 3');
    expect(page).not.toContain('Regiobericht 2\n');
    expect(page).not.toContain('Nota in Utrecht');
    const second = transcript.lines.indexOf('== Updates 11 tot en met 12 ==');
    expect(second).toBeGreaterThan(first);
    expect(transcript.lines.slice(second, second + 8).join('\n')).toMatch(/Regiobericht 2\n[^]*Regiobericht 1\n/);
  });

  it('says what is wrong with a bad sinds: or an unknown gemeente, and combines filters', () => {
    expect(transcript.text).toContain("! 'morgen' begrijp ik niet als moment in het verleden.");
    expect(transcript.text).toContain("! De gemeente 'Atlantis' ken ik niet.");
    // The post, its confirmation, the gemeente list, and the last list (sinds:gisteren #beleid).
    expect(transcript.text.split('Nota in Utrecht').length).toBe(5);
    expect(transcript.text.trimEnd().split('\n\n').at(-1)).toMatch(/^== De nieuwste update ==\n.*\nNota in Utrecht\n#beleid · Gemeente Utrecht$/);
  });
});

describe('/update lijst on Discord', () => {
  let discord: DiscordHarness;
  const member = { id: '100000000000000044', name: 'Noor' };
  beforeAll(async () => {
    discord = await DiscordHarness.create();
    const author = await approveMember(discord.testBot.services, 'discord', member.id, 'smn', 'Noor');
    const { match: rotterdam } = await discord.testBot.services.members.findOrganisation('Rotterdam');
    for (let i = 1; i <= 11; i++) await discord.testBot.services.updates.post({ authorId: author!.id, organisationId: author!.organisation?.id, gemeenteId: rotterdam!.id, theme: 'regie', body: `Discordbericht ${i}` });
  }, 180_000);
  afterAll(() => discord?.close());

  it('registers gemeente and sinds options, and suggests gemeenten and organisations while typing', async () => {
    const update = discord.json.find((command) => command.name === 'update')!;
    const lijst = (update.options as any[]).find((option) => option.name === 'lijst');
    expect(lijst.options.map((option: any) => option.name)).toEqual(['thema', 'organisatie', 'gemeente', 'sinds']);
    expect((await discord.suggest(member, 'update', 'lijst', 'gemeente', 'rotter')).map((choice) => choice.name)).toContain('Gemeente Rotterdam');
    expect((await discord.suggest(member, 'update', 'lijst', 'organisatie', 'smn')).length).toBeGreaterThan(0);
  });

  it('pages with Meer', async () => {
    const first = await discord.typed(member, '/update lijst gemeente:Rotterdam sinds:gisteren');
    expect(allText(first)).toContain('Discordbericht 11');
    expect(allText(first)).not.toContain('Discordbericht 1\n');
    const [message] = seenMessages(first);
    const more = buttonsOf(message!).find((button) => button.label === 'Meer');
    expect(more).toBeDefined();
    expect(more!.customId.length).toBeLessThanOrEqual(100);
    const next = await discord.press(member, message!, more!.customId);
    expect(allText(next)).toContain('Updates 11 tot en met 11');
    expect(allText(next)).toContain('Discordbericht 1');
  });
});
