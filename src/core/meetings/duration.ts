// How long a meeting lasts, as people type it: "90", "90 min", "1u30", "1h30", "1,5 uur",
// "2 uur", "anderhalf uur", "een half uur", "kwartier", "1:30", "2 hours".
import { normalise } from './scanner.ts';

export const defaultDurationMinutes = 60;
export const maxDurationMinutes = 12 * 60;

export type DurationResult =
  | { ok: true; minutes: number }
  | { ok: false; reason: 'unparseable' }
  | { ok: false; reason: 'out-of-range'; minutes: number };

const hourUnit = '(?:uur|uren|u|h|hrs?|hours?)';
const minuteUnit = '(?:minuten|minuut|min|m|minutes?|mins?)';
const amount = '(\\d+(?:[.,]\\d+)?)';

const forms: Array<[RegExp, (m: RegExpExecArray) => number]> = [
  [/^(\d+)$/, (m) => Number(m[1])],
  [new RegExp(`^${amount} ?${minuteUnit}$`), (m) => decimal(m[1]!)],
  [new RegExp(`^${amount} ?${hourUnit}$`), (m) => Math.round(decimal(m[1]!) * 60)],
  [new RegExp(`^(\\d+) ?${hourUnit}(?: en)? ?(\\d+)(?: ?${minuteUnit})?$`), (m) => hoursAndMinutes(m)],
  [/^(\d+):(\d{2})$/, (m) => hoursAndMinutes(m)],
  [/^anderhalf uur$/, () => 90],
  [/^(?:een |an? )?half (?:uur|an hour|hour)$/, () => 30],
  [/^(?:een |an? )?(?:kwartier|quarter(?: of an hour)?)$/, () => 15],
  [/^(?:een|an?|one) (?:uur|hour)$/, () => 60],
];

/** "1u30": the minutes part must be under an hour ("1u70" is a typo, not 2u10). */
function hoursAndMinutes(m: RegExpExecArray): number {
  const minutes = Number(m[2]);
  return minutes < 60 ? Number(m[1]) * 60 + minutes : NaN;
}

function decimal(text: string): number {
  return Number(text.replace(',', '.'));
}

/**
 * The duration in minutes; empty text gives the default (60). Whole minutes from 5 minutes to
 * 12 hours; a bare number is minutes ("90").
 */
export function parseDuration(text: string | undefined): DurationResult {
  const input = normalise(text ?? '');
  if (!input) return { ok: true, minutes: defaultDurationMinutes };
  for (const [pattern, read] of forms) {
    const m = pattern.exec(input);
    if (!m) continue;
    const minutes = read(m);
    if (!Number.isFinite(minutes) || !Number.isInteger(minutes)) return { ok: false, reason: 'unparseable' };
    if (minutes < 5 || minutes > maxDurationMinutes) return { ok: false, reason: 'out-of-range', minutes };
    return { ok: true, minutes };
  }
  return { ok: false, reason: 'unparseable' };
}

/**
 * When a meeting ends: at the end typed with its time ("14:00-15:30") if there was one, else
 * the duration after the start (the default hour when no duration was typed either).
 */
export function meetingEnd(start: Date, typedEnd: Date | undefined, minutes = defaultDurationMinutes): Date {
  return typedEnd ?? new Date(start.getTime() + minutes * 60_000);
}
