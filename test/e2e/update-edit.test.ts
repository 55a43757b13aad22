// Editing and withdrawing an update at the console, as the alliance's acceptance checks drive
// it: the author's confirmation has *Bewerken* and *Intrekken* (`!N`), the edit form is filled
// in with `!1 tekst:"…"`, and the bot's post in #console prints again, changed; someone else
// cannot press the author's buttons; a withdrawn update is gone from /update lijst.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackends, type TestDatabase } from '../support/db.ts';
import { runConsole, type Transcript } from './console-session.ts';
import { migratedDataDir } from '../support/data-dir.ts';

const SESSION_TIMEOUT = 180_000;

/** The lines of the block that starts at `at` (up to the blank line that ends each print). */
function block(transcript: Transcript, at: number): string[] {
  const end = transcript.lines.indexOf('', at);
  return transcript.lines.slice(at, end === -1 ? undefined : end);
}

/** The blocks under a header line, in order. */
function blocksUnder(transcript: Transcript, header: string): string[][] {
  return transcript.lines.flatMap((line, at) => (line === header ? [block(transcript, at + 1)] : []));
}

describe.each(testBackends())('editing and withdrawing an update at the console on %s', (kind) => {
  const dataDir = migratedDataDir('update-edit');
  let server: TestDatabase | undefined;
  afterAll(() => server?.close());
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'edits the post in #console and withdraws it everywhere; /update lijst follows',
    async () => {
      if (kind === 'postgres') server = await createTestDatabase('postgres');
      const run = await runConsole(
        [
          '@fatima /profiel koppel IOT',
          '!1',
          '@fatima /update plaats #regie Regiotafel gestart',
          '@jan !1',
          '@fatima !1',
          '@fatima !1 tekst:"Regiotafel gestart in Utrecht"',
          '/update lijst',
          '@fatima !2',
          '@fatima !1',
          '/update lijst',
        ],
        { dataDir, databaseUrl: server?.url },
      );
      const text = run.text;
      // The confirmation, for fatima only.
      const confirmation = blocksUnder(run, 'Bericht voor @fatima:').find((lines) => lines.some((line) => line.includes('Je update is geplaatst')))!;
      expect(confirmation).toContain('[1] Bewerken   [2] Intrekken');
      // Jan cannot press fatima's buttons.
      expect(text).toContain('Knop 1 bestaat niet');
      // The form: prefilled, with the safety notice and emergency line.
      expect(text).toContain('== Update bewerken ==');
      expect(text).toMatch(/- tekst \(.*\): Regiotafel gestart\n/);
      expect(text).toContain('Veilig Thuis 0800-2000');

      // The bot's post in #console prints again: first edited, then withdrawn.
      const posts = blocksUnder(run, '#console');
      expect(posts).toHaveLength(2);
      expect(posts[0]).toEqual(expect.arrayContaining(['(bewerkt)', '== Nieuwe update ==', 'Regiotafel gestart in Utrecht']));
      expect(posts[0]!.find((line) => line.startsWith('fatima · '))).toMatch(/\(bewerkt\)$/);
      expect(posts[1]).toEqual(['(bewerkt)', 'Deze update is ingetrokken door fatima.']);

      // /update lijst: the new text first, marked; after the withdrawal, nothing.
      const lists = run.lines.flatMap((line, at) => (line.startsWith('== De nieuwste update') || line.startsWith('Nog geen updates') ? [block(run, at)] : []));
      expect(lists).toHaveLength(2);
      expect(lists[0]).toContain('Regiotafel gestart in Utrecht');
      expect(lists[1]!.join('\n')).toContain('Nog geen updates gevonden');
      // Withdrawing asked first.
      expect(text).toContain('Wil je deze update echt intrekken?');
      expect(text).toContain('[1] Ja, intrekken');
    },
    SESSION_TIMEOUT,
  );
});
