// "In kanaal plaatsen" on /overleg lijst, on the console, Slack and Discord: the organiser's
// list has the button, an invitee's has none; pressing it posts the meeting with its counts as
// a channel message, never who answered what; anyone else pressing it is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);

describe.each(platformNames)('posting /overleg lijst in the channel on %s', (platform) => {
  let p: MeetingPlatform;
  const org = 'uorg';
  const fatima = 'ufatima';
  const john = 'ujohn';

  beforeAll(async () => {
    p = await startPlatform(platform);
    await approveMember(p.testBot.services, platform, org, 'smn', 'Samira');
    await approveMember(p.testBot.services, platform, fatima, 'iot', 'Fatima');
    await approveMember(p.testBot.services, platform, john, 'iot', 'John');
  }, 240_000);
  afterAll(() => p?.close());

  it('the organiser posts the counts, not who answered what; nobody else can', async () => {
    const preview = await p.command(org, `/overleg plan wanneer:"10 maart 2027 14:00" plek:"Stadhuis" genodigden:"${p.mention(fatima)} ${p.mention(john)}" Regiotafel`);
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press(org, button(preview, 'Versturen')!);
    const invitation = (await p.directMessages(fatima)).filter((m) => m.text.includes(`Uitnodiging ${code}`)).at(-1)!;
    await p.press(fatima, button([invitation], 'Ja')!);

    const mine = await p.command(org, '/overleg lijst');
    expect(all(mine)).toContain('Fatima'); // the organiser's own view shows who said what
    const post = button(mine, 'In kanaal plaatsen')!;
    expect(post).toBeDefined();
    expect(button(await p.command(fatima, '/overleg lijst'), 'In kanaal plaatsen')).toBeUndefined();

    // The console prints every answer for all to read: there the answer is the channel post.
    const posted = (await p.press(org, post)).filter((m) => platform === 'console' || m.visibility === 'channel');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain(`${code} · Regiotafel`);
    expect(posted[0]!.text).toContain('wo 10 mrt 2027, 14:00–15:00');
    expect(posted[0]!.text).toContain('ja 1 · misschien 0 · nee 0 · geen antwoord 1');
    expect(posted[0]!.text).not.toMatch(/Fatima|John/);

    // The button is the organiser's: the same press by an invitee posts nothing.
    if (platform !== 'console') {
      const refused = await p.press(fatima, post);
      expect(all(refused)).toContain('Alleen de organisator kan dit overleg in het kanaal plaatsen');
      expect(refused.filter((m) => m.visibility === 'channel')).toHaveLength(0);
    }
  });
});
