// `genodigden:kanaal` through the real app (startApp wires each adapter's channelMembers into
// the meetings), on the console: the people who typed a line are the channel; an approved one
// is invited and gets the invitation under their own header, one who is no member is counted.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runConsole } from '../e2e/console-session.ts';
import { migratedDataDir } from '../support/data-dir.ts';

describe('genodigden:kanaal in the console app', () => {
  const dataDir = migratedDataDir('kanaal');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('invites the console people who are members and counts the one who is not', async () => {
    const run = await runConsole(
      [
        '@fatima /profiel koppel IOT',
        '!1', // local, the admin, approves Fatima
        '@bezoeker hallo',
        '/overleg plan wanneer:"3 maart 2027 14:30" genodigden:kanaal Consoleoverleg',
        '!1', // Versturen
      ],
      { dataDir },
    );
    expect(run.text).toContain('1 persoon in dit kanaal is (nog) geen lid en wordt niet uitgenodigd.');
    expect(run.text).toMatch(/is verstuurd naar 1 genodigde/);
    const invitedTo = (name: string) => run.lines.some((line, i) => line === `Bericht voor @${name}:` && run.lines[i + 1]?.startsWith('== Uitnodiging O-1: Consoleoverleg'));
    expect(invitedTo('fatima'), run.text).toBe(true);
    expect(invitedTo('bezoeker')).toBe(false);
    expect(invitedTo('local')).toBe(false);
  }, 180_000);
});
