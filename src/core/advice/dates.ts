// "Tot wanneer" for an absence, as people type it: 2026-12-24, 24-12-2026, 24/12, "24 december",
// "volgende week maandag". The absence lasts to the end of that day in the configured zone.
// `terug` / `back` / `geen`: not away any more (null). Unreadable: undefined.
import type * as Chrono from 'chrono-node';
import { lazyModule } from '../lazy-module.ts';
import { DateTime } from 'luxon';
import type { Locale } from '../i18n.ts';

/** Loaded at the first date read (src/core/lazy-module.ts says why). */
const chronoModule = lazyModule<typeof Chrono>('chrono-node');

const BACK = new Set(['terug', 'back', 'geen', 'none', 'niet']);

export function parseUntil(text: string, env: { now: Date; timezone: string; locale: Locale }): Date | null | undefined {
  const typed = text.trim().toLowerCase();
  if (BACK.has(typed)) return null;
  const day = isoOrDutch(typed, env) ?? natural(typed, env);
  return day?.endOf('day').toJSDate();
}

function isoOrDutch(typed: string, env: { now: Date; timezone: string }): DateTime | undefined {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(typed);
  const dutch = /^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{4}))?$/.exec(typed);
  const parts = iso ? { year: +iso[1]!, month: +iso[2]!, day: +iso[3]! } : dutch ? { day: +dutch[1]!, month: +dutch[2]!, year: dutch[3] ? +dutch[3] : DateTime.fromJSDate(env.now).setZone(env.timezone).year } : undefined;
  if (!parts) return undefined;
  const date = DateTime.fromObject(parts, { zone: env.timezone });
  return date.isValid ? date : undefined;
}

function natural(typed: string, env: { now: Date; timezone: string; locale: Locale }): DateTime | undefined {
  const wallNow = DateTime.fromJSDate(env.now).setZone(env.timezone);
  const reference = new Date(wallNow.year, wallNow.month - 1, wallNow.day, 12);
  for (const parser of env.locale === 'en' ? [chronoModule().en, chronoModule().nl] : [chronoModule().nl, chronoModule().en]) {
    // No forward date: "1 januari" in the past is refused as past, not moved a year on.
    const [result] = parser.parse(typed, reference);
    if (!result || result.index !== 0 || result.text.length < typed.length - 1) continue;
    const start = result.start;
    const date = DateTime.fromObject({ year: start.get('year') ?? wallNow.year, month: start.get('month') ?? wallNow.month, day: start.get('day') ?? wallNow.day }, { zone: env.timezone });
    if (date.isValid) return date;
  }
  return undefined;
}
