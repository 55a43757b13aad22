// What people type after `/digest abonneer`, read into a schedule: a clock time in words or
// digits ("09:00", "9 uur 's ochtends", "half negen"), the parts, the weekday. Anything not
// understood is refused (never guessed), with the reason, so nothing half is stored.
import { leftover, normalise, Scanner } from '../meetings/scanner.ts';
import { takePartOfDay } from '../meetings/when-date.ts';
import { takeTime, toClock } from '../meetings/when-time.ts';

/** The parts a digest can carry, in the order they appear. */
export const digestPartNames = ['updates', 'overleg', 'advies', 'tip'] as const;
export type DigestPartName = (typeof digestPartNames)[number];

/** Dutch weekday names as `dag:` takes them (Discord shows them as choices). */
export const weekdayNames = ['maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag'] as const;

/** A clock time of day; undefined when the text is not (only) one ("25:00", "maandag 9"). */
export function parseClock(text: string): { hour: number; minute: number } | undefined {
  const scanner = new Scanner(normalise(text));
  const part = takePartOfDay(scanner);
  const span = takeTime(scanner);
  if (!span || span.end || leftover(scanner.text)) return undefined;
  // A bare hour is a 24-hour clock here ("tijd:8" is eight in the morning), unless a part of the day says otherwise.
  return toClock(span.start, part ?? 'morning');
}

/** The parts named in `delen:updates,tip` (of those available), in the canonical order; `unknown` lists the rest. */
export function parseParts(text: string, available: readonly DigestPartName[] = digestPartNames): { parts: DigestPartName[]; unknown: string[] } {
  const words = text.split(/[\s,;]+/).map((word) => word.trim().toLowerCase()).filter(Boolean);
  const unknown = words.filter((word) => !(available as readonly string[]).includes(word));
  const parts = available.filter((name) => words.includes(name));
  return { parts, unknown };
}

export function weekdayNumber(name: string): number {
  return (weekdayNames as readonly string[]).indexOf(name) + 1;
}
