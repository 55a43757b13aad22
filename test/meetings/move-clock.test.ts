// verplaats onto a time the clock change repeats, on the console, Slack and Discord: nothing is
// moved yet; the organiser gets a button per moment it can mean (as plan asks), and the press
// moves the meeting (or the one occurrence) to exactly that instant, read back from the .ics.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);
const choices = (messages: SeenMessage[]) => messages.flatMap((m) => m.buttons).filter((b) => b.actionId === 'overleg.verplaatstijd');

function startOf(bytes: Buffer): string {
  const calendar = new ICAL.Component(ICAL.parse(bytes.toString('utf8')));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return (calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString();
}

describe.each(platformNames)('verplaats onto a clock change on %s', (platform) => {
  let p: MeetingPlatform;
  const org = 'uorg';
  const fatima = 'ufatima';

  beforeAll(async () => {
    p = await startPlatform(platform);
    await approveMember(p.testBot.services, platform, org, 'smn', 'Samira');
    await approveMember(p.testBot.services, platform, fatima, 'iot', 'Fatima');
  }, 240_000);
  afterAll(() => p?.close());

  async function sent(line: string): Promise<string> {
    const preview = await p.command(org, `/overleg plan ${line} genodigden:"${p.mention(fatima)}"`);
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press(org, button(preview, 'Versturen')!);
    return code;
  }
  const moveNotices = async (code: string) => (await p.directMessages(fatima)).filter((m) => m.text.includes(`erplaatst ${code}`));

  it('asks which 02:30 of 31 October is meant, moves only on the press, to that instant', async () => {
    const code = await sent('wanneer:"30 oktober 2027 14:00" Nachtoverleg');
    const question = await p.command(org, `/overleg verplaats ${code} wanneer:"31 oktober 2027 02:30"`);
    const buttons = choices(question);
    expect(buttons).toHaveLength(2);
    expect(await moveNotices(code)).toHaveLength(0);
    // Not the organiser's to press (a replayed button value on Slack and Discord).
    if (platform !== 'console') {
      expect(all(await p.press(fatima, buttons[1]!))).toContain(`Alleen de organisator van ${code}`);
      expect(await moveNotices(code)).toHaveLength(0);
    }
    const done = await p.press(org, buttons[1]!);
    expect(all(done)).toContain(`${code} is verplaatst naar zo 31 okt 2027, 02:30–03:30`);
    const files = (await p.receivedFiles(fatima)).filter((f) => f.name.includes(code) && f.name.endsWith('.ics'));
    // The second 02:30 is in winter time (UTC+1).
    expect(startOf(files.at(-1)!.bytes)).toBe('2027-10-31T01:30:00.000Z');
    expect(await moveNotices(code)).toHaveLength(1);
  });

  it('asks the same for one occurrence of a series and moves only that one', async () => {
    const code = await sent('wanneer:"zo 24 oktober 2027 10:00" herhaal:wekelijks tot:"14 november 2027" Zondagreeks');
    const question = await p.command(org, `/overleg verplaats ${code} datum:"31 oktober 2027" wanneer:"31 oktober 2027 02:30"`);
    const buttons = choices(question);
    expect(buttons).toHaveLength(2);
    const done = await p.press(org, buttons[1]!);
    expect(all(done)).toContain(`${code} van zo 31 okt 2027 is verplaatst naar zo 31 okt 2027, 02:30–03:30`);
    const file = (await p.receivedFiles(fatima)).find((f) => f.name.includes(`${code}-2027-10-31`) && !f.name.includes('geannuleerd'))!;
    // The second 02:30 is winter time (UTC+1); the series' other Sundays stay at 10:00.
    expect(startOf(file.bytes)).toBe('2027-10-31T01:30:00.000Z');
    const [exception] = await p.testBot.db.prisma.meetingException.findMany({ where: { meeting: { title: 'Zondagreeks' } } });
    expect(exception!.originalStart.toISOString()).toBe('2027-10-31T09:00:00.000Z');
  });
});
