// The .ics files, read back with an independent parser (ical.js) and checked field by field.
// Times are converted to UTC by ical.js from the file's own VTIMEZONE, so a wrong VTIMEZONE or
// TZID would show up as a wrong instant.
import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cancellationIcs, chatAddress, feedIcs, invitationIcs, meetingUid, type IcsMeeting,
} from '../../../src/core/meetings/ics.ts';

const host = 'binnenuit.example';
const options = { timezone: 'Europe/Amsterdam', stamp: new Date('2027-03-01T10:00:00Z') };

function meeting(overrides: Partial<IcsMeeting> = {}): IcsMeeting {
  return {
    uid: meetingUid(12, host),
    sequence: 0,
    title: 'Regiotafel Utrecht, één; "kort"',
    description: 'Agenda:\n1. Opening\n2. Rondvraag',
    location: 'Stadhuis, zaal 3',
    start: new Date('2027-03-24T14:30+01:00'),
    end: new Date('2027-03-24T16:00+01:00'),
    organizer: { name: 'Fatima El Amrani', email: chatAddress(1, host) },
    attendees: [
      { name: 'Ahmed', email: chatAddress(2, host), answer: 'yes' },
      { name: 'Els de Vries', email: chatAddress(3, host), answer: 'maybe' },
      { name: 'Jan', email: chatAddress(4, host), answer: 'no' },
      { name: 'Noor', email: chatAddress(5, host) },
    ],
    ...overrides,
  };
}

function read(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zones = calendar.getAllSubcomponents('vtimezone');
  for (const zone of zones) ICAL.TimezoneService.register(zone);
  return { calendar, zones, events: calendar.getAllSubcomponents('vevent') };
}

afterEach(() => ICAL.TimezoneService.reset());

describe('an invitation', () => {
  const { calendar, zones, events } = read(invitationIcs(meeting({ sequence: 0 }), options));
  const [event] = events;

  it('is a request with one event', () => {
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(events).toHaveLength(1);
  });

  it('carries the VTIMEZONE of Europe/Amsterdam with its summer and winter rules', () => {
    expect(zones).toHaveLength(1);
    const zone = zones[0]!;
    expect(zone.getFirstPropertyValue('tzid')).toBe('Europe/Amsterdam');
    const daylight = zone.getFirstSubcomponent('daylight')!;
    const standard = zone.getFirstSubcomponent('standard')!;
    expect(daylight.getFirstPropertyValue('tzoffsetto')?.toString()).toBe('+02:00');
    expect(standard.getFirstPropertyValue('tzoffsetto')?.toString()).toBe('+01:00');
    expect(String(daylight.getFirstPropertyValue('rrule'))).toContain('BYDAY=-1SU');
    expect(String(daylight.getFirstPropertyValue('rrule'))).toContain('BYMONTH=3');
    expect(String(standard.getFirstPropertyValue('rrule'))).toContain('BYMONTH=10');
  });

  it('has the UID, SEQUENCE, texts and a UTC DTSTAMP', () => {
    expect(event!.getFirstPropertyValue('uid')).toBe('overleg-12@binnenuit.example');
    expect(event!.getFirstPropertyValue('sequence')).toBe(0);
    expect(event!.getFirstPropertyValue('summary')).toBe('Regiotafel Utrecht, één; "kort"');
    expect(event!.getFirstPropertyValue('description')).toBe('Agenda:\n1. Opening\n2. Rondvraag');
    expect(event!.getFirstPropertyValue('location')).toBe('Stadhuis, zaal 3');
    expect(event!.getFirstPropertyValue('status')).toBe('CONFIRMED');
    const stamp = event!.getFirstPropertyValue('dtstamp') as ICAL.Time;
    expect(stamp.zone).toBe(ICAL.Timezone.utcTimezone);
    expect(stamp.toJSDate().toISOString()).toBe('2027-03-01T10:00:00.000Z');
  });

  it('places start and end in Europe/Amsterdam', () => {
    const start = event!.getFirstProperty('dtstart')!;
    expect(start.getParameter('tzid')).toBe('Europe/Amsterdam');
    expect((start.getFirstValue() as ICAL.Time).toString()).toBe('2027-03-24T14:30:00');
    const e = new ICAL.Event(event!);
    expect(e.startDate.toJSDate().toISOString()).toBe('2027-03-24T13:30:00.000Z');
    expect(e.endDate.toJSDate().toISOString()).toBe('2027-03-24T15:00:00.000Z');
  });

  it('names the organiser and every invitee with their answer', () => {
    const organizer = event!.getFirstProperty('organizer')!;
    expect(organizer.getFirstValue()).toBe('mailto:lid-1@binnenuit.example');
    expect(organizer.getParameter('cn')).toBe('Fatima El Amrani');
    const attendees = event!.getAllProperties('attendee').map((a) => ({
      address: String(a.getFirstValue()).toLowerCase(),
      name: a.getParameter('cn'),
      answer: a.getParameter('partstat'),
      rsvp: a.getParameter('rsvp'),
      role: a.getParameter('role'),
    }));
    expect(attendees).toEqual([
      { address: 'mailto:lid-2@binnenuit.example', name: 'Ahmed', answer: 'ACCEPTED', rsvp: 'TRUE', role: 'REQ-PARTICIPANT' },
      { address: 'mailto:lid-3@binnenuit.example', name: 'Els de Vries', answer: 'TENTATIVE', rsvp: 'TRUE', role: 'REQ-PARTICIPANT' },
      { address: 'mailto:lid-4@binnenuit.example', name: 'Jan', answer: 'DECLINED', rsvp: 'TRUE', role: 'REQ-PARTICIPANT' },
      { address: 'mailto:lid-5@binnenuit.example', name: 'Noor', answer: 'NEEDS-ACTION', rsvp: 'TRUE', role: 'REQ-PARTICIPANT' },
    ]);
  });

  it('keeps names with quotes, commas and semicolons readable', () => {
    const quoted = meeting({
      organizer: { name: 'Fatima "Fa" El Amrani; IOT', email: chatAddress(1, host) },
      attendees: [{ name: 'Jan, de Vries\n(gemeente)', email: chatAddress(2, host) }],
    });
    const e = read(invitationIcs(quoted, options)).events[0]!;
    expect(e.getFirstProperty('organizer')!.getParameter('cn')).toBe("Fatima 'Fa' El Amrani; IOT");
    expect(e.getFirstProperty('attendee')!.getParameter('cn')).toBe('Jan, de Vries (gemeente)');
    expect(String(e.getFirstProperty('attendee')!.getFirstValue()).toLowerCase()).toBe('mailto:lid-2@binnenuit.example');
  });

  // 02:30 happens twice on 31 October 2027. With a TZID a reader must pick one of the two
  // (RFC 5545: the first; ical.js: the second), so such a moment is written in UTC.
  it.each([
    ['the first 02:30 (summer time)', '2027-10-31T00:30:00.000Z'],
    ['the second 02:30 (winter time)', '2027-10-31T01:30:00.000Z'],
  ])('starts at exactly %s on the night the clock goes back', (_, instant) => {
    const start = new Date(instant);
    const e = new ICAL.Event(read(invitationIcs(meeting({ start, end: new Date(start.getTime() + 3_600_000) }), options)).events[0]!);
    expect(e.startDate.toJSDate().toISOString()).toBe(instant);
    expect(e.endDate.toJSDate().toISOString()).toBe(new Date(start.getTime() + 3_600_000).toISOString());
  });

  it('keeps the zone for a time that happens once, also on the night of the change', () => {
    const e = read(invitationIcs(meeting({ start: new Date('2027-10-31T10:00+01:00'), end: new Date('2027-10-31T11:00+01:00') }), options)).events[0]!;
    expect(e.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('Europe/Amsterdam');
  });

  it('keeps its start on summer time after the spring change', () => {
    const moved = read(invitationIcs(meeting({ sequence: 1, start: new Date('2027-03-29T10:00+02:00'), end: new Date('2027-03-29T11:00+02:00') }), options));
    const e = new ICAL.Event(moved.events[0]!);
    expect(e.startDate.toString()).toBe('2027-03-29T10:00:00');
    expect(e.startDate.toJSDate().toISOString()).toBe('2027-03-29T08:00:00.000Z');
  });
});

describe('a changed or cancelled meeting', () => {
  it('keeps the UID and raises the SEQUENCE on a move', () => {
    const first = read(invitationIcs(meeting({ sequence: 0 }), options)).events[0]!;
    const moved = read(invitationIcs(meeting({ sequence: 1, start: new Date('2027-03-25T10:00+01:00'), end: new Date('2027-03-25T11:00+01:00') }), options)).events[0]!;
    expect(moved.getFirstPropertyValue('uid')).toBe(first.getFirstPropertyValue('uid'));
    expect(moved.getFirstPropertyValue('sequence')).toBe(1);
    expect(new ICAL.Event(moved).startDate.toJSDate().toISOString()).toBe('2027-03-25T09:00:00.000Z');
  });

  it('is cancelled with METHOD:CANCEL and STATUS:CANCELLED under the same UID', () => {
    const { calendar, events, zones } = read(cancellationIcs(meeting({ sequence: 2 }), options));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(zones).toHaveLength(1);
    expect(events).toHaveLength(1);
    expect(events[0]!.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(events[0]!.getFirstPropertyValue('uid')).toBe('overleg-12@binnenuit.example');
    expect(events[0]!.getFirstPropertyValue('sequence')).toBe(2);
    expect(events[0]!.getAllProperties('attendee')).toHaveLength(4);
  });
});

describe('a recurring meeting', () => {
  const series = (frequency: 'weekly' | 'biweekly' | 'monthly') =>
    meeting({
      start: new Date('2027-03-17T14:00+01:00'),
      end: new Date('2027-03-17T15:00+01:00'),
      recurrence: { frequency, until: new Date('2027-05-31T23:59+02:00') },
    });

  function occurrences(text: string): string[] {
    const e = new ICAL.Event(read(text).events[0]!);
    const iterator = e.iterator();
    const starts: string[] = [];
    for (let next = iterator.next(); next && starts.length < 20; next = iterator.next()) starts.push(next.toJSDate().toISOString());
    return starts;
  }

  it('repeats weekly at 14:00 Amsterdam time across the spring change, until the end date', () => {
    const text = invitationIcs(series('weekly'), options);
    const rrule = read(text).events[0]!.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(rrule.freq).toBe('WEEKLY');
    expect(rrule.interval).toBe(1);
    expect(rrule.until?.toJSDate().toISOString()).toBe('2027-05-31T21:59:00.000Z');
    const starts = occurrences(text);
    expect(starts.slice(0, 3)).toEqual(['2027-03-17T13:00:00.000Z', '2027-03-24T13:00:00.000Z', '2027-03-31T12:00:00.000Z']);
    expect(starts).toHaveLength(11);
    expect(starts.at(-1)).toBe('2027-05-26T12:00:00.000Z');
  });

  it('repeats every two weeks', () => {
    const text = invitationIcs(series('biweekly'), options);
    expect((read(text).events[0]!.getFirstPropertyValue('rrule') as ICAL.Recur).interval).toBe(2);
    expect(occurrences(text)).toEqual([
      '2027-03-17T13:00:00.000Z', '2027-03-31T12:00:00.000Z', '2027-04-14T12:00:00.000Z', '2027-04-28T12:00:00.000Z',
      '2027-05-12T12:00:00.000Z', '2027-05-26T12:00:00.000Z',
    ]);
  });

  it('repeats monthly on the same day of the month', () => {
    const text = invitationIcs(series('monthly'), options);
    expect((read(text).events[0]!.getFirstPropertyValue('rrule') as ICAL.Recur).freq).toBe('MONTHLY');
    expect(occurrences(text)).toEqual(['2027-03-17T13:00:00.000Z', '2027-04-17T12:00:00.000Z', '2027-05-17T12:00:00.000Z']);
  });

  it('leaves out occurrences cancelled one by one (EXDATE in the zone of DTSTART)', () => {
    const text = invitationIcs({ ...series('weekly'), exclude: [new Date('2027-03-24T14:00+01:00')] }, options);
    const exdate = read(text).events[0]!.getFirstProperty('exdate')!;
    expect(exdate.getParameter('tzid')).toBe('Europe/Amsterdam');
    expect(occurrences(text)).not.toContain('2027-03-24T13:00:00.000Z');
    expect(occurrences(text)).toContain('2027-03-31T12:00:00.000Z');
  });

  it('moves one occurrence with RECURRENCE-ID and the series UID', () => {
    const moved = meeting({
      sequence: 1,
      start: new Date('2027-04-01T10:00+02:00'),
      end: new Date('2027-04-01T11:00+02:00'),
      recurrenceId: new Date('2027-03-31T14:00+02:00'),
    });
    const { events } = read(invitationIcs(moved, options));
    expect(events).toHaveLength(1);
    const occurrence = events[0]!;
    expect(occurrence.getFirstPropertyValue('uid')).toBe('overleg-12@binnenuit.example');
    expect(occurrence.getFirstPropertyValue('rrule')).toBeNull();
    const recurrenceId = occurrence.getFirstProperty('recurrence-id')!;
    expect(recurrenceId.getParameter('tzid')).toBe('Europe/Amsterdam');
    expect((recurrenceId.getFirstValue() as ICAL.Time).toJSDate().toISOString()).toBe('2027-03-31T12:00:00.000Z');
  });

  it('cancels one occurrence with RECURRENCE-ID', () => {
    const occurrence = meeting({ sequence: 1, recurrenceId: new Date('2027-03-31T14:00+02:00'), start: new Date('2027-03-31T14:00+02:00'), end: new Date('2027-03-31T15:00+02:00') });
    const { calendar, events } = read(cancellationIcs(occurrence, options));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(events[0]!.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect((events[0]!.getFirstPropertyValue('recurrence-id') as ICAL.Time).toJSDate().toISOString()).toBe('2027-03-31T12:00:00.000Z');
  });

  it('lists the series and its moved occurrence together in a feed', () => {
    const text = feedIcs(
      [
        series('weekly'),
        meeting({ sequence: 1, start: new Date('2027-04-01T10:00+02:00'), end: new Date('2027-04-01T11:00+02:00'), recurrenceId: new Date('2027-03-31T14:00+02:00') }),
        meeting({ uid: meetingUid(13, host), title: 'Werkgroep', start: new Date('2027-04-02T09:00+02:00'), end: new Date('2027-04-02T10:00+02:00') }),
      ],
      { ...options, name: 'Binnenuit: mijn overleggen' },
    );
    const { calendar, events, zones } = read(text);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Binnenuit: mijn overleggen');
    expect(zones).toHaveLength(1);
    expect(events.map((e) => e.getFirstPropertyValue('uid'))).toEqual([
      'overleg-12@binnenuit.example', 'overleg-12@binnenuit.example', 'overleg-13@binnenuit.example',
    ]);
    // ical.js applies the exception: the third occurrence is on Thursday 10:00 instead of Wednesday 14:00.
    const master = new ICAL.Event(events[0]!);
    master.relateException(events[1]!);
    const iterator = master.iterator();
    const starts = [iterator.next(), iterator.next(), iterator.next()].map((t) => master.getOccurrenceDetails(t!).startDate.toJSDate().toISOString());
    expect(starts).toEqual(['2027-03-17T13:00:00.000Z', '2027-03-24T13:00:00.000Z', '2027-04-01T08:00:00.000Z']);
  });
});

describe('calendar identifiers', () => {
  it('gives a meeting the same UID every time and different meetings different ones', () => {
    expect(meetingUid(12, host)).toBe(meetingUid(12, host));
    expect(meetingUid(12, host)).not.toBe(meetingUid(13, host));
  });
});
