// /digest at the console, through the real app (startApp, embedded database, outbox worker),
// as the black-box contract drives it: piped lines, answers first, channel posts under
// `#console`. Subscribing (and again: it changes and says so), the subscription shown,
// voorbeeld only to the one asking, nu posted once and counted as sent, stop, and bad input
// that stores nothing.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole, type Transcript } from '../e2e/console-session.ts';
import { migratedDataDir } from '../support/data-dir.ts';

const SESSION_TIMEOUT = 180_000;

describe('/digest at the console', () => {
  const dataDir = migratedDataDir('digest');
  let transcript: Transcript;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  beforeAll(async () => {
    transcript = await runConsole(
      [
        '/update plaats #samenwerking Regiotafel Rotterdam gestart gemeente:Rotterdam',
        '/digest',
        '@fatima /digest',
        '@fatima /digest abonneer wekelijks',
        '/digest abonneer wekelijks tijd:25:00',
        '/digest abonneer wekelijks tijd:"maandag 9"',
        '/digest abonneer wekelijks dag:maandig',
        '/digest abonneer wekelijks delen:updates,roddels',
        '/digest abonneer dagelijks dag:dinsdag',
        '/digest',
        '/digest abonneer wekelijks dag:dinsdag tijd:"9 uur \'s ochtends"',
        '/digest',
        '/digest abonneer dagelijks tijd:07:30 delen:updates,tip',
        '/digest voorbeeld',
        '/digest nu',
        '/digest nu',
        '/digest stop',
        '/digest',
        '/digest stop',
      ],
      { dataDir },
    );
  }, SESSION_TIMEOUT);

  const answers = () => transcript.text.split('\n\n');

  it('starts without a digest, and non-members and members cannot subscribe', () => {
    const none = 'Dit kanaal krijgt geen digest. Een coördinator zet hem aan met /digest abonneer wekelijks (of dagelijks).';
    expect(answers()).toContain(none);
    expect(transcript.text).toContain('Hiervoor heb je een goedgekeurd profiel nodig.');
    expect(transcript.text).toContain('! Dit is alleen voor coördinatoren en beheerders.');
  });

  it('refuses bad times, days and parts with one clear line each, storing nothing', () => {
    expect(transcript.text).toContain("! '25:00' is geen tijd die ik begrijp.");
    expect(transcript.text).toContain("! 'maandag 9' is geen tijd die ik begrijp.");
    expect(transcript.text).toMatch(/! dag moet een van deze zijn: maandag, dinsdag/);
    expect(transcript.text).toContain('! Deze delen ken ik niet: roddels. Kies uit: updates, overleg, advies, tip.');
    expect(transcript.text).toContain('! dag: hoort alleen bij wekelijks');
    // After all of them, still no subscription: the first real one is "now gets", not "changed".
    const first = answers().findIndex((answer) => answer.startsWith('Dit kanaal krijgt nu elke dinsdag om 09:00 een weekoverzicht'));
    expect(first).toBeGreaterThan(0);
    expect(answers().slice(0, first)).toContain('Dit kanaal krijgt geen digest. Een coördinator zet hem aan met /digest abonneer wekelijks (of dagelijks).');
    expect(answers()[first]).toContain('gaat over de afgelopen week, ook over wat er al was');
  });

  it('shows the subscription, and a second subscription changes the first and says so', () => {
    expect(transcript.text).toContain('Dit kanaal krijgt elke dinsdag om 09:00 een weekoverzicht, in het Nederlands, met updates, overleggen, adviescijfers en een tip uit de handreiking.\nDe volgende komt di ');
    expect(transcript.text).toContain(
      'Dit kanaal had al een digest (elke dinsdag om 09:00 een weekoverzicht, in het Nederlands, met updates, overleggen, adviescijfers en een tip uit de handreiking). Die is nu veranderd in: elke dag om 07:30 een dagoverzicht, in het Nederlands, met updates en een tip uit de handreiking.',
    );
  });

  it('voorbeeld is the answer only (no channel post), with the update posted before subscribing', () => {
    const at = transcript.lines.indexOf('Voorbeeld: zo zou de digest er nu uitzien. Alleen jij ziet dit; er is niets verstuurd.');
    expect(at).toBeGreaterThan(0);
    const preview = transcript.lines.slice(at - 12, at).join('\n');
    expect(preview).toContain('== Dagoverzicht ');
    expect(preview).toContain('Samenwerking (1)');
    expect(preview).toContain('- local · Gemeente Rotterdam: Regiotafel Rotterdam gestart');
    expect(preview).toContain('Tip uit de handreiking: ');
    expect(preview).not.toContain('#console');
  });

  it('nu posts the digest in the channel once, and a second nu says it was sent already', () => {
    expect(transcript.text).toContain('De digest van deze periode staat nu in dit kanaal.');
    const posts = transcript.lines.flatMap((line, index) => (line === '#console' && transcript.lines[index + 1]?.startsWith('== Dagoverzicht') ? [index] : []));
    expect(posts).toHaveLength(1);
    expect(transcript.lines.slice(posts[0]!, posts[0]! + 8).join('\n')).toContain('- local · Gemeente Rotterdam: Regiotafel Rotterdam gestart');
    expect(transcript.text).toMatch(/De digest van deze periode is al verstuurd \(.+\)\. De volgende komt .+\./);
  });

  it('stop ends it: /digest then answers as in a channel that never had one', () => {
    const stopped = answers().indexOf('De digest van dit kanaal is gestopt. Er komt hier geen overzicht meer.');
    expect(stopped).toBeGreaterThan(0);
    expect(answers()[stopped + 1]).toBe('Dit kanaal krijgt geen digest. Een coördinator zet hem aan met /digest abonneer wekelijks (of dagelijks).');
    expect(answers()[stopped + 2]).toBe('Dit kanaal had geen digest; er is niets veranderd.');
  });
});

describe('/digest at the console in English', () => {
  const dataDir = migratedDataDir('digest-en');
  let transcript: Transcript;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  beforeAll(async () => {
    transcript = await runConsole(['/update plaats #beleid New policy memo', '/digest abonneer wekelijks dag:vrijdag tijd:16:00 leeg:overslaan', '/digest voorbeeld', '/digest abonneer wekelijks taal:nl'], { dataDir, locale: 'en' });
  }, SESSION_TIMEOUT);

  it('subscribes, previews and describes in English; taal:nl makes the digest Dutch', () => {
    expect(transcript.text).toContain('This channel now gets a weekly summary every Friday at 16:00, in English, with updates, meetings, advice figures and a tip from the handreiking, no message when nothing is new.');
    expect(transcript.text).toContain('== Weekly summary ');
    expect(transcript.text).toContain('Policy development (1)');
    expect(transcript.text).toContain('Preview: this is what the digest would say now. Only you see this; nothing was sent.');
    expect(transcript.text).toContain('It has now been changed to: a weekly summary every Monday at 09:00, in Dutch');
  });
});
