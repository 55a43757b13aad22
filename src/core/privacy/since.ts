// `sinds:` of /privacy audit: a day, typed as people write dates (2026-12-01, 1-12-2026,
// 1 december 2026, gisteren), read as the start of that day in the configured zone.
import type * as Chrono from 'chrono-node';
import { lazyModule } from '../lazy-module.ts';
import { DateTime } from 'luxon';
import type { Locale } from '../i18n.ts';

/** Loaded at the first date read (src/core/lazy-module.ts says why). */
const chronoModule = lazyModule<typeof Chrono>('chrono-node');

export function parseSince(text: string, env: { timezone: string; now: Date; locale: Locale }): Date | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const startOfDay = (date: DateTime) => (date.isValid ? date.startOf('day').toJSDate() : undefined);
  for (const format of ['yyyy-MM-dd', 'd-M-yyyy', 'd/M/yyyy']) {
    const parsed = DateTime.fromFormat(trimmed, format, { zone: env.timezone });
    if (parsed.isValid) return startOfDay(parsed);
  }
  const wallNow = DateTime.fromJSDate(env.now).setZone(env.timezone);
  const reference = new Date(wallNow.year, wallNow.month - 1, wallNow.day, 12);
  for (const parser of env.locale === 'en' ? [chronoModule().en, chronoModule().nl] : [chronoModule().nl, chronoModule().en]) {
    const [result] = parser.parse(trimmed, reference, { forwardDate: false });
    // The whole text must be the date: "banaan 3" is no date, "3 mei" is.
    if (!result || result.text.length < trimmed.length - 1) continue;
    const start = result.start;
    return startOfDay(DateTime.fromObject({ year: start.get('year') ?? wallNow.year, month: start.get('month') ?? 1, day: start.get('day') ?? 1 }, { zone: env.timezone }));
  }
  return undefined;
}
