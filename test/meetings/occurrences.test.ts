// One occurrence of a series moved or cancelled (`datum:`) on the console, Slack and Discord:
// every invitee gets an .ics about that occurrence only (read back with ical.js: the series'
// UID, a higher SEQUENCE, RECURRENCE-ID; REQUEST when moved, CANCEL when cancelled), their
// invitation DM lists the exception, the reminders of that occurrence move or go, the feed
// expands to the occurrences as they now are, and /overleg lijst shows the right next one.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);

function readCalendar(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return { method: calendar.getFirstPropertyValue('method'), events: calendar.getAllSubcomponents('vevent') };
}
const iso = (value: unknown) => (value as ICAL.Time).toJSDate().toISOString();

describe.each(platformNames)('one occurrence of a series on %s', (platform) => {
  let p: MeetingPlatform;
  const org = 'uorg';
  const fatima = 'ufatima';

  beforeAll(async () => {
    p = await startPlatform(platform);
    await approveMember(p.testBot.services, platform, org, 'smn', 'Samira');
    await approveMember(p.testBot.services, platform, fatima, 'iot', 'Fatima');
  }, 240_000);
  afterAll(() => p?.close());

  async function sentSeries(title: string, extra = 'herhaal:wekelijks tot:"8 april 2027"'): Promise<string> {
    const preview = await p.command(org, `/overleg plan wanneer:"do 18 maart 2027 14:00" ${extra} genodigden:"${p.mention(fatima)}" ${title}`);
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press(org, button(preview, 'Versturen')!);
    const invitation = (await p.directMessages(fatima)).filter((m) => m.text.includes(`Uitnodiging ${code}`)).at(-1)!;
    await p.press(fatima, button([invitation], 'Ja')!);
    return code;
  }
  const fileNamed = async (user: string, name: string) => (await p.receivedFiles(user)).find((f) => f.name === name);

  it('moves one occurrence and cancels another: RECURRENCE-ID files, edited invitation, reminders, feed and lijst follow', async () => {
    const code = await sentSeries('Weekstart');
    const meeting = (await p.testBot.db.prisma.meeting.findFirst({ where: { title: 'Weekstart' } }))!;
    const uid = `overleg-${meeting.id}@binnenuit.invalid`;

    const moved = await p.command(org, `/overleg verplaats ${code} datum:"25 maart 2027" wanneer:"26 maart 2027 10:00"`);
    // Slack and Discord add their own date token after the moment.
    expect(all(moved)).toContain(`${code} van do 25 mrt 2027 is verplaatst naar vr 26 mrt 2027, 10:00–11:00`);
    expect(all(moved)).toContain('de rest van de reeks blijft');
    const notice = (await p.directMessages(fatima)).find((m) => m.text.includes(`Eén keer verplaatst ${code}`))!;
    expect(notice.text).toContain('Het overleg van do 25 mrt 2027 is verplaatst naar vr 26 mrt 2027, 10:00–11:00');
    const movedFile = (await fileNamed(fatima, `overleg-${code}-2027-03-25.ics`))!;
    expect(movedFile, (await p.receivedFiles(fatima)).map((f) => f.name).join()).toBeDefined();
    const movedIcs = readCalendar(movedFile.bytes.toString('utf8'));
    expect(movedIcs.method).toBe('REQUEST');
    expect(movedIcs.events).toHaveLength(1);
    const movedEvent = movedIcs.events[0]!;
    expect(movedEvent.getFirstPropertyValue('uid')).toBe(uid);
    expect(movedEvent.getFirstPropertyValue('sequence')).toBe(1);
    expect(movedEvent.getFirstProperty('recurrence-id')!.getParameter('tzid')).toBe('Europe/Amsterdam');
    expect(iso(movedEvent.getFirstPropertyValue('recurrence-id'))).toBe('2027-03-25T13:00:00.000Z');
    expect(iso(movedEvent.getFirstPropertyValue('dtstart'))).toBe('2027-03-26T09:00:00.000Z');
    expect(iso(movedEvent.getFirstPropertyValue('dtend'))).toBe('2027-03-26T10:00:00.000Z');
    expect(movedEvent.getFirstProperty('rrule')).toBeNull();

    const cancelled = await p.command(org, `/overleg annuleer ${code} Studiedag datum:"18 maart 2027"`);
    expect(all(cancelled)).toContain(`${code} van do 18 mrt 2027 is geannuleerd; de rest van de reeks blijft`);
    const cancelNotice = (await p.directMessages(fatima)).find((m) => m.text.includes(`Eén keer geannuleerd ${code}`))!;
    expect(cancelNotice.text).toContain('Het overleg van do 18 mrt 2027 gaat niet door');
    expect(cancelNotice.text).toContain('Studiedag');
    const cancelIcs = readCalendar((await fileNamed(fatima, `overleg-${code}-2027-03-18-geannuleerd.ics`))!.bytes.toString('utf8'));
    expect(cancelIcs.method).toBe('CANCEL');
    const cancelEvent = cancelIcs.events[0]!;
    expect(cancelEvent.getFirstPropertyValue('uid')).toBe(uid);
    expect(cancelEvent.getFirstPropertyValue('sequence')).toBe(2);
    expect(cancelEvent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(iso(cancelEvent.getFirstPropertyValue('recurrence-id'))).toBe('2027-03-18T13:00:00.000Z');

    // The invitation DM (edited where the platform edits) names both exceptions; the series stays.
    const invitation = (await p.directMessages(fatima)).filter((m) => m.text.includes(`Uitnodiging ${code}`)).at(-1)!;
    expect(invitation.text).toContain('niet op do 18 mrt 2027');
    expect(invitation.text).toContain('do 25 mrt 2027 → vr 26 mrt 2027, 10:00–11:00');
    expect(invitation.text).toContain('ja, ik kom');
    if (p.editsInPlace) expect((await p.directMessages(fatima)).filter((m) => m.text.includes(`Uitnodiging ${code}`))).toHaveLength(1);

    // Reminders: none for 18 March, the moved one's at its new time, the others unchanged.
    const pending = (await p.testBot.db.prisma.outboxMessage.findMany({ where: { groupKey: { startsWith: `meeting:${meeting.id}:reminder:` }, status: 'PENDING' } }))
      .map((row) => row.sendAt!.toISOString())
      .sort();
    const starts = ['2027-03-26T09:00:00.000Z', '2027-04-01T12:00:00.000Z', '2027-04-08T12:00:00.000Z'];
    expect(pending).toEqual(starts.flatMap((s) => [new Date(Date.parse(s) - 86_400_000).toISOString(), new Date(Date.parse(s) - 3_600_000).toISOString()]).sort());

    // The feed, expanded by ical.js with its exceptions, holds the occurrences as they now are.
    const token = /\/agenda\/([A-Za-z0-9_-]{32})\.ics/.exec(all(await p.command(fatima, '/overleg agenda')))![1]!;
    const feed = readCalendar(await (await fetch(`${p.feedBaseUrl}/agenda/${token}.ics`)).text());
    const ours = feed.events.filter((e) => e.getFirstPropertyValue('uid') === uid).map((e) => new ICAL.Event(e));
    expect(ours).toHaveLength(2);
    const series = ours.find((e) => !e.isRecurrenceException())!;
    for (const exception of ours.filter((e) => e.isRecurrenceException())) series.relateException(exception);
    expect(series.component.getAllProperties('exdate').map((x) => iso(x.getFirstValue()))).toEqual(['2027-03-18T13:00:00.000Z']);
    const expanded: string[] = [];
    const iterator = series.iterator();
    for (let next = iterator.next(); next && expanded.length < 10; next = iterator.next()) expanded.push(series.getOccurrenceDetails(next).startDate.toJSDate().toISOString());
    expect(expanded).toEqual(starts);

    // The next occurrence is the moved one (the first was cancelled).
    expect(all(await p.command(org, '/overleg lijst'))).toMatch(new RegExp(`${code} · Weekstart[\\s\\S]*?vr 26 mrt 2027, 10:00–11:00`));
  });

  it('refuses datum: on a single meeting, a day without an occurrence, or one it cannot read, changing nothing', async () => {
    const series = await sentSeries('Reeks twee');
    const single = await sentSeries('Los overleg', '');
    const exceptions = await p.testBot.db.prisma.meetingException.count();
    const sequences = async () => (await p.testBot.db.prisma.meeting.findMany({ where: { title: { in: ['Reeks twee', 'Los overleg'] } }, orderBy: { number: 'asc' } })).map((m) => m.sequence);
    expect(all(await p.command(org, `/overleg annuleer ${single} datum:"18 maart 2027"`))).toContain(`${single} is geen reeks`);
    expect(all(await p.command(org, `/overleg verplaats ${series} datum:"19 maart 2027" wanneer:"20 maart 2027 10:00"`))).toContain(
      `${series} heeft geen overleg op vr 19 mrt 2027. De volgende: do 18 mrt 2027, do 25 mrt 2027, do 1 apr 2027`,
    );
    expect(all(await p.command(org, `/overleg annuleer ${series} datum:"ooit"`))).toContain('Ik kan de datum "ooit" niet lezen');
    // datum: between the number and a reason would be read as the reason: refused, not the whole series cancelled.
    expect(all(await p.command(org, `/overleg annuleer ${series} datum:"25 maart 2027" Studiedag`))).toContain('Zet datum: aan het eind');
    expect((await p.testBot.db.prisma.meeting.findFirstOrThrow({ where: { title: 'Reeks twee' } })).status).toBe('SENT');
    expect(await sequences()).toEqual([0, 0]);
    expect(await p.testBot.db.prisma.meetingException.count()).toBe(exceptions);
  });
});
