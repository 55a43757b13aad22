// Dates and times typed in chat ("morgen 14:00", "3 december om 10 uur", "2026-12-03 14:00"),
// read with chrono-node's Dutch and English parsers and placed in the configured time zone
// with luxon, so a meeting at 14:00 stays at 14:00 across a daylight-saving change.
import type * as Chrono from 'chrono-node';
import { lazyModule } from '../lazy-module.ts';
import { DateTime } from 'luxon';
import type { Locale } from '../i18n.ts';

/** Loaded at the first date read (src/core/lazy-module.ts says why). */
const chronoModule = lazyModule<typeof Chrono>('chrono-node');

export interface DateTimeEnv {
  timezone: string;
  now: Date;
  locale: Locale;
}

export function parseDateTime(text: string, env: DateTimeEnv): Date | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const iso = DateTime.fromISO(trimmed.replace(' ', 'T'), { zone: env.timezone });
  if (iso.isValid && /\d{4}-\d{2}-\d{2}/.test(trimmed)) return iso.toJSDate();
  // chrono reads wall-clock components; the reference is "now" as a wall-clock time in the zone.
  const wallNow = DateTime.fromJSDate(env.now).setZone(env.timezone);
  const reference = new Date(wallNow.year, wallNow.month - 1, wallNow.day, wallNow.hour, wallNow.minute);
  const parsers = env.locale === 'en' ? [chronoModule().en, chronoModule().nl] : [chronoModule().nl, chronoModule().en];
  for (const parser of parsers) {
    const [result] = parser.parse(trimmed, reference, { forwardDate: true });
    if (!result || !result.start.isCertain('hour')) continue;
    const start = result.start;
    const local = DateTime.fromObject(
      {
        year: start.get('year') ?? wallNow.year,
        month: start.get('month') ?? wallNow.month,
        day: start.get('day') ?? wallNow.day,
        hour: start.get('hour') ?? 0,
        minute: start.get('minute') ?? 0,
      },
      { zone: env.timezone },
    );
    if (local.isValid) return local.toJSDate();
  }
  return undefined;
}
