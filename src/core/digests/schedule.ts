// When a channel's digest is due: the periods (a local day, or an ISO week) and the moment
// ("slot") each period's digest goes, in the configured time zone, across daylight saving.
// Pure functions of a schedule and a moment, so every instance computes the same slots.
import { DateTime } from 'luxon';
import type { WorkingCalendar } from '../calendar/working-time.ts';

export const frequencies = ['daily', 'weekly'] as const;
export type Frequency = (typeof frequencies)[number];

export interface Schedule {
  frequency: Frequency;
  /** ISO weekday of a weekly digest (1 = Monday). */
  weekday: number;
  hour: number;
  minute: number;
  /** Public holidays: a weekly digest moves to the next day that is none; a daily one merges into the next. */
  skipHolidays: boolean;
}

export interface Period {
  /** `d:2026-12-02` or `w:2026-W49`: unique per subscription (DigestRun). */
  key: string;
  /** The local start of the day or week. */
  start: DateTime;
}

const DAY_MS = 24 * 3_600_000;

/** How long a period lasts, for "less than one period late" and a first digest's window. */
export function periodLengthMs(frequency: Frequency): number {
  return frequency === 'daily' ? DAY_MS : 7 * DAY_MS;
}

/** The period a moment falls in. */
export function periodOf(moment: Date, frequency: Frequency, zone: string): Period {
  const local = DateTime.fromJSDate(moment, { zone });
  if (frequency === 'daily') {
    const start = local.startOf('day');
    return { key: `d:${start.toISODate()}`, start };
  }
  const start = local.startOf('week');
  return { key: `w:${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`, start };
}

/** The period before this one. */
export function previousPeriod(period: Period, frequency: Frequency, zone: string): Period {
  const before = period.start.minus(frequency === 'daily' ? { days: 1 } : { weeks: 1 }).plus({ hours: 12 });
  return periodOf(before.toJSDate(), frequency, zone);
}

/**
 * The moment a local wall-clock time happens on a day. A time the clocks skip (02:30 on the
 * last Sunday of March) becomes the moment they jump to (03:00); a time that happens twice
 * (last Sunday of October) is its first occurrence, and the period key keeps it to one digest.
 */
export function wallClock(day: DateTime, hour: number, minute: number): DateTime {
  const wanted = day.set({ hour, minute, second: 0, millisecond: 0 });
  if (wanted.hour === hour && wanted.minute === minute) return wanted;
  // Luxon moved a skipped time forward by the gap; the jump itself is the start of that hour.
  return wanted.startOf('hour');
}

/**
 * When this period's digest goes; undefined when it does not go on its own (a daily digest on
 * a public holiday with `feestdagen:overslaan`: the next one covers that day too).
 */
export function slotOf(period: Period, schedule: Schedule, calendar: WorkingCalendar): Date | undefined {
  const day = schedule.frequency === 'daily' ? period.start : period.start.plus({ days: schedule.weekday - 1 });
  let slot = wallClock(day, schedule.hour, schedule.minute);
  if (schedule.skipHolidays) {
    if (schedule.frequency === 'daily' && calendar.isHoliday(slot)) return undefined;
    for (let i = 0; i < 14 && calendar.isHoliday(slot); i++) slot = wallClock(slot.plus({ days: 1 }).startOf('day'), schedule.hour, schedule.minute);
  }
  return slot.toJSDate();
}

/** The next slot after `after` (for "next digest: …"). */
export function nextSlot(schedule: Schedule, after: Date, zone: string, calendar: WorkingCalendar, taken: (key: string) => boolean = () => false): Date | undefined {
  let period = previousPeriod(periodOf(after, schedule.frequency, zone), schedule.frequency, zone);
  for (let i = 0; i < 40; i++) {
    const slot = slotOf(period, schedule, calendar);
    if (slot && slot > after && !taken(period.key)) return slot;
    period = periodOf(period.start.plus(schedule.frequency === 'daily' ? { days: 1, hours: 12 } : { weeks: 1, hours: 12 }).toJSDate(), schedule.frequency, zone);
  }
  return undefined;
}
