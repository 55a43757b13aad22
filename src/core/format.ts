// Dates as Dutch (or English) readers expect them, always in the configured zone. The patterns
// live in the locale files (`format.*`), because their words ("om", "at") are text too.
import { DateTime } from 'luxon';
import { translator, type Locale } from './i18n.ts';

export interface Formatter {
  dateTime(date: Date): string;
  time(date: Date): string;
}

const intlLocale: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

export function createFormatter(locale: Locale, timezone: string): Formatter {
  const t = translator(locale);
  const at = (date: Date) => DateTime.fromJSDate(date).setZone(timezone).setLocale(intlLocale[locale]);
  return {
    dateTime: (date) => at(date).toFormat(t('format.dateTime')),
    time: (date) => at(date).toFormat(t('format.time')),
  };
}
