// `/profiel herinneringen` on the console, Slack and Discord: a member's own reminder times
// apply to meetings that did not set their own (their invitation says so, their reminders are
// queued at those times), follow every later change (also back to times cancelled before, and
// `geen` and `standaard`), and a meeting's own `herinnering:` comes first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);
const START = Date.parse('2027-03-10T13:00:00.000Z'); // wo 10 mrt 2027, 14:00 Amsterdam
const before = (...minutes: number[]) => minutes.map((m) => new Date(START - m * 60_000).toISOString()).sort();

describe.each(platformNames)('/profiel herinneringen on %s', (platform) => {
  let p: MeetingPlatform;
  const org = 'uorg';
  const fatima = 'ufatima';
  const john = 'ujohn';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    p = await startPlatform(platform);
    await approveMember(p.testBot.services, platform, org, 'smn', 'Samira');
    ids[fatima] = (await approveMember(p.testBot.services, platform, fatima, 'iot', 'Fatima')).id;
    ids[john] = (await approveMember(p.testBot.services, platform, john, 'iot', 'John')).id;
  }, 240_000);
  afterAll(() => p?.close());

  async function sent(title: string, extra = ''): Promise<{ code: string; id: string }> {
    const preview = await p.command(org, `/overleg plan wanneer:"10 maart 2027 14:00" ${extra} genodigden:"${p.mention(fatima)} ${p.mention(john)}" ${title}`);
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press(org, button(preview, 'Versturen')!);
    for (const user of [fatima, john]) {
      const invitation = (await p.directMessages(user)).filter((m) => m.text.includes(`Uitnodiging ${code}`)).at(-1)!;
      await p.press(user, button([invitation], 'Ja')!);
    }
    const { id } = (await p.testBot.db.prisma.meeting.findFirst({ where: { title } }))!;
    return { code, id };
  }
  const pending = async (meetingId: string, user: string) =>
    (await p.testBot.db.prisma.outboxMessage.findMany({ where: { groupKey: { startsWith: `meeting:${meetingId}:reminder:` }, status: 'PENDING', memberId: ids[user] } }))
      .map((row) => row.sendAt!.toISOString())
      .sort();

  it('applies my own times where the meeting set none, follows every change, and the meeting own herinnering: wins', async () => {
    expect(all(await p.command(fatima, '/profiel herinneringen'))).toContain('Je hebt geen eigen herinneringen gekozen; je krijgt ze 1 dag en 1 uur voor het begin');
    expect(all(await p.command(fatima, '/profiel herinneringen 2u,15min'))).toContain('Voortaan krijg je herinneringen 2 uur en 15 minuten voor het begin');
    const plain = await sent('Gewoon overleg');
    const own = await sent('Eigen tijden', 'herinnering:"30 min"');
    const invitation = (await p.directMessages(fatima)).filter((m) => m.text.includes(`Uitnodiging ${plain.code}`)).at(-1)!;
    expect(invitation.text).toContain('2 uur en 15 minuten voor het begin');
    expect(await pending(plain.id, fatima)).toEqual(before(120, 15));
    expect(await pending(plain.id, john)).toEqual(before(1440, 60));
    expect(await pending(own.id, fatima)).toEqual(before(30));

    expect(all(await p.command(fatima, '/profiel herinneringen geen'))).toContain('Je krijgt geen herinneringen meer voor overleggen');
    expect(await pending(plain.id, fatima)).toEqual([]);
    // Back to times whose rows were cancelled a moment ago: queued again all the same.
    await p.command(fatima, '/profiel herinneringen 2u,15min');
    expect(await pending(plain.id, fatima)).toEqual(before(120, 15));
    expect(all(await p.command(fatima, '/profiel herinneringen standaard'))).toContain('Je krijgt weer de standaard herinneringen: 1 dag en 1 uur voor het begin');
    expect(await pending(plain.id, fatima)).toEqual(before(1440, 60));
    // Nobody else's reminders and no meeting with its own times moved.
    expect(await pending(plain.id, john)).toEqual(before(1440, 60));
    expect(await pending(own.id, fatima)).toEqual(before(30));
  });

  it('refuses times it cannot read, changing nothing', async () => {
    await p.command(john, '/profiel herinneringen 3u');
    expect(all(await p.command(john, '/profiel herinneringen morgen'))).toContain('Ik kan "morgen" niet lezen');
    expect(all(await p.command(john, '/profiel herinneringen 1 minuut'))).toContain('tussen 5 minuten en 14 dagen');
    expect(all(await p.command(john, '/profiel herinneringen'))).toContain('Je herinneringen voor overleggen: 3 uur voor het begin');
  });
});
