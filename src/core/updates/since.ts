// `sinds:` of /update lijst: a moment in the past as people type it, read with the meetings'
// date words ("gisteren", "3 maart", "15-10", "2026-11-30", a weekday) plus the phrases that
// only point back ("vorige week", "afgelopen maand", "3 dagen geleden", "last week"). It means
// the start of that day (or week, or month) in the configured zone; anything not understood,
// or in the future, is refused.
import { DateTime } from 'luxon';
import { leftover, normalise, Scanner } from '../meetings/scanner.ts';
import { takeDate, takeDateWithYear, takeDayWord, weekdayOnly } from '../meetings/when-date.ts';

const counts: Record<string, number> = { een: 1, één: 1, a: 1, an: 1, one: 1, twee: 2, two: 2, drie: 3, three: 3, vier: 4, four: 4, vijf: 5, five: 5, zes: 6, six: 6, zeven: 7, seven: 7, acht: 8, eight: 8, negen: 9, nine: 9, tien: 10, ten: 10 };
const units: Record<string, 'days' | 'weeks' | 'months'> = { dag: 'days', dagen: 'days', day: 'days', days: 'days', week: 'weeks', weken: 'weeks', weeks: 'weeks', maand: 'months', maanden: 'months', month: 'months', months: 'months' };

export function parseSince(text: string, env: { timezone: string; now: Date }): Date | undefined {
  if (text.length > 60) return undefined;
  const now = DateTime.fromJSDate(env.now, { zone: env.timezone });
  const scanner = new Scanner(normalise(text));
  const found = read(scanner, now);
  if (!found || !found.isValid || leftover(scanner.text) || found > now) return undefined;
  return found.toJSDate();
}

function read(scanner: Scanner, now: DateTime): DateTime | undefined {
  const today = now.startOf('day');
  const previous = scanner.take(/\b(?:vorige|afgelopen|last|past) (week|maand|month)\b/);
  if (previous) return previous[1] === 'week' ? now.startOf('week').minus({ weeks: 1 }) : now.startOf('month').minus({ months: 1 });
  if (scanner.take(/\b(?:deze|this) week\b/)) return now.startOf('week');
  if (scanner.take(/\b(?:deze|this) (?:maand|month)\b/)) return now.startOf('month');
  const ago = scanner.take(/\b(\d+|[a-zé]+) ([a-z]+) (?:geleden|ago)\b/);
  if (ago) {
    const count = /^\d+$/.test(ago[1]!) ? Number(ago[1]) : counts[ago[1]!];
    const unit = units[ago[2]!];
    return count !== undefined && unit ? today.minus({ [unit]: count }) : undefined;
  }
  const word = takeDayWord(scanner);
  if (word) return word.offset <= 0 && !word.part ? today.plus({ days: word.offset }) : undefined;
  const withYear = takeDateWithYear(scanner);
  if (withYear) return withYear.time ? undefined : DateTime.fromObject(withYear.date, { zone: now.zone });
  const date = takeDate(scanner);
  if (date) {
    const candidate = DateTime.fromObject({ year: date.year ?? now.year, month: date.month, day: date.day }, { zone: now.zone });
    // Without a year: the last such date that has been.
    return date.year === undefined && candidate > now ? candidate.minus({ years: 1 }) : candidate;
  }
  const weekday = weekdayOnly(scanner.text.replace(/^(?:vorige|afgelopen|last) /, ''));
  if (weekday !== undefined) {
    scanner.text = '';
    const back = (today.weekday - weekday + 7) % 7 || 7;
    return today.minus({ days: back === 7 && today.weekday === weekday ? 0 : back });
  }
  return undefined;
}
