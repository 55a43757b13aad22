// A meeting's time as readers of each language expect it, in the configured zone:
// "wo 3 mrt 2027, 14:30–16:00" (Dutch) / "Wed 3 Mar 2027, 14:30–16:00" (English). Weekday and
// month names come from luxon's locale data, the patterns and words from src/locales.
// Platform date tokens (<t:…:F>, <!date^…>) are the adapters' business, not this module's.
import { DateTime } from 'luxon';
import { translator, type Locale } from '../i18n.ts';
import type { DurationResult } from './duration.ts';
import type { WhenFailure } from './when.ts';

const intlLocale: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

function at(date: Date, locale: Locale, timezone: string): DateTime {
  return DateTime.fromJSDate(date).setZone(timezone).setLocale(intlLocale[locale]);
}

/** "wo 3 mrt 2027" */
export function formatMeetingDate(date: Date, locale: Locale, timezone: string): string {
  return at(date, locale, timezone).toFormat(translator(locale)('meetingTimes.datePattern'));
}

/** "wo 3 mrt 2027, 14:30" */
export function formatMoment(date: Date, locale: Locale, timezone: string): string {
  const t = translator(locale);
  return t('meetingTimes.moment', { date: formatMeetingDate(date, locale, timezone), time: clock(date, locale, timezone) });
}

/** "zo 31 okt 2027, 02:30 (zomertijd)": tells the two 02:30s of the autumn change apart. */
export function formatMomentWithClock(date: Date, locale: Locale, timezone: string): string {
  const t = translator(locale);
  const summer = at(date, locale, timezone).isInDST;
  return t('meetingTimes.momentWithClock', {
    date: formatMeetingDate(date, locale, timezone),
    time: clock(date, locale, timezone),
    clock: t(summer ? 'meetingTimes.summerTime' : 'meetingTimes.winterTime'),
  });
}

/**
 * "wo 3 mrt 2027, 14:30–16:00"; a meeting that ends on a later day names both days:
 * "wo 3 mrt 2027, 23:00 – do 4 mrt 2027, 01:00".
 */
export function formatMeetingSpan(start: Date, end: Date, locale: Locale, timezone: string): string {
  const t = translator(locale);
  const startDate = formatMeetingDate(start, locale, timezone);
  const endDate = formatMeetingDate(end, locale, timezone);
  const times = { start: clock(start, locale, timezone), end: clock(end, locale, timezone) };
  if (startDate === endDate) return t('meetingTimes.span', { date: startDate, ...times });
  return t('meetingTimes.spanAcrossDays', { startDate, endDate, ...times });
}

function clock(date: Date, locale: Locale, timezone: string): string {
  return at(date, locale, timezone).toFormat(translator(locale)('meetingTimes.timePattern'));
}

/** Three typed moments that work, for the reply to one that did not. */
export function whenExamples(locale: Locale): string[] {
  const t = translator(locale);
  return [t('meetingTimes.example1'), t('meetingTimes.example2'), t('meetingTimes.example3')];
}

/** The message for a refused moment, in the reader's language. */
export function describeWhenFailure(failure: WhenFailure, locale: Locale, timezone: string): string {
  const t = translator(locale);
  const moment = (date: Date) => formatMoment(date, locale, timezone);
  switch (failure.reason) {
    case 'unparseable':
      return t('meetingTimes.failure.unparseable', { examples: whenExamples(locale).map((e) => `"${e}"`).join(', ') });
    case 'past':
      return t('meetingTimes.failure.past', { moment: moment(failure.start) });
    case 'nonexistent-date':
      return t('meetingTimes.failure.nonexistentDate', { day: failure.day, month: failure.month });
    case 'weekday-mismatch':
      return t('meetingTimes.failure.weekdayMismatch', { date: formatMeetingDate(failure.date, locale, timezone) });
    case 'end-before-start':
      return t('meetingTimes.failure.endBeforeStart', { start: moment(failure.start), end: moment(failure.end) });
    case 'nonexistent-time':
      return t('meetingTimes.failure.nonexistentTime', { suggestion: moment(failure.suggestion) });
    case 'ambiguous-time': {
      const [first, second] = failure.candidates.map((d) => formatMomentWithClock(d, locale, timezone));
      return t('meetingTimes.failure.ambiguousTime', { first, second });
    }
  }
}

/** The message for a refused duration (undefined when it was accepted). */
export function describeDurationFailure(result: DurationResult, locale: Locale): string | undefined {
  if (result.ok) return undefined;
  const t = translator(locale);
  return t(result.reason === 'unparseable' ? 'meetingTimes.duration.unparseable' : 'meetingTimes.duration.outOfRange');
}
