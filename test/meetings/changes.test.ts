// /overleg verplaats and /overleg annuleer on the console, Slack and Discord: they act at once,
// every invitee gets a new DM with an updated or cancelling .ics (same UID, higher SEQUENCE,
// read back with ical.js), their invitation DM is edited, answers stay on a move to another
// hour and are asked again when the day changes; nobody else may change the meeting.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);

function readIcs(bytes: Buffer) {
  const calendar = new ICAL.Component(ICAL.parse(bytes.toString('utf8')));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const event = calendar.getFirstSubcomponent('vevent')!;
  return { method: calendar.getFirstPropertyValue('method'), event, e: new ICAL.Event(event) };
}

describe.each(platformNames)('changing a meeting on %s', (platform) => {
  let p: MeetingPlatform;
  const org = 'uorg';
  const fatima = 'ufatima';
  const john = 'ujohn';
  const outsider = 'uoutsider';

  beforeAll(async () => {
    p = await startPlatform(platform);
    const s = p.testBot.services;
    await approveMember(s, platform, org, 'smn', 'Samira');
    await approveMember(s, platform, fatima, 'iot', 'Fatima');
    await approveMember(s, platform, john, 'iot', 'John');
    await approveMember(s, platform, outsider, 'von', 'Olga');
  }, 240_000);
  afterAll(() => p?.close());

  /** Plans and sends a meeting; Fatima says Ja. Returns its code. */
  async function sentMeeting(title: string, wanneer: string): Promise<string> {
    const preview = await p.command(org, `/overleg plan wanneer:"${wanneer}" genodigden:"${p.mention(fatima)} ${p.mention(john)}" ${title}`);
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press(org, button(preview, 'Versturen')!);
    const invitation = (await p.directMessages(fatima)).filter((m) => m.text.includes(`Uitnodiging ${code}`)).at(-1)!;
    await p.press(fatima, button([invitation], 'Ja')!);
    return code;
  }
  const icsOf = async (user: string, code: string) => (await p.receivedFiles(user)).filter((f) => f.name.includes(code) && f.name.endsWith('.ics'));
  const latestInvitation = async (user: string, code: string) => (await p.directMessages(user)).filter((m) => m.text.includes(code) && /Uitnodiging|Dit overleg gaat niet door/.test(m.text)).at(-1)!;

  it('verplaats to another hour: at once, everyone told with an updated .ics, the answer kept, the invitation edited', async () => {
    const code = await sentMeeting('Werkgroep', '10 maart 2027 14:00');
    const uid = readIcs((await icsOf(fatima, code))[0]!.bytes).e.uid;
    const moved = await p.command(org, `/overleg verplaats ${code} wanneer:"10 maart 2027 16:00"`);
    expect(all(moved)).toContain(`${code} is verplaatst naar wo 10 mrt 2027, 16:00–17:00`);
    const notice = (await p.directMessages(john)).find((m) => m.text.includes(`Verplaatst ${code}`))!;
    expect(notice.text).toContain('wo 10 mrt 2027, 16:00–17:00');
    expect(notice.text).toContain('Je antwoord blijft staan');
    const files = await icsOf(fatima, code);
    expect(files).toHaveLength(2);
    const { method, e } = readIcs(files.at(-1)!.bytes);
    expect(method).toBe('REQUEST');
    expect(e.uid).toBe(uid);
    expect(e.sequence).toBe(1);
    expect(e.startDate.toJSDate().toISOString()).toBe('2027-03-10T15:00:00.000Z');
    // Fatima's Ja stays, in the file and in her invitation, which now shows the new time.
    const partstats = e.component.getAllProperties('attendee').map((a) => a.getParameter('partstat'));
    expect(partstats).toEqual(['ACCEPTED', 'NEEDS-ACTION']);
    const invitation = await latestInvitation(fatima, code);
    expect(invitation.text).toContain('wo 10 mrt 2027, 16:00–17:00');
    expect(invitation.text).toContain('gewijzigd');
    expect(invitation.text).toContain('ja, ik kom');
    if (p.editsInPlace) expect((await p.directMessages(fatima)).filter((m) => m.text.includes(`Uitnodiging ${code}`))).toHaveLength(1);
    expect(all(await p.command(org, '/overleg lijst'))).toContain('ja 1 · misschien 0 · nee 0 · geen antwoord 1');
  });

  it('verplaats to another day asks everyone again', async () => {
    const code = await sentMeeting('Andere dag', '11 maart 2027 14:00');
    await p.command(org, `/overleg verplaats ${code} wanneer:"12 maart 2027 14:00"`);
    const notice = (await p.directMessages(fatima)).find((m) => m.text.includes(`Verplaatst ${code}`))!;
    expect(notice.text).toContain('Geef opnieuw antwoord');
    expect(notice.buttons.map((b) => b.label)).toEqual(['Ja', 'Nee', 'Misschien']);
    expect((await latestInvitation(fatima, code)).text).toContain('nog niet gegeven');
    expect(all(await p.command(org, '/overleg lijst'))).toMatch(new RegExp(`${code} · Andere dag\\n[^]*?ja 0 · misschien 0 · nee 0 · geen antwoord 2`));
  });

  it('annuleer: a cancelling .ics with the same UID, the invitation loses its buttons, answers are refused', async () => {
    const code = await sentMeeting('Gaat niet door', '15 maart 2027 09:30');
    const first = readIcs((await icsOf(john, code))[0]!.bytes).e;
    const before = await latestInvitation(john, code);
    const cancelled = await p.command(org, `/overleg annuleer ${code} De voorzitter is ziek`);
    expect(all(cancelled)).toContain(`${code} is geannuleerd; 2 genodigden krijgen bericht`);
    const notice = (await p.directMessages(john)).find((m) => m.text.includes(`Geannuleerd ${code}`) && m.text.includes('Het overleg van'))!;
    expect(notice.text).toContain('Reden: De voorzitter is ziek');
    const files = await icsOf(john, code);
    const { method, event, e } = readIcs(files.at(-1)!.bytes);
    expect(method).toBe('CANCEL');
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(e.uid).toBe(first.uid);
    expect(e.sequence).toBeGreaterThan(first.sequence);
    const invitation = await latestInvitation(john, code);
    expect(invitation.text).toContain('Dit overleg gaat niet door');
    expect(invitation.buttons).toHaveLength(0);
    // A press on the old buttons (a client still showing the message as it was) is refused.
    const stale = await p.testBot.bot.handleAction({ requester: { platform, userId: john }, place: { platform }, actionId: 'overleg.ja', value: button([before], 'Ja')!.value });
    expect(stale.kind === 'reply' && stale.reply.text).toContain('geannuleerd');
    expect(all(await p.command(john, `/overleg afmelden ${code}`))).toContain('geannuleerd');
    expect(all(await p.command(org, `/overleg annuleer ${code}`))).toContain('is al geannuleerd');
    expect(all(await p.command(org, '/overleg lijst'))).not.toContain(code);
  });

  it("someone else's meeting cannot be moved or cancelled; nothing changes", async () => {
    const code = await sentMeeting('Van Samira', '16 maart 2027 10:00');
    expect(all(await p.command(outsider, `/overleg verplaats ${code} wanneer:"17 maart 2027 10:00"`))).toContain(`Alleen de organisator van ${code}`);
    expect(all(await p.command(outsider, `/overleg annuleer ${code}`))).toContain(`Alleen de organisator van ${code}`);
    expect(all(await p.command(org, `/overleg verplaats ${code} wanneer:"31 februari 10u"`))).toContain('bestaat niet als datum');
    expect(all(await p.command(org, '/overleg verplaats O-99999 wanneer:morgen'))).toContain('Overleg O-99999 bestaat niet');
    const stored = await p.testBot.db.prisma.meeting.findUniqueOrThrow({ where: { number: Number(code.slice(2)) } });
    expect(stored.status).toBe('SENT');
    expect(stored.sequence).toBe(0);
    expect(stored.startsAt.toISOString()).toBe('2027-03-16T09:00:00.000Z');
  });
});
