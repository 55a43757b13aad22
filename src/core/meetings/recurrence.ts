// A series (`herhaal:wekelijks|tweewekelijks|maandelijks tot:<datum>`): the occurrences are not
// stored, they follow from the first start, the frequency and the end date, the way a calendar
// program expands the RRULE of the same .ics. Steps are taken in the configured zone's wall
// clock, so a 14:00 meeting stays at 14:00 across a DST change; a monthly series on the 31st
// skips the months without one (RFC 5545 drops such dates, and so do Outlook and Google).
import { DateTime } from 'luxon';
import type { RecurrenceFrequency } from './ics.ts';

export type { RecurrenceFrequency };

export interface Recurrence {
  frequency: RecurrenceFrequency;
  /** The last moment an occurrence may start (inclusive): the end of the `tot:` day. */
  until: Date;
}

/** A year of weekly meetings; more is a calendar, not a meeting. */
export const MAX_OCCURRENCES = 53;

/** The typed word of `herhaal:` → the frequency. */
export const REPEAT_WORDS = { wekelijks: 'weekly', tweewekelijks: 'biweekly', maandelijks: 'monthly' } as const satisfies Record<string, RecurrenceFrequency>;

/** Every start of the series, the first one included, at most `limit` (one more than the cap tells "too many"). */
export function occurrenceStarts(first: Date, recurrence: Recurrence | undefined, timezone: string, limit = MAX_OCCURRENCES + 1): Date[] {
  if (!recurrence) return [first];
  const start = DateTime.fromJSDate(first).setZone(timezone);
  const starts: Date[] = [];
  for (let step = 0; starts.length < limit && step < limit * 2; step++) {
    const next = recurrence.frequency === 'monthly' ? start.plus({ months: step }) : start.plus({ weeks: step * (recurrence.frequency === 'biweekly' ? 2 : 1) });
    if (next.toJSDate() > recurrence.until) break;
    // Luxon moves 31 March + 1 month to 30 April: not an occurrence of "every month on the 31st".
    if (recurrence.frequency === 'monthly' && next.day !== start.day) continue;
    starts.push(next.toJSDate());
  }
  return starts;
}

/** The end of the typed `tot:` day in the zone: an occurrence that day still counts. */
export function endOfDay(date: Date, timezone: string): Date {
  return DateTime.fromJSDate(date).setZone(timezone).endOf('day').toJSDate();
}

/** The first occurrence that has not ended by `now` (start and end), or undefined when all have. */
export function nextOccurrence(meeting: { startsAt: Date; endsAt: Date; recurrence?: Recurrence }, now: Date, timezone: string): { startsAt: Date; endsAt: Date } | undefined {
  const length = meeting.endsAt.getTime() - meeting.startsAt.getTime();
  const start = occurrenceStarts(meeting.startsAt, meeting.recurrence, timezone).find((date) => date.getTime() + length > now.getTime());
  return start ? { startsAt: start, endsAt: new Date(start.getTime() + length) } : undefined;
}

/** The start of the last occurrence (the first one for a single meeting). */
export function lastStart(meeting: { startsAt: Date; recurrence?: Recurrence }, timezone: string): Date {
  return occurrenceStarts(meeting.startsAt, meeting.recurrence, timezone).at(-1) ?? meeting.startsAt;
}
