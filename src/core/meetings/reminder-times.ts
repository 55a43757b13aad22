// `herinnering:"24u,1u"`: when before the start those who said Ja or Misschien are reminded.
// Each part is a number with a unit (minutes, hours or days, Dutch or English); `geen` means
// no reminders. Between 5 minutes and 14 days, at most four, each once, latest reminder last.
import type { Translate } from '../i18n.ts';

export const MAX_REMINDERS = 4;
const MIN_MINUTES = 5;
const MAX_MINUTES = 14 * 24 * 60;

export type ReminderTimesResult = { ok: true; minutes: number[] } | { ok: false; reason: 'unparseable'; part: string } | { ok: false; reason: 'out-of-range' | 'too-many' };

const UNITS: [RegExp, number][] = [
  [/^(m|min|mins|minuut|minuten|minute|minutes)$/, 1],
  [/^(u|uur|uren|h|hr|hour|hours)$/, 60],
  [/^(d|dag|dagen|day|days)$/, 24 * 60],
];

function partMinutes(part: string): number | undefined {
  const match = /^(\d+(?:[.,]\d+)?)\s*([a-z]+)$/.exec(part);
  if (!match) return undefined;
  const unit = UNITS.find(([pattern]) => pattern.test(match[2]!));
  if (!unit) return undefined;
  return Math.round(Number(match[1]!.replace(',', '.')) * unit[1]);
}

export function parseReminderTimes(text: string): ReminderTimesResult {
  const input = text.trim().toLowerCase();
  if (input === 'geen' || input === 'none') return { ok: true, minutes: [] };
  // "1,5 uur" is one part: a comma only separates where a unit came before it.
  const parts = input.split(/(?<=[a-z])\s*[,;]\s*|\s+en\s+|\s+and\s+/).map((part) => part.trim()).filter(Boolean);
  const minutes: number[] = [];
  for (const part of parts) {
    const value = partMinutes(part);
    if (value === undefined) return { ok: false, reason: 'unparseable', part };
    if (value < MIN_MINUTES || value > MAX_MINUTES) return { ok: false, reason: 'out-of-range' };
    if (!minutes.includes(value)) minutes.push(value);
  }
  if (minutes.length === 0) return { ok: false, reason: 'unparseable', part: text };
  if (minutes.length > MAX_REMINDERS) return { ok: false, reason: 'too-many' };
  return { ok: true, minutes: minutes.sort((a, b) => b - a) };
}

/** "2 dagen, 1 uur en 30 minuten voor het begin" (or that there are none). */
export function describeReminderTimes(t: Translate, minutes: readonly number[]): string {
  if (minutes.length === 0) return t('meetings.reminderTimes.none');
  const words = minutes.map((value) => {
    if (value % 1440 === 0) return t('meetings.reminderTimes.days', { count: value / 1440 });
    if (value % 60 === 0) return t('meetings.reminderTimes.hours', { count: value / 60 });
    return t('meetings.reminderTimes.minutes', { count: value });
  });
  const list = words.length > 1 ? t('meetings.reminderTimes.list', { rest: words.slice(0, -1).join(', '), last: words.at(-1) }) : words[0]!;
  return t('meetings.reminderTimes.before', { list });
}
