// /digest abonneer with values it does not know, on a channel that already has a digest: one
// clear line each (with the usage), and the subscription stays exactly as it was (nothing half
// stored: no value of a refused line is taken over). Through the real app at the console.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole, type Transcript } from '../e2e/console-session.ts';
import { migratedDataDir } from '../support/data-dir.ts';

describe('/digest abonneer with bad values on a subscribed channel', () => {
  const dataDir = migratedDataDir('digest-bad');
  let transcript: Transcript;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  beforeAll(async () => {
    transcript = await runConsole(
      [
        '/digest abonneer dagelijks tijd:07:30 delen:updates,tip',
        '/digest abonneer wekelijks taal:fr',
        '/digest abonneer wekelijks leeg:nooit',
        '/digest abonneer wekelijks feestdagen:ja',
        '/digest abonneer maandelijks',
        '/digest abonneer wekelijks tijd:9:75',
        '/digest abonneer wekelijks dag:vrijdag delen:updates,weer',
        '/digest',
      ],
      { dataDir },
    );
  }, 180_000);

  it('says what is wrong in one line each, with how the command is used', () => {
    expect(transcript.text).toContain('! taal moet een van deze zijn: nl, en.');
    expect(transcript.text).toContain('! leeg moet een van deze zijn: overslaan.');
    expect(transcript.text).toContain('! feestdagen moet een van deze zijn: overslaan.');
    expect(transcript.text).toContain('! frequentie moet een van deze zijn: dagelijks, wekelijks.');
    expect(transcript.text).toContain("! '9:75' is geen tijd die ik begrijp.");
    expect(transcript.text).toContain('! Deze delen ken ik niet: weer.');
    expect(transcript.text.match(/Zo gebruik je het:\n\s*\/digest abonneer/g)?.length).toBeGreaterThanOrEqual(4);
  });

  it('changes nothing: the subscription is the first one, never "changed"', () => {
    expect(transcript.text).not.toContain('had al een digest');
    const answers = transcript.text.split('\n\n');
    expect(answers.at(-1) || answers.at(-2)).toContain('Dit kanaal krijgt elke dag om 07:30 een dagoverzicht, in het Nederlands, met updates en een tip uit de handreiking.');
  });
});
