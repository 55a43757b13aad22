// Working time: Monday to Friday 09:00–17:00 in the alliance's time zone, without Dutch public
// holidays. Advice targets ("2 working days", "4 working hours") and digests that skip holidays
// count in it, so a question asked on Friday afternoon before Koningsdag is not late on Monday.
// Holidays come from date-holidays (a maintained table, Easter and Koningsdag-on-Sunday rules
// included) rather than a list of our own; only its "public" days count: Goede Vrijdag and
// Bevrijdingsdag are marked "school" there, because most employers do not give them off.
import type Holidays from 'date-holidays';
import { DateTime } from 'luxon';
import { lazyModule } from '../lazy-module.ts';

/** Loaded at the first holiday lookup (src/core/lazy-module.ts says why). */
const holidaysModule = lazyModule<typeof Holidays>('date-holidays');

export interface WorkingHours {
  /** IANA time zone the hours are in. */
  zone: string;
  /** First working hour (inclusive), local time. */
  startHour: number;
  /** End of the working day (exclusive), local time. */
  endHour: number;
  /** ISO weekdays that are working days (1 = Monday). */
  weekdays: readonly number[];
}

export const defaultWorkingHours: WorkingHours = { zone: 'Europe/Amsterdam', startHour: 9, endHour: 17, weekdays: [1, 2, 3, 4, 5] };

export type HolidayLocale = 'nl' | 'en';

export class WorkingCalendar {
  private readonly hours: WorkingHours;
  private holidaysTable?: Holidays;
  /** Public holidays per year as `yyyy-MM-dd` → names, filled on first use of a year. */
  private readonly byYear = new Map<number, Map<string, { nl: string; en: string }>>();

  constructor(hours: Partial<WorkingHours> = {}) {
    this.hours = { ...defaultWorkingHours, ...hours };
    if (!(this.hours.startHour < this.hours.endHour)) throw new Error('working hours: start must be before end');
  }

  get zone(): string {
    return this.hours.zone;
  }

  /** The public holiday on this moment's local date, in the given language, if any. */
  holidayName(moment: Date | DateTime, locale: HolidayLocale = 'nl'): string | undefined {
    const day = this.local(moment);
    return this.yearTable(day.year).get(day.toISODate() ?? '')?.[locale];
  }

  isHoliday(moment: Date | DateTime): boolean {
    return this.holidayName(moment) !== undefined;
  }

  isWorkingDay(moment: Date | DateTime): boolean {
    const day = this.local(moment);
    return this.hours.weekdays.includes(day.weekday) && !this.isHoliday(day);
  }

  /** The same moment when its date is a working day, else the same local time on the next working day. */
  onWorkingDay(moment: Date | DateTime): DateTime {
    let day = this.local(moment);
    for (let i = 0; i < 370 && !this.isWorkingDay(day); i++) day = day.plus({ days: 1 });
    return day;
  }

  /** The moment `minutes` working minutes after `from` (from itself when 0). */
  addWorkingMinutes(from: Date, minutes: number): Date {
    if (minutes < 0 || !Number.isFinite(minutes)) throw new RangeError('minutes must be a finite number ≥ 0');
    let left = minutes;
    let cursor = this.local(from);
    for (;;) {
      const { start, end } = this.dayBounds(cursor);
      if (!this.isWorkingDay(cursor) || cursor >= end) {
        cursor = this.nextDayStart(cursor);
        continue;
      }
      if (cursor < start) cursor = start;
      const available = end.diff(cursor, 'minutes').minutes;
      if (left <= available) return cursor.plus({ minutes: left }).toJSDate();
      left -= available;
      cursor = this.nextDayStart(cursor);
    }
  }

  /** Working minutes between two moments (0 when `to` is not after `from`). */
  workingMinutesBetween(from: Date, to: Date): number {
    if (to.getTime() <= from.getTime()) return 0;
    const until = this.local(to);
    let cursor = this.local(from);
    let total = 0;
    while (cursor < until) {
      if (this.isWorkingDay(cursor)) {
        const { start, end } = this.dayBounds(cursor);
        const a = cursor < start ? start : cursor;
        const b = until < end ? until : end;
        if (b > a) total += b.diff(a, 'minutes').minutes;
      }
      cursor = this.nextDayStart(cursor);
    }
    return Math.round(total * 1000) / 1000;
  }

  private local(moment: Date | DateTime): DateTime {
    return (moment instanceof Date ? DateTime.fromJSDate(moment) : moment).setZone(this.hours.zone);
  }

  private dayBounds(day: DateTime): { start: DateTime; end: DateTime } {
    const midnight = day.startOf('day');
    return { start: midnight.set({ hour: this.hours.startHour }), end: midnight.set({ hour: this.hours.endHour }) };
  }

  private nextDayStart(day: DateTime): DateTime {
    return day.startOf('day').plus({ days: 1 });
  }

  private get holidays(): Holidays {
    return (this.holidaysTable ??= new (holidaysModule())('NL'));
  }

  private yearTable(year: number): Map<string, { nl: string; en: string }> {
    let table = this.byYear.get(year);
    if (!table) {
      table = new Map();
      const english = new Map(this.holidays.getHolidays(year, 'en').map((h) => [h.date, h.name]));
      for (const holiday of this.holidays.getHolidays(year, 'nl')) {
        if (holiday.type !== 'public') continue;
        table.set(holiday.date.slice(0, 10), { nl: holiday.name, en: english.get(holiday.date) ?? holiday.name });
      }
      this.byYear.set(year, table);
    }
    return table;
  }
}
