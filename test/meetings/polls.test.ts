// /overleg peiling on the console, Slack and Discord: invitees get a button per moment and may
// vote for several (pressing again takes a vote back), the organiser's table is edited in
// place after each vote, the organiser's pick becomes a sent meeting with invitations, and a
// poll with 0 or 9 moments, or one moment that cannot be read, is refused and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);

describe.each(platformNames)('/overleg peiling on %s', (platform) => {
  let p: MeetingPlatform;
  beforeAll(async () => {
    p = await startPlatform(platform);
    await approveMember(p.testBot.services, platform, 'uorg', 'smn', 'Samira');
    await approveMember(p.testBot.services, platform, 'ufatima', 'iot', 'Fatima');
    await approveMember(p.testBot.services, platform, 'ujohn', 'iot', 'John');
  }, 240_000);
  afterAll(() => p?.close());

  const polls = () => p.testBot.db.prisma.meetingPoll.count();
  const latest = async (user: string, pattern: string) => (await p.directMessages(user)).filter((m) => m.text.includes(pattern)).at(-1)!;

  it('refuses 0 or 9 moments, and a moment that cannot be read, storing nothing', async () => {
    const invitees = `genodigden:"${p.mention('ufatima')}"`;
    expect(all(await p.command('uorg', `/overleg peiling opties:";" ${invitees} Leeg`))).toMatch(/1 tot 5 momenten|ontbreekt/);
    const nine = Array.from({ length: 9 }, (_, i) => `${i + 1} mei 2027 10:00`).join('; ');
    expect(all(await p.command('uorg', `/overleg peiling opties:"${nine}" ${invitees} Te veel`))).toContain('Je gaf er 9');
    expect(all(await p.command('uorg', `/overleg peiling opties:"4 mei 2027 10:00; zo snel mogelijk" ${invitees} Vaag`))).toContain('Moment 2 ("zo snel mogelijk")');
    expect(await polls()).toBe(0);
  });

  it('votes with buttons, a live table edited in place, and the pick becomes a meeting with invitations', async () => {
    const started = await p.command('uorg', `/overleg peiling opties:"di 4 mei 2027 14:00; wo 5 mei 2027 10u; do 6 mei 2027 half drie" genodigden:"${p.mention('ufatima')} ${p.mention('ujohn')}" duur:90 Werkgroep LHBTI`);
    const code = /Peiling (P-\d+)/.exec(all(started))![1]!;
    const ballot = await latest('ufatima', `Peiling ${code}`);
    expect(ballot.buttons.map((b) => b.label)).toEqual(['di 4 mei 2027, 14:00', 'wo 5 mei 2027, 10:00', 'do 6 mei 2027, 14:30']);
    const table = await latest('uorg', `Peiling ${code}`);
    expect(table.buttons.map((b) => b.label)).toEqual(['Kies di 4 mei 2027, 14:00', 'Kies wo 5 mei 2027, 10:00', 'Kies do 6 mei 2027, 14:30']);

    expect(all(await p.press('ufatima', button([ballot], 'di 4 mei 2027, 14:00')!))).toContain('Je kunt op: di 4 mei 2027, 14:00');
    expect(all(await p.press('ufatima', button([ballot], 'do 6 mei 2027, 14:30')!))).toContain('di 4 mei 2027, 14:00; do 6 mei 2027, 14:30');
    const johnBallot = await latest('ujohn', `Peiling ${code}`);
    await p.press('ujohn', button([johnBallot], 'do 6 mei 2027, 14:30')!);
    // Fatima takes one vote back (after the Bot's 3-second double-click window: a second press
    // within it counts as the same press).
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    expect(all(await p.press('ufatima', button([ballot], 'di 4 mei 2027, 14:00')!))).toContain('Je kunt op: do 6 mei 2027, 14:30');

    const before = (await p.directMessages('uorg')).filter((m) => m.text.includes(`Peiling ${code}`));
    const live = before.at(-1)!;
    expect(live.text).toContain('di 4 mei 2027, 14:00: 0 (–)');
    expect(live.text).toContain('do 6 mei 2027, 14:30: 2 (Fatima, John)');
    if (p.editsInPlace) expect(before).toHaveLength(1);

    const chosen = await p.press('uorg', button([live], 'Kies do 6 mei 2027, 14:30')!);
    const meetingCode = /(O-\d+)/.exec(all(chosen))![1]!;
    expect(all(chosen)).toContain('do 6 mei 2027, 14:30–16:00');
    const invitation = await latest('ujohn', `Invitation ${meetingCode}`.replace('Invitation', 'Uitnodiging'));
    expect(invitation.text).toContain('do 6 mei 2027, 14:30–16:00');
    expect(invitation.buttons.map((b) => b.label)).toEqual(['Ja', 'Nee', 'Misschien']);
    expect((await p.receivedFiles('ujohn')).some((file) => file.name.includes(meetingCode) && file.name.endsWith('.ics'))).toBe(true);
    expect((await latest('uorg', `Peiling ${code}`)).text).toContain('de peiling is gesloten');
    // After the pick: no more votes, no second pick.
    const late = await p.testBot.bot.handleAction({ requester: { platform, userId: 'ufatima' }, place: { platform }, actionId: 'overleg.stem', value: button([ballot], 'wo 5 mei 2027, 10:00')!.value });
    expect(late.kind === 'reply' && late.reply.text).toContain('gesloten');
    const again = await p.testBot.bot.handleAction({ requester: { platform, userId: 'uorg' }, place: { platform }, actionId: 'overleg.kies', value: button([live], 'Kies di 4 mei 2027, 14:00')!.value });
    if (again.kind !== 'duplicate') expect(again.kind === 'reply' && again.reply.text).toContain('al een moment gekozen');
    expect(await p.testBot.db.prisma.meeting.count({ where: { title: 'Werkgroep LHBTI' } })).toBe(1);
  });
});
