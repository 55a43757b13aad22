// When a meeting starts, read from what people type in Dutch or English ("dinsdag half drie",
// "vanavond om 8 uur", "15-10 om 14:00", "next Tuesday 2:30pm", "3 maart 14:00-15:30"), in the
// configured time zone against a given "now".
//
// Our own layer (scanner, when-time, when-date) reads times, parts of the day, day words and
// explicit dates, which chrono-node 2.10's Dutch parser gets wrong or misses; chrono reads what
// is left: weekdays ("volgende week dinsdag", "next Tuesday") and relative phrases ("over 2
// uur"). Every word must be understood, otherwise we refuse rather than guess.
import type * as Chrono from 'chrono-node';
import { lazyModule } from '../lazy-module.ts';
import { DateTime } from 'luxon';
import type { Locale } from '../i18n.ts';
import { leftover, normalise, Scanner } from './scanner.ts';
import {
  rewriteWeekdayPhrases, takeDate, takeDateWithYear, takeDayWord, takePartOfDay, takeRelative, weekdayOnly,
  type TypedDate,
} from './when-date.ts';
import { takeTime, toClock, type PartOfDay, type TypedSpan } from './when-time.ts';

/** Loaded at the first date read (src/core/lazy-module.ts says why). */
const chronoModule = lazyModule<typeof Chrono>('chrono-node');

export interface WhenEnv {
  /** IANA zone the typed wall-clock time is in, e.g. Europe/Amsterdam. */
  timezone: string;
  now: Date;
  /** Which of chrono's parsers is tried first for the words we leave to it. */
  locale?: Locale;
}

export interface WhenSpan {
  ok: true;
  start: Date;
  /** Only when an end was typed ("14:00-15:30"); otherwise the duration decides. */
  end?: Date;
}

/** Why a typed moment is refused; the command shows the matching message and stores nothing. */
export type WhenFailure =
  | { ok: false; reason: 'unparseable' }
  | { ok: false; reason: 'past'; start: Date }
  | { ok: false; reason: 'nonexistent-date'; day: number; month: number; year?: number }
  | { ok: false; reason: 'weekday-mismatch'; date: Date; typedWeekday: number }
  | { ok: false; reason: 'end-before-start'; start: Date; end: Date }
  /** The clocks jump over this time (last Sunday of March, 02:00–03:00); `suggestion` is an hour later. */
  | { ok: false; reason: 'nonexistent-time'; suggestion: Date }
  /** The time happens twice (last Sunday of October, 02:00–03:00): ask which one is meant. */
  | { ok: false; reason: 'ambiguous-time'; candidates: [Date, Date] };

export type WhenResult = WhenSpan | WhenFailure;

interface Wall {
  year: number;
  month: number;
  day: number;
}

/** How the day was given: it decides what happens when the moment turns out to be past. */
type DaySource = 'none' | 'weekday' | 'fixed' | 'yearless';

const maxLength = 120;
const unparseable: WhenFailure = { ok: false, reason: 'unparseable' };

/**
 * Reads a typed start (and optional end) in `env.timezone`. A date without a year is the next
 * such date; a time alone is its next occurrence (today or tomorrow); a lone weekday is the
 * next such day (today if the time is still ahead). Anything else in the past is refused.
 */
export function parseWhen(text: string, env: WhenEnv): WhenResult {
  // Nobody types a moment this long; it keeps the regular expressions and chrono on short input.
  if (text.length > maxLength) return unparseable;
  const scanner = new Scanner(normalise(text));
  if (!scanner.text) return unparseable;
  const now = DateTime.fromJSDate(env.now).setZone(env.timezone);
  const withYear = takeDateWithYear(scanner);
  const relative = takeRelative(scanner);
  const dayWord = takeDayWord(scanner);
  const typedPart = takePartOfDay(scanner);
  // "vanavond om 8 uur 's avonds" says it twice, which is fine; "vanavond … 's ochtends" is not.
  if (dayWord?.part && typedPart && dayWord.part !== typedPart) return unparseable;
  const part = dayWord?.part ?? typedPart;
  const span: TypedSpan | undefined = withYear?.time ? { start: { ...withYear.time, padded: true } } : takeTime(scanner);
  const typedDate = withYear?.date ?? takeDate(scanner);
  rewriteWeekdayPhrases(scanner);
  if ([typedDate, dayWord, relative].filter(Boolean).length > 1) return unparseable;

  const day = resolveDay(scanner, { typedDate, dayWord, relative, now, env });
  if ('ok' in day) return day;
  // "over 2 uur om 15:00" names two times.
  if (span && day.time) return unparseable;
  const start = span ?? day.time;
  if (!start) return unparseable;
  const clock = toClock(start.start, part);
  if (!clock) return unparseable;
  const startDay = start.start.nextDay ? addDays(day.wall, 1) : day.wall;
  return place({ wall: startDay, clock, source: day.source, span: start, part, now, env });
}

interface DayContext {
  typedDate?: TypedDate;
  dayWord?: { offset: number };
  relative?: string;
  now: DateTime;
  env: WhenEnv;
}

type Day = { wall: Wall; source: DaySource; time?: TypedSpan };

function resolveDay(scanner: Scanner, c: DayContext): Day | WhenFailure {
  const rest = leftover(scanner.text);
  const today = { year: c.now.year, month: c.now.month, day: c.now.day };
  if (c.typedDate) return explicitDay(c.typedDate, rest, c.now);
  if (c.dayWord) return rest ? unparseable : { wall: addDays(today, c.dayWord.offset), source: 'fixed' };
  if (!rest && !c.relative) return { wall: today, source: 'none' };
  return chronoDay([rest, c.relative].filter(Boolean).join(' '), c);
}

function explicitDay(typed: TypedDate, rest: string, now: DateTime): Day | WhenFailure {
  const nonexistent: WhenFailure = { ok: false, reason: 'nonexistent-date', ...typed };
  // A weekday may stand next to a date ("wo 3 mrt"), nothing else.
  const weekday = rest ? weekdayOnly(rest) : undefined;
  if (rest && weekday === undefined) return unparseable;
  let wall: Wall | undefined;
  if (typed.year !== undefined) {
    wall = valid({ year: typed.year, month: typed.month, day: typed.day });
  } else {
    // The next such date: this year if not yet past, else the first later year it exists in (29 February).
    for (let year = now.year; year <= now.year + 8 && !wall; year++) {
      const candidate = valid({ year, month: typed.month, day: typed.day });
      if (candidate && DateTime.fromObject(candidate, { zone: now.zone }) >= now.startOf('day')) wall = candidate;
    }
  }
  if (!wall) return nonexistent;
  const date = DateTime.fromObject(wall, { zone: now.zone });
  if (weekday !== undefined && date.weekday !== weekday) {
    return { ok: false, reason: 'weekday-mismatch', date: date.toJSDate(), typedWeekday: weekday };
  }
  return { wall, source: typed.year === undefined ? 'yearless' : 'fixed' };
}

function valid(wall: Wall): Wall | undefined {
  return DateTime.fromObject(wall, { zone: 'UTC' }).isValid ? wall : undefined;
}

function chronoDay(text: string, c: DayContext): Day | WhenFailure {
  // chrono reads wall-clock components; its reference is "now" as a wall-clock time in the zone.
  const n = c.now;
  const reference = new Date(n.year, n.month - 1, n.day, n.hour, n.minute);
  const parsers = c.env.locale === 'en' ? [chronoModule().en, chronoModule().nl] : [chronoModule().nl, chronoModule().en];
  for (const parser of parsers) {
    const results = parser.parse(text, reference, { forwardDate: true });
    const [result] = results;
    if (results.length !== 1 || !result || leftover(text.replace(result.text, ' '))) continue;
    const s = result.start;
    const wall = { year: s.get('year')!, month: s.get('month')!, day: s.get('day')! };
    const lone = weekdayOnly(result.text) !== undefined;
    const time = s.isCertain('hour') ? { start: { hour: s.get('hour')!, minute: s.get('minute') ?? 0, padded: true } } : undefined;
    return { wall, source: lone ? 'weekday' : 'fixed', time };
  }
  return unparseable;
}

function addDays(wall: Wall, days: number): Wall {
  const d = DateTime.fromObject(wall, { zone: 'UTC' }).plus({ days });
  return { year: d.year, month: d.month, day: d.day };
}

interface Placement {
  wall: Wall;
  clock: { hour: number; minute: number };
  source: DaySource;
  span: TypedSpan;
  part?: PartOfDay;
  now: DateTime;
  env: WhenEnv;
}

function place(p: Placement): WhenResult {
  let wall = p.wall;
  let start = instant(wall, p.clock, p.env.timezone);
  if (!start.ok) return start.failure;
  // A time alone means its next occurrence; a lone weekday the next such day.
  if (start.at <= p.now && (p.source === 'none' || p.source === 'weekday')) {
    wall = addDays(wall, p.source === 'none' ? 1 : 7);
    start = instant(wall, p.clock, p.env.timezone);
    if (!start.ok) return start.failure;
  }
  if (start.at <= p.now) return { ok: false, reason: 'past', start: start.at.toJSDate() };
  if (!p.span.end) return { ok: true, start: start.at.toJSDate() };
  return withEnd(start.at, wall, p);
}

function withEnd(start: DateTime, wall: Wall, p: Placement): WhenResult {
  const typedEnd = p.span.end!;
  // The part of day and the afternoon rule apply to the end as well: "van 9 tot 5" is 09:00–17:00.
  const clock = toClock(typedEnd, p.part);
  if (!clock) return unparseable;
  const end = instant(wall, clock, p.env.timezone);
  if (!end.ok) return end.failure;
  if (end.at <= start) return { ok: false, reason: 'end-before-start', start: start.toJSDate(), end: end.at.toJSDate() };
  return { ok: true, start: start.toJSDate(), end: end.at.toJSDate() };
}

type Instant = { ok: true; at: DateTime } | { ok: false; failure: WhenFailure };

/**
 * The one instant a wall-clock time names in the zone. Around a DST change a wall time can name
 * none (spring) or two (autumn): both are reported so the organiser is asked, never guessed for.
 */
export function instant(wall: Wall, clock: { hour: number; minute: number }, zone: string): Instant {
  const local = { ...wall, ...clock };
  const asUtc = DateTime.fromObject(local, { zone: 'UTC' });
  // Try each offset the zone has around that day; keep those that give back the same wall time.
  const offsets = new Set([-3, -2, -1, 0, 1, 2, 3].map((h) => DateTime.fromMillis(asUtc.toMillis() + h * 3_600_000, { zone }).offset));
  const matches = [...offsets]
    .map((offset) => DateTime.fromMillis(asUtc.toMillis() - offset * 60_000, { zone }))
    .filter((d) => d.hour === clock.hour && d.minute === clock.minute && d.day === wall.day)
    .sort((a, b) => a.toMillis() - b.toMillis());
  if (matches.length === 1) return { ok: true, at: matches[0]! };
  if (matches.length === 2) {
    return { ok: false, failure: { ok: false, reason: 'ambiguous-time', candidates: [matches[0]!.toJSDate(), matches[1]!.toJSDate()] } };
  }
  const shifted = DateTime.fromObject(local, { zone });
  return { ok: false, failure: { ok: false, reason: 'nonexistent-time', suggestion: shifted.toJSDate() } };
}
