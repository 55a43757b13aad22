// Recurring meetings on the console, Slack and Discord: `herhaal:` with `tot:` gives a series
// whose invitation carries an RRULE (read back and expanded with ical.js: 14:00 Amsterdam on
// both sides of the DST change), `/overleg lijst` shows the next occurrence, reminders are
// planned per occurrence (and one whose occurrence began while nothing ran is dropped alone),
// and a series without an end, with an end before its start or of more than a year of weeks
// is refused with nothing stored.
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMeetingDate } from '../../src/core/meetings/format.ts';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);
const TZ = 'Europe/Amsterdam';

describe.each(platformNames)('recurring meetings on %s', (platform) => {
  let p: MeetingPlatform;
  const org = 'uorg';
  const fatima = 'ufatima';

  beforeAll(async () => {
    p = await startPlatform(platform);
    await approveMember(p.testBot.services, platform, org, 'smn', 'Samira');
    await approveMember(p.testBot.services, platform, fatima, 'iot', 'Fatima');
  }, 240_000);
  afterAll(() => p?.close());

  const latest = async (user: string, pattern: string) => (await p.directMessages(user)).filter((m) => m.text.includes(pattern)).at(-1)!;
  const plan = (line: string) => p.command(org, `/overleg plan ${line} genodigden:"${p.mention(fatima)}"`);

  it('refuses a series without an end, ending before it starts, or too long, storing nothing', async () => {
    const before = await p.testBot.db.prisma.meeting.count();
    expect(all(await plan('wanneer:"18 maart 2027 14:00" herhaal:wekelijks Zonder eind'))).toContain('einddatum nodig');
    expect(all(await plan('wanneer:"18 maart 2027 14:00" herhaal:wekelijks tot:"1 maart 2027" Te vroeg'))).toContain('ligt voor het eerste overleg');
    expect(all(await plan('wanneer:"18 maart 2027 14:00" herhaal:wekelijks tot:"1 maart 2029" Te lang'))).toContain('meer dan 53 overleggen');
    expect(all(await plan('wanneer:"18 maart 2027 14:00" herhaal:wekelijks tot:"ooit" Vaag'))).toContain('einddatum "ooit" niet lezen');
    expect(all(await plan('wanneer:"18 maart 2027 14:00" tot:"1 april 2027" Geen ritme'))).toContain('herhaal: wekelijks');
    expect(await p.testBot.db.prisma.meeting.count()).toBe(before);
  });

  it('a weekly series: RRULE in the .ics, 14:00 on both sides of the DST change, reminders per occurrence', async () => {
    const preview = await plan('wanneer:"do 18 maart 2027 14:00" herhaal:wekelijks tot:"8 april 2027" Reeks');
    expect(all(preview)).toContain('elke week, t/m do 8 apr 2027');
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press(org, button(preview, 'Versturen')!);
    const invitation = await latest(fatima, `Uitnodiging ${code}`);
    expect(invitation.text).toContain('elke week, t/m do 8 apr 2027');

    const file = (await p.receivedFiles(fatima)).find((f) => f.name.includes(code) && f.name.endsWith('.ics'))!;
    const calendar = new ICAL.Component(ICAL.parse(file.bytes.toString('utf8')));
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
    const rule = event.component.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(rule.freq).toBe('WEEKLY');
    const starts: string[] = [];
    const iterator = event.iterator();
    for (let next = iterator.next(); next && starts.length < 10; next = iterator.next()) starts.push(next.toJSDate().toISOString());
    // 28 March 2027 the clocks go forward: 14:00 Amsterdam is 13:00 UTC before, 12:00 after.
    expect(starts).toEqual(['2027-03-18T13:00:00.000Z', '2027-03-25T13:00:00.000Z', '2027-04-01T12:00:00.000Z', '2027-04-08T12:00:00.000Z']);

    await p.press(fatima, button([invitation], 'Ja')!);
    const meeting = (await p.testBot.db.prisma.meeting.findFirst({ where: { title: 'Reeks' } }))!;
    const pending = async () =>
      (await p.testBot.db.prisma.outboxMessage.findMany({ where: { groupKey: { startsWith: `meeting:${meeting.id}:reminder:` }, status: 'PENDING' } }))
        .map((row) => row.sendAt!.toISOString())
        .sort();
    const expected = starts.flatMap((start) => [new Date(Date.parse(start) - 86_400_000).toISOString(), new Date(Date.parse(start) - 3_600_000).toISOString()]).sort();
    expect(await pending()).toEqual(expected);
    // The instance was down from before the first until half an hour before the second: the
    // first's reminders never go; the second's are due but it has not begun, so they go late.
    await p.testBot.services.unitOfWork.run(() => p.testBot.services.meetings.reminders.dropBegun(new Date('2027-03-25T12:30:00.000Z')));
    expect(await pending()).toEqual(expected.filter((at) => at > '2027-03-19'));
  });

  it('/overleg lijst shows the next occurrence of a series whose first one is past', async () => {
    const preview = await plan('wanneer:"do 18 maart 2027 14:00" herhaal:tweewekelijks tot:"30 december 2027" Lopende reeks');
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press(org, button(preview, 'Versturen')!);
    // As if the series began three weeks ago (a meeting cannot be planned in the past).
    const first = DateTime.now().setZone(TZ).minus({ weeks: 3 }).set({ hour: 14, minute: 0, second: 0, millisecond: 0 });
    await p.testBot.db.prisma.meeting.updateMany({ where: { title: 'Lopende reeks' }, data: { startsAt: first.toJSDate(), endsAt: first.plus({ hours: 1 }).toJSDate() } });
    const next = [first.plus({ weeks: 2 }), first.plus({ weeks: 4 })].find((start) => start.plus({ hours: 1 }) > DateTime.now())!;
    const shown = all(await p.command(org, '/overleg lijst'));
    const day = formatMeetingDate(next.toJSDate(), 'nl', TZ);
    expect(shown).toContain(`${code} · Lopende reeks`);
    expect(shown).toMatch(new RegExp(`${code} · Lopende reeks[\\s\\S]*?${day}, 14:00–15:00[\\s\\S]*?om de week, t/m do 30 dec 2027`));
  });
});
