// /overleg on the console, Slack and Discord, as people use it: plan, see the meeting back,
// send, answer in the invitation DM, list, decline, the waiting list, and every refusal
// storing nothing. The .ics invitations are read back with ical.js, field by field.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);
const labels = (messages: SeenMessage[]) => messages.flatMap((m) => m.buttons.map((b) => b.label));

function readIcs(bytes: Buffer) {
  const calendar = new ICAL.Component(ICAL.parse(bytes.toString('utf8')));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const event = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, event, e: new ICAL.Event(event) };
}

describe.each(platformNames)('/overleg on %s', (platform) => {
  let p: MeetingPlatform;
  const org = 'uorg';
  const fatima = 'ufatima';
  const john = 'ujohn';
  const outsider = 'uoutsider';
  const meetings = () => p.testBot.db.prisma.meeting.count();

  beforeAll(async () => {
    p = await startPlatform(platform);
    const s = p.testBot.services;
    await approveMember(s, platform, org, 'smn', 'Samira');
    await approveMember(s, platform, fatima, 'iot', 'Fatima');
    const johnMember = await approveMember(s, platform, john, 'iot', 'John');
    await s.members.setLocale(johnMember.id, 'en');
    await approveMember(s, platform, outsider, 'von', 'Olga');
    // The first test database of a worker is migrated from scratch: slow on a busy machine.
  }, 240_000);
  afterAll(() => p?.close());

  /** Plans and returns the preview the organiser sees. */
  const plan = (options: string, title = 'Regiotafel Rotterdam') => p.command(org, `/overleg plan ${options} ${title}`);
  const invitees = () => `genodigden:"${p.mention(fatima)} ${p.mention(john)}"`;

  it('shows the meeting back in Dutch, with Versturen / Aanpassen / Annuleren and the platform date token', async () => {
    const seen = await plan(`wanneer:"3 maart 2027 14:30" duur:1u30 plek:"Stadhuis, zaal 3" ${invitees()}`);
    const text = all(seen);
    expect(text).toContain('wo 3 mrt 2027, 14:30–16:00');
    expect(text).toContain('Stadhuis, zaal 3');
    expect(text).toContain('Fatima');
    expect(text).toContain('John');
    expect(labels(seen)).toEqual(['Versturen', 'Aanpassen', 'Annuleren']);
    if (p.dateToken) expect(text).toMatch(p.dateToken);
    else expect(text).not.toMatch(/<t:|<!date/);
    // 3 March 2027 14:30 in Amsterdam is 13:30 UTC.
    if (p.dateToken) expect(text).toContain(String(Date.UTC(2027, 2, 3, 13, 30) / 1000));
  });

  it('refuses 31 februari and unreadable text, without Versturen, storing nothing; the latter shows three examples', async () => {
    const before = await meetings();
    const impossible = await plan('wanneer:"31 februari 10u"');
    expect(all(impossible)).toContain('31-2 bestaat niet als datum');
    expect(labels(impossible)).not.toContain('Versturen');
    const unreadable = await plan('wanneer:"zo snel mogelijk"');
    expect(all(unreadable)).toContain('"dinsdag half drie", "morgen 14:00-15:30", "volgende week vrijdag 10u"');
    expect(labels(unreadable)).not.toContain('Versturen');
    const past = await plan('wanneer:"1-1-2020 10:00"');
    expect(all(past)).toContain('is al voorbij');
    const end = await plan('wanneer:"3 maart 2027 15:00-14:00"');
    expect(all(end)).toContain('De eindtijd');
    expect(await meetings()).toBe(before);
  });

  // genodigden:kanaal has its own tests (channel-invitees.test.ts).
  it('refuses unknown invitees, storing nothing', async () => {
    const before = await meetings();
    expect(all(await plan('wanneer:"3 maart 2027 14:30" genodigden:"Stichting Bestaatniet"'))).toContain('Deze genodigden ken ik niet: Stichting Bestaatniet');
    expect(await meetings()).toBe(before);
  });

  it('asks which moment is meant on a clock change, and a press picks it', async () => {
    const gap = await plan(`wanneer:"28 maart 2027 02:30" ${invitees()}`);
    expect(all(gap)).toContain('de klok gaat die nacht een uur vooruit');
    expect(labels(gap)).not.toContain('Versturen');
    const overlap = await plan(`wanneer:"31 oktober 2027 02:30" ${invitees()}`);
    expect(all(overlap)).toContain('zo 31 okt 2027, 02:30 (zomertijd) of zo 31 okt 2027, 02:30 (wintertijd)');
    const winter = button(overlap, 'zo 31 okt 2027, 02:30 (wintertijd)')!;
    const preview = await p.press(org, winter);
    expect(all(preview)).toContain('zo 31 okt 2027, 02:30–03:30');
    expect(labels(preview)).toContain('Versturen');
    // The winter 02:30 is 01:30 UTC.
    const stored = await p.testBot.db.prisma.meeting.findFirstOrThrow({ orderBy: { number: 'desc' } });
    expect(stored.startsAt.toISOString()).toBe('2027-10-31T01:30:00.000Z');
  });

  describe('sent', () => {
    let code: string;
    beforeAll(async () => {
      const preview = await plan(`wanneer:"3 maart 2027 14:30" duur:90 plek:"Stadhuis" ${invitees()}`, 'Regiotafel Zuid');
      code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
      const sent = await p.press(org, button(preview, 'Versturen')!);
      expect(all(sent)).toContain(`Overleg ${code} (Regiotafel Zuid) is verstuurd naar 2 genodigden`);
    });

    it('gives each invitee a DM with Ja / Nee / Misschien in their language, and an .ics invitation', async () => {
      const dms = await p.directMessages(fatima);
      const invitation = dms.find((m) => m.text.includes(`Uitnodiging ${code}`))!;
      expect(invitation.text).toContain('wo 3 mrt 2027, 14:30–16:00');
      expect(invitation.buttons.map((b) => b.label)).toEqual(['Ja', 'Nee', 'Misschien']);
      if (p.dateToken) expect(invitation.text).toMatch(p.dateToken);
      const english = (await p.directMessages(john)).find((m) => m.text.includes(`Invitation ${code}`))!;
      expect(english.text).toContain('Wed 3 Mar 2027, 14:30–16:00');
      expect(english.text).toContain('Will you come?');
      // The console names the path of the saved file in the message.
      if (platform === 'console') expect(invitation.text).toMatch(/Bestand: .*bestanden.*overleg-O-\d+.*\.ics/);
    });

    it('attaches an invitation ical.js reads back: REQUEST, UID, SEQUENCE, ORGANIZER, an ATTENDEE per invitee, Amsterdam time', async () => {
      const files = (await p.receivedFiles(fatima)).filter((f) => f.name.endsWith('.ics'));
      expect(files.length).toBeGreaterThanOrEqual(1);
      const { calendar, event, e } = readIcs(files.at(-1)!.bytes);
      expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
      const meeting = await p.testBot.db.prisma.meeting.findUniqueOrThrow({ where: { number: Number(code.slice(2)) } });
      expect(e.uid).toBe(`overleg-${meeting.id}@binnenuit.invalid`);
      expect(e.sequence).toBe(0);
      expect(e.summary).toBe('Regiotafel Zuid');
      expect(e.location).toBe('Stadhuis');
      expect(event.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Europe/Amsterdam');
      expect(e.startDate.toJSDate().toISOString()).toBe('2027-03-03T13:30:00.000Z');
      expect(e.endDate.toJSDate().toISOString()).toBe('2027-03-03T15:00:00.000Z');
      expect(event.getFirstProperty('organizer')!.getParameter('cn')).toBe('Samira');
      const attendees = event.getAllProperties('attendee').map((a) => ({ cn: a.getParameter('cn'), partstat: a.getParameter('partstat') }));
      expect(attendees).toEqual([
        { cn: 'Fatima', partstat: 'NEEDS-ACTION' },
        { cn: 'John', partstat: 'NEEDS-ACTION' },
      ]);
      // John's file carries the same UID.
      const johns = (await p.receivedFiles(john)).filter((f) => f.name.endsWith('.ics')).at(-1)!;
      expect(readIcs(johns.bytes).e.uid).toBe(e.uid);
    });

    it('an answer edits the invitation DM in place (the console prints it again, marked edited)', async () => {
      const before = await p.directMessages(fatima);
      const invitation = before.filter((m) => m.text.includes(`Uitnodiging ${code}`)).at(-1)!;
      const answered = await p.press(fatima, button([invitation], 'Ja')!);
      expect(all(answered)).toContain(`Genoteerd: je komt naar ${code}`);
      const after = await p.directMessages(fatima);
      const shown = after.filter((m) => m.text.includes(`Uitnodiging ${code}`));
      if (p.editsInPlace) {
        expect(after).toHaveLength(before.length);
        expect(shown).toHaveLength(1);
      } else {
        expect(shown.at(-1)!.text).toContain('(bewerkt)');
      }
      expect(shown.at(-1)!.text).toContain('Jouw antwoord\nja, ik kom'.replace('\n', p.platform === 'console' ? ': ' : '\n'));
      // Changing the answer edits it again.
      await p.press(fatima, button([shown.at(-1)!], 'Misschien')!);
      const again = (await p.directMessages(fatima)).filter((m) => m.text.includes(`Uitnodiging ${code}`)).at(-1)!;
      expect(again.text).toContain('misschien');
    });

    it('/overleg lijst: counts for everyone, who answered what for the organiser only', async () => {
      const mine = all(await p.command(org, '/overleg lijst'));
      expect(mine).toContain(`${code} · Regiotafel Zuid`);
      expect(mine).toContain('ja 0 · misschien 1 · nee 0 · geen antwoord 1');
      expect(mine).toContain('Misschien: Fatima');
      expect(mine).toContain('Geen antwoord: John');
      const theirs = all(await p.command(john, '/overleg lijst'));
      expect(theirs).toContain('ja 0 · misschien 1 · nee 0 · geen antwoord 1');
      expect(theirs).not.toContain('Misschien: Fatima');
      expect(theirs).toContain('Your answer: no answer');
    });

    it('/overleg afmelden is a Nee; someone not invited, or another organiser, cannot answer or send', async () => {
      expect(all(await p.command(john, `/overleg afmelden ${code}`))).toContain(`Noted: you will not come to ${code}`);
      expect(all(await p.command(org, '/overleg lijst'))).toContain('ja 0 · misschien 1 · nee 1 · geen antwoord 0');
      expect(all(await p.command(outsider, `/overleg afmelden ${code}`))).toContain('Je bent niet uitgenodigd');
      expect(all(await p.command(outsider, '/overleg afmelden O-99999'))).toContain('Overleg O-99999 bestaat niet');
    });

    it('a second press of Versturen sends nothing twice', async () => {
      const countBefore = (await p.directMessages(fatima)).length;
      const meeting = await p.testBot.db.prisma.meeting.findUniqueOrThrow({ where: { number: Number(code.slice(2)) } });
      const again = await p.testBot.bot.handleAction({ requester: { platform, userId: org }, place: { platform }, actionId: 'overleg.versturen', value: meeting.id });
      // Within the double-click window the Bot drops it; later the handler says it went already.
      if (again.kind !== 'duplicate') expect(again.kind === 'reply' && again.reply.text).toContain('is al verstuurd');
      expect((await p.directMessages(fatima)).length).toBe(countBefore);
    });
  });

  it('Annuleren on the preview stores nothing; someone else cannot press the organiser\'s buttons', async () => {
    const before = await meetings();
    const preview = await plan(`wanneer:"4 maart 2027 10:00" ${invitees()}`, 'Weg ermee');
    const draft = await p.testBot.db.prisma.meeting.findFirstOrThrow({ orderBy: { number: 'desc' } });
    const forged = await p.testBot.bot.handleAction({ requester: { platform, userId: outsider }, place: { platform }, actionId: 'overleg.versturen', value: draft.id });
    expect(forged.kind === 'reply' && forged.reply.text).toContain('niet van jou');
    expect(all(await p.press(org, button(preview, 'Annuleren')!))).toContain('er is niets verstuurd');
    expect(await meetings()).toBe(before);
  });

  it('with a capacity, a Ja beyond it waits; a Nee gives the place to the first waiting, who is told', async () => {
    const preview = await plan(`wanneer:"5 maart 2027 10:00" capaciteit:1 ${invitees()}`, 'Klein overleg');
    const code = /Overleg (O-\d+)/.exec(all(preview))![1]!;
    await p.press(org, button(preview, 'Versturen')!);
    const invitationOf = async (user: string) => (await p.directMessages(user)).filter((m) => m.text.includes(code) && m.buttons.length).at(-1)!;
    await p.press(fatima, button([await invitationOf(fatima)], 'Ja')!);
    const waiting = await p.press(john, button([await invitationOf(john)], 'Ja')!);
    expect(all(waiting)).toContain('you are on the waiting list');
    expect(all(await p.command(org, '/overleg lijst'))).toContain('ja 1 · misschien 0 · nee 0 · geen antwoord 0 · wachtlijst 1');
    await p.press(fatima, button([await invitationOf(fatima)], 'Nee')!);
    const told = await p.directMessages(john);
    expect(all(told)).toContain(`A place came free: you are in for ${code}`);
    expect(all(await p.command(org, '/overleg lijst'))).toContain('ja 1 · misschien 0 · nee 1 · geen antwoord 0');
  });

  it.runIf(platform !== 'console')('opens a form when /overleg plan comes without its options, and plans from it', async () => {
    await p.command(org, '/overleg plan');
    const form = (await p.lastForm(org))!;
    expect(form).toBeDefined();
    expect(form.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['titel', 'wanneer']));
    const seen = await p.submitForm(org, form, { titel: 'Uit het formulier', wanneer: '6 maart 2027 11:00', genodigden: p.mention(fatima) });
    expect(all(seen)).toContain('za 6 mrt 2027, 11:00–12:00');
    expect(labels(seen)).toContain('Versturen');
  });
});
