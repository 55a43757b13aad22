// Calendar files for meetings, written with ical-generator (a maintained RFC 5545 writer) and
// the zone data of @touch4it/ical-timezones, so every file carries the VTIMEZONE its TZID
// names: Outlook and Google then place 14:00 at 14:00 Amsterdam time on both sides of a DST change.
//
// One meeting keeps one UID across all its files; SEQUENCE goes up with every change, which is
// how calendar programs know a later file replaces an earlier one (RFC 5546).
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, {
  ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventRepeatingFreq, ICalEventStatus,
  type ICalCalendar, type ICalRepeatingOptions,
} from 'ical-generator';
import { DateTime } from 'luxon';

export interface IcsPerson {
  name: string;
  /** A calendar address; chat members without a known e-mail get `chatAddress(...)`. */
  email: string;
}

export type IcsAnswer = 'yes' | 'no' | 'maybe' | 'none';

export interface IcsAttendee extends IcsPerson {
  answer?: IcsAnswer;
}

export type RecurrenceFrequency = 'weekly' | 'biweekly' | 'monthly';

export interface IcsRecurrence {
  frequency: RecurrenceFrequency;
  /** The last moment an occurrence may start (inclusive). */
  until: Date;
}

export interface IcsMeeting {
  /** Stable for the meeting (see `meetingUid`); the same in every file about it. */
  uid: string;
  /** 0 for the first invitation, higher on every change. */
  sequence: number;
  title: string;
  description?: string;
  location?: string;
  url?: string;
  start: Date;
  end: Date;
  organizer: IcsPerson;
  attendees: IcsAttendee[];
  recurrence?: IcsRecurrence;
  /** Set for one occurrence of a series that is moved or cancelled: the start it had in the series. */
  recurrenceId?: Date;
  /** Starts of a series' occurrences that were cancelled one by one (EXDATE). */
  exclude?: Date[];
  cancelled?: boolean;
}

export interface IcsOptions {
  /** IANA zone, e.g. Europe/Amsterdam; its VTIMEZONE is included. */
  timezone: string;
  /** DTSTAMP: when this file was written (passed in, so files are reproducible). */
  stamp: Date;
  /** Calendar name shown by some programs (the feed's). */
  name?: string;
}

const productId = { company: 'Alliantie Verandering van Binnenuit', product: 'Binnenuit', language: 'NL' };

/** A UID that stays the same for a meeting for as long as it exists. */
export function meetingUid(meetingId: string | number, host: string): string {
  return `overleg-${meetingId}@${host}`;
}

/** A calendar address for a member without a known e-mail address (never delivered to). */
export function chatAddress(memberId: string | number, host: string): string {
  return `lid-${memberId}@${host}`;
}

/** An invitation (METHOD:REQUEST): a new meeting, or a changed one with a higher SEQUENCE. */
export function invitationIcs(meeting: IcsMeeting, options: IcsOptions): string {
  return write([meeting], ICalCalendarMethod.REQUEST, options);
}

/** A cancellation (METHOD:CANCEL, STATUS:CANCELLED) of a meeting or, with `recurrenceId`, one occurrence. */
export function cancellationIcs(meeting: IcsMeeting, options: IcsOptions): string {
  return write([{ ...meeting, cancelled: true }], ICalCalendarMethod.CANCEL, options);
}

/**
 * A subscribed calendar (METHOD:PUBLISH) with several meetings; a moved occurrence is a second
 * entry with the series' UID and its `recurrenceId`.
 */
export function feedIcs(meetings: IcsMeeting[], options: IcsOptions): string {
  return write(meetings, ICalCalendarMethod.PUBLISH, options);
}

function write(meetings: IcsMeeting[], method: ICalCalendarMethod, options: IcsOptions): string {
  const calendar = ical({
    prodId: productId,
    method,
    name: options.name ?? null,
    // No calendar-wide zone: ical-generator would then write DTSTAMP and UNTIL as local times,
    // where RFC 5545 wants UTC. The events carry the TZID; the generator adds their VTIMEZONE.
    timezone: { name: null, generator: getVtimezoneComponent },
  });
  for (const meeting of meetings) addEvent(calendar, meeting, options);
  return calendar.toString();
}

function addEvent(calendar: ICalCalendar, meeting: IcsMeeting, options: IcsOptions): void {
  const zoned = (date: Date) => DateTime.fromJSDate(date).setZone(options.timezone);
  const series = Boolean(meeting.recurrence && !meeting.recurrenceId);
  // A local time the clock passes twice (02:30 on the night it goes back) names two moments,
  // and readers pick different ones (RFC 5545 says the first, ical.js takes the second): a
  // one-off meeting then is written in UTC. A series keeps its zone, which its rule needs, and
  // so does one moved occurrence, whose RECURRENCE-ID has to match the series' local times.
  const inUtc = !meeting.recurrence && !meeting.recurrenceId && [meeting.start, meeting.end].some((date) => zoned(date).getPossibleOffsets().length > 1);
  calendar.createEvent({
    id: meeting.uid,
    sequence: meeting.sequence,
    stamp: options.stamp,
    start: inUtc ? meeting.start : zoned(meeting.start),
    end: inUtc ? meeting.end : zoned(meeting.end),
    timezone: inUtc ? null : options.timezone,
    summary: meeting.title,
    description: meeting.description ?? null,
    location: meeting.location ?? null,
    url: meeting.url ?? null,
    organizer: { name: parameterText(meeting.organizer.name), email: meeting.organizer.email },
    attendees: meeting.attendees.map((a) => ({
      name: parameterText(a.name),
      email: a.email,
      role: ICalAttendeeRole.REQ,
      rsvp: true,
      status: attendeeStatus[a.answer ?? 'none'],
    })),
    status: meeting.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    repeating: series && meeting.recurrence ? repeating(meeting.recurrence, meeting.exclude ?? [], zoned) : null,
    recurrenceId: meeting.recurrenceId ? zoned(meeting.recurrenceId) : null,
  });
}

/**
 * A display name fit for a quoted CN parameter: RFC 5545 allows no double quote or line break
 * there, and ical-generator's backslash escape is not understood by readers (ical.js cuts the
 * name off), so "Jan "JJ" de Vries" is written as Jan 'JJ' de Vries.
 */
function parameterText(name: string): string {
  return name.replace(/"/g, "'").replace(/[\r\n\t]+/g, ' ').trim();
}

const attendeeStatus: Record<IcsAnswer, ICalAttendeeStatus> = {
  yes: ICalAttendeeStatus.ACCEPTED,
  no: ICalAttendeeStatus.DECLINED,
  maybe: ICalAttendeeStatus.TENTATIVE,
  none: ICalAttendeeStatus.NEEDSACTION,
};

function repeating(recurrence: IcsRecurrence, exclude: Date[], zoned: (d: Date) => DateTime): ICalRepeatingOptions {
  const freq = recurrence.frequency === 'monthly' ? ICalEventRepeatingFreq.MONTHLY : ICalEventRepeatingFreq.WEEKLY;
  // RFC 5545 wants UNTIL in UTC when DTSTART has a TZID; without a calendar zone it is written so.
  // EXDATE in the zone of DTSTART, so readers match it to the occurrence it removes.
  return { freq, interval: recurrence.frequency === 'biweekly' ? 2 : 1, until: recurrence.until, ...(exclude.length ? { exclude: exclude.map(zoned) } : {}) };
}
