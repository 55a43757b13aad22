// Dates and numbers as Dutch (or English) readers expect them, always in the configured zone.
import { DateTime } from 'luxon';
import type { Locale } from './i18n.ts';

export interface Formatter {
  dateTime(date: Date): string;
  date(date: Date): string;
  time(date: Date): string;
  relativeDay(date: Date, now?: Date): string;
}

const intlLocale: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

export function createFormatter(locale: Locale, timezone: string): Formatter {
  const at = (date: Date) => DateTime.fromJSDate(date).setZone(timezone).setLocale(intlLocale[locale]);
  return {
    dateTime: (date) => at(date).toFormat(locale === 'nl' ? "ccc d MMM yyyy 'om' HH:mm" : "ccc d MMM yyyy 'at' HH:mm"),
    date: (date) => at(date).toFormat('ccc d MMMM yyyy'),
    time: (date) => at(date).toFormat('HH:mm'),
    relativeDay: (date, now = new Date()) =>
      at(date).toRelativeCalendar({ base: at(now) }) ?? at(date).toFormat('d MMMM yyyy'),
  };
}
