// /privacy export and /privacy verwijder for what the meetings keep, on the console, Slack and
// Discord. The export holds my meetings and answers, my polls and votes, and that I have a feed
// (not its token), others only as counts. Deleting me takes my answers, votes, feed and polls;
// my upcoming meeting is cancelled with a cancelling .ics to each invitee; my past meeting stays
// under "verwijderd lid".
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);

describe.each(platformNames)('meetings in /privacy on %s', (platform) => {
  let p: MeetingPlatform;
  const org = 'uorg';
  const fatima = 'ufatima';
  const john = 'ujohn';

  beforeAll(async () => {
    p = await startPlatform(platform);
    const s = p.testBot.services;
    await approveMember(s, platform, org, 'smn', 'Samira Oudeweg');
    await approveMember(s, platform, fatima, 'iot', 'Fatima Zonnebloem');
    await approveMember(s, platform, john, 'iot', 'John Kwartel');
  }, 240_000);
  afterAll(() => p?.close());

  const latest = async (user: string, pattern: string) => (await p.directMessages(user)).filter((m) => m.text.includes(pattern)).at(-1)!;
  async function sentMeeting(title: string, wanneer: string, invitees = [fatima, john]): Promise<string> {
    const preview = await p.command(org, `/overleg plan wanneer:"${wanneer}" genodigden:"${invitees.map((user) => p.mention(user)).join(' ')}" ${title}`);
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press(org, button(preview, 'Versturen')!);
    return code;
  }
  async function exported(user: string) {
    await p.command(user, '/privacy export');
    const file = (await p.receivedFiles(user)).filter((f) => f.name.endsWith('.json')).at(-1)!;
    const text = file.bytes.toString('utf8');
    return { text, meetings: (JSON.parse(text) as { parts: Record<string, { explanation: string; data: any }> }).parts.meetings! };
  }
  async function erase(user: string) {
    const asked = await p.command(user, '/privacy verwijder');
    expect(all(await p.press(user, button(asked, 'Verwijderen')!))).toContain('Je gegevens zijn verwijderd');
  }

  it('exports my meetings, answers, polls, votes and that I have a feed, others only counted', async () => {
    const code = await sentMeeting('Werkgroep export', '16 maart 2027 14:00');
    await p.press(fatima, button([await latest(fatima, `Uitnodiging ${code}`)], 'Misschien')!);
    await p.press(john, button([await latest(john, `Uitnodiging ${code}`)], 'Ja')!);
    const started = await p.command(org, `/overleg peiling opties:"di 4 mei 2027 14:00; wo 5 mei 2027 10u" genodigden:"${p.mention(fatima)} ${p.mention(john)}" Peiling export`);
    const poll = /Peiling (P-\d+)/.exec(all(started))![1]!;
    await p.press(fatima, button([await latest(fatima, `Peiling ${poll}`)], 'wo 5 mei 2027, 10:00')!);
    const token = /agenda\/([A-Za-z0-9_-]{32})\.ics/.exec(all(await p.command(fatima, '/overleg agenda')))![1]!;

    await p.command(fatima, '/profiel herinneringen 2u,15min');
    const mine = await exported(fatima);
    expect(mine.meetings.explanation).toContain('je antwoorden op uitnodigingen');
    expect(mine.meetings.data.answers).toEqual([expect.objectContaining({ meeting: code, title: 'Werkgroep export', starts: '2027-03-16T13:00:00.000Z', answer: 'misschien', organiser: expect.any(String) })]);
    expect(mine.meetings.data.votes).toEqual([expect.objectContaining({ poll, title: 'Peiling export', moment: '2027-05-05T08:00:00.000Z' })]);
    expect(mine.meetings.data.calendarFeed).toMatchObject({ exists: true });
    expect([...mine.meetings.data.reminderMinutes].sort((a: number, b: number) => a - b)).toEqual([15, 120]);
    // The feed's address still works: it is not in the export. Nor are the others' names.
    for (const secret of [token, 'Samira', 'John']) expect(mine.text).not.toContain(secret);

    const theirs = await exported(org);
    expect(theirs.meetings.data.organised).toEqual([expect.objectContaining({ meeting: code, status: 'sent', invitees: 2, answers: { yes: 1, maybe: 1, no: 0, none: 0, waiting: 0 } })]);
    expect(theirs.meetings.data.polls).toEqual([expect.objectContaining({ poll, status: 'open', invitees: 2, options: [{ moment: '2027-05-04T12:00:00.000Z', votes: 0 }, { moment: '2027-05-05T08:00:00.000Z', votes: 1 }] })]);
    for (const name of ['Fatima', 'John']) expect(theirs.text).not.toContain(name);
  });

  it('deleting an invitee removes their answers, votes and feed; the organiser sees the counts change', async () => {
    const code = await sentMeeting('Werkgroep wissen', '17 maart 2027 14:00');
    await p.press(john, button([await latest(john, `Uitnodiging ${code}`)], 'Ja')!);
    const token = /agenda\/([A-Za-z0-9_-]{32})\.ics/.exec(all(await p.command(john, '/overleg agenda')))![1]!;
    expect((await fetch(`${p.feedBaseUrl}/agenda/${token}.ics`)).status).toBe(200);
    expect(all(await p.command(org, '/overleg lijst'))).toMatch(new RegExp(`${code}[\\s\\S]*?ja 1 · misschien 0 · nee 0 · geen antwoord 1`));

    await p.command(john, '/profiel herinneringen 30 min');
    expect(await p.testBot.db.prisma.memberReminderTimes.count()).toBe(2);
    await erase(john);
    expect(await p.testBot.db.prisma.memberReminderTimes.count()).toBe(1);
    expect(all(await p.command(org, '/overleg lijst'))).toMatch(new RegExp(`${code}[\\s\\S]*?ja 0 · misschien 0 · nee 0 · geen antwoord 1`));
    expect((await fetch(`${p.feedBaseUrl}/agenda/${token}.ics`)).status).toBe(404);
    // The poll of the first test no longer lists him among its invitees.
    const polls = await p.testBot.db.prisma.meetingPoll.findMany({ select: { inviteeIds: true } });
    expect(polls).toHaveLength(1);
    expect(polls[0]!.inviteeIds).toHaveLength(1);
  });

  it('deleting the organiser cancels their upcoming meeting with notice and .ics, keeps the past one anonymised, drops their polls', async () => {
    const upcoming = await sentMeeting('Werkgroep komend', '18 maart 2027 14:00', [fatima]);
    const past = await sentMeeting('Werkgroep voorbij', '19 maart 2027 14:00', [fatima]);
    const prisma = p.testBot.db.prisma;
    // As if it was held last month (a meeting cannot be planned in the past).
    await prisma.meeting.updateMany({ where: { title: 'Werkgroep voorbij' }, data: { startsAt: new Date(Date.now() - 30 * 86_400_000), endsAt: new Date(Date.now() - 30 * 86_400_000 + 3_600_000) } });

    await erase(org);
    const notice = await latest(fatima, `Geannuleerd ${upcoming}`);
    expect(notice.text).toContain('niemand leidt dit overleg nog');
    expect(notice.text).toContain('verwijderd lid');
    expect(notice.text).not.toContain('Samira');
    const file = (await p.receivedFiles(fatima)).filter((f) => f.name.includes(upcoming) && f.name.endsWith('.ics')).at(-1)!;
    const calendar = new ICAL.Component(ICAL.parse(file.bytes.toString('utf8')));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('status')).toBe('CANCELLED');
    // The invitation can no longer be answered, and the past meeting is there for Fatima still.
    expect(all(await p.press(fatima, button([await latest(fatima, `Uitnodiging ${past}`)], 'Ja')!))).not.toContain('ja, ik kom');
    const kept = await prisma.meeting.findFirst({ where: { title: 'Werkgroep voorbij' }, include: { organizer: true, invitees: true } });
    expect(kept!.organizer.displayName).toBe('verwijderd lid');
    expect(kept!.invitees).toHaveLength(1);
    expect(await prisma.meeting.count({ where: { title: 'Werkgroep komend', status: 'CANCELLED' } })).toBe(1);
    expect(await prisma.meetingPoll.count()).toBe(0);
    expect(await prisma.member.count({ where: { displayName: { startsWith: 'Samira' } } })).toBe(0);
  });
});
