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

/**
 * One occurrence of a series moved (`startsAt`/`endsAt`) or cancelled, by the start it has in
 * the series (`originalStart`, the RECURRENCE-ID of its .ics).
 */
export interface OccurrenceException {
  originalStart: Date;
  startsAt?: Date;
  endsAt?: Date;
  cancelled: boolean;
  /** The meeting's SEQUENCE when this exception last changed. */
  sequence: number;
}

/** An occurrence as it now is; `originalStart` differs from `startsAt` when it was moved. */
export interface Occurrence {
  originalStart: Date;
  startsAt: Date;
  endsAt: Date;
  moved: boolean;
}

type Series = { startsAt: Date; endsAt: Date; recurrence?: Recurrence; exceptions?: readonly OccurrenceException[] };

/** Every occurrence as it now is: cancelled ones left out, moved ones at their new moment, soonest first. */
export function currentOccurrences(series: Series, timezone: string): Occurrence[] {
  const length = series.endsAt.getTime() - series.startsAt.getTime();
  const byOriginal = new Map((series.exceptions ?? []).map((e) => [e.originalStart.getTime(), e]));
  const result: Occurrence[] = [];
  for (const originalStart of occurrenceStarts(series.startsAt, series.recurrence, timezone)) {
    const exception = byOriginal.get(originalStart.getTime());
    if (exception?.cancelled) continue;
    if (exception?.startsAt && exception.endsAt) result.push({ originalStart, startsAt: exception.startsAt, endsAt: exception.endsAt, moved: true });
    else result.push({ originalStart, startsAt: originalStart, endsAt: new Date(originalStart.getTime() + length), moved: false });
  }
  return result.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

/** The first occurrence that has not ended by `now` (moves and cancellations applied), or undefined when all have. */
export function nextOccurrence(meeting: Series, now: Date, timezone: string): Occurrence | undefined {
  return currentOccurrences(meeting, timezone).find((o) => o.endsAt.getTime() > now.getTime());
}

/** The start of the last occurrence (the first one for a single meeting; a moved last one counts where it now is). */
export function lastStart(meeting: { startsAt: Date; endsAt?: Date; recurrence?: Recurrence; exceptions?: readonly OccurrenceException[] }, timezone: string): Date {
  const all = currentOccurrences({ ...meeting, endsAt: meeting.endsAt ?? meeting.startsAt }, timezone);
  return all.at(-1)?.startsAt ?? meeting.startsAt;
}
