// Times of day as people type them: "14:30", "19.30", "10u30", "8 uur", "half drie",
// "kwart voor 4", "tien over half vier", "2:30pm", "half past two", "noon", and ranges such as
// "14:00-15:30" or "van 10 tot 12 uur". chrono-node's Dutch parser misses most of these or loses
// the part of day, so we read them ourselves and only hand the date words to chrono.
import { Scanner } from './scanner.ts';

export type PartOfDay = 'morning' | 'afternoon' | 'evening' | 'night';

/** A time as typed, before the part of day and the afternoon rule make it a clock time. */
export interface TypedTime {
  hour: number;
  minute: number;
  /** Written with a leading zero ("07:00"): meant on the 24-hour clock as it stands. */
  padded?: boolean;
  meridiem?: 'am' | 'pm';
  /** "middernacht": 00:00 of the following day. */
  nextDay?: boolean;
}

export interface TypedSpan {
  start: TypedTime;
  end?: TypedTime;
}

const numberWords: Record<string, number> = {
  een: 1, één: 1, twee: 2, drie: 3, vier: 4, vijf: 5, zes: 6, zeven: 7, acht: 8, negen: 9, tien: 10,
  elf: 11, twaalf: 12, dertien: 13, veertien: 14, twintig: 20,
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, twenty: 20,
};
const word = Object.keys(numberWords).sort((a, b) => b.length - a.length).join('|');
const N = `(\\d{1,2}|${word})`;
// A bare number that is not the start of "10:30", "10.30" or "10u30".
const H = `${N}(?![:.u]\\d)`;
const AMPM = `(am|pm|a\\.m\\.|p\\.m\\.)`;

function num(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : (numberWords[text] ?? NaN);
}

function meridiem(text: string | undefined): 'am' | 'pm' | undefined {
  if (!text) return undefined;
  return text.startsWith('a') ? 'am' : 'pm';
}

/** "half drie" is 2:30: the clock hour before the named one, 12 instead of 0. */
function before(hour: number, minute: number): TypedTime {
  const h = hour - 1;
  return { hour: h === 0 ? 12 : h, minute };
}

interface Rule {
  pattern: RegExp;
  read: (m: RegExpExecArray) => TypedSpan;
}

const clock = (hour: number, minute = 0, extra: Partial<TypedTime> = {}): TypedSpan => ({ start: { hour, minute, ...extra } });
const hourRange = (m: RegExpExecArray): TypedSpan => ({ start: { hour: num(m[1]!), minute: 0 }, end: { hour: num(m[2]!), minute: 0 } });
const padded = (digits: string) => digits.startsWith('0');
const rule = (source: string, read: Rule['read']): Rule => ({ pattern: new RegExp(source), read });

// The earliest match in the text wins, the longest on a tie ("van 10 tot 12 uur" over "12 uur").
const rules: Rule[] = [
  // "van 10 tot 12 uur", "from 9 to 5"
  rule(`\\b(?:van|from) ${H} ?(?:-|tot|to|until|till) ?${H}(?: ?uur)?\\b`, hourRange),
  // "10-12 uur"
  rule(`\\b(\\d{1,2}) ?- ?(\\d{1,2}) ?uur\\b`, hourRange),
  // "14:30", "19.30", "14.00u", "2:30pm"
  rule(`(?<![\\d:.])(\\d{1,2})[:.](\\d{2})(?![\\d:.]\\d)(?: ?(?:uur|u|h)\\b)?(?: ?${AMPM})?`, (m) =>
    clock(Number(m[1]), Number(m[2]), { padded: padded(m[1]!), meridiem: meridiem(m[3]) })),
  // "10u", "10u30"
  rule(`(?<![\\d:.])(\\d{1,2})u(\\d{2})?\\b`, (m) => clock(Number(m[1]), Number(m[2] ?? 0), { padded: padded(m[1]!) })),
  // "2pm", "10 am"
  rule(`(?<![\\d:.])(\\d{1,2}) ?${AMPM}`, (m) => clock(Number(m[1]), 0, { meridiem: meridiem(m[2]) })),
  // "tien over half vier" (3:40), "vijf voor half drie" (2:25)
  rule(`\\b${N} (over|voor) half ${N}\\b`, (m) => ({ start: before(num(m[3]!), 30 + (m[2] === 'over' ? 1 : -1) * num(m[1]!)) })),
  // "half drie" (2:30)
  rule(`\\bhalf ${N}\\b`, (m) => ({ start: before(num(m[1]!), 30) })),
  // "kwart over 9", "kwart voor 4", "a quarter to four"
  rule(`\\b(?:een |a )?(?:kwart|quarter) (over|voor|past|to) ${N}\\b`, (m) => ({ start: quarter(m[1]!, num(m[2]!)) })),
  // "half past two"
  rule(`\\bhalf past ${N}\\b`, (m) => clock(num(m[1]!), 30)),
  // "vijf over drie", "tien voor vier", "ten past two"
  rule(`\\b${N}(?: minutes?)? (over|voor|past|to) ${N}\\b`, (m) => ({ start: offset(num(m[1]!), m[2]!, num(m[3]!)) })),
  // "8 uur", "twaalf uur", "three o'clock"
  rule(`\\b${N} ?(?:uur|o'clock)\\b`, (m) => clock(num(m[1]!))),
  // "om 3", "at 8" (not "om tien over half vier", read above)
  rule(`\\b(?:om|at) ${H}\\b(?! (?:over|voor|past|to|minutes?)\\b)`, (m) => clock(num(m[1]!))),
  rule(`\\b(noon|midday)\\b`, () => clock(12, 0, { padded: true })),
  rule(`\\b(middernacht|midnight)\\b`, () => clock(0, 0, { padded: true, nextDay: true })),
];

function quarter(direction: string, hour: number): TypedTime {
  return direction === 'over' || direction === 'past' ? { hour, minute: 15 } : before(hour, 45);
}

function offset(minutes: number, direction: string, hour: number): TypedTime {
  return direction === 'over' || direction === 'past' ? { hour, minute: minutes } : before(hour, 60 - minutes);
}

interface Found {
  index: number;
  length: number;
  span: TypedSpan;
}

function firstMatch(text: string, from = 0, sticky = false): Found | undefined {
  let best: Found | undefined;
  for (const rule of rules) {
    const pattern = new RegExp(rule.pattern.source, sticky ? 'y' : 'g');
    pattern.lastIndex = from;
    const m = pattern.exec(text);
    if (!m) continue;
    const found = { index: m.index, length: m[0].length, span: rule.read(m) };
    if (!best || found.index < best.index || (found.index === best.index && found.length > best.length)) best = found;
  }
  return best;
}

const rangeJoin = /\s*(?:-|tot(?: en met)?|t\/m|to|until|till)\s*/y;

/**
 * Takes the first time of day (and the end of a range typed right after it) out of the
 * scanner's text. Returns undefined when there is none; a second, unrelated time stays in the
 * text, so the caller sees it as not understood.
 */
export function takeTime(scanner: Scanner): TypedSpan | undefined {
  const text = scanner.text;
  const start = firstMatch(text);
  if (!start) return undefined;
  let endIndex = start.index + start.length;
  let span = start.span;
  rangeJoin.lastIndex = endIndex;
  const join = rangeJoin.exec(text);
  if (!span.end && join) {
    const end = firstMatch(text, endIndex + join[0].length, true);
    if (end) {
      span = { start: span.start, end: end.span.start };
      endIndex = end.index + end.length;
    }
  }
  scanner.text = `${text.slice(0, start.index)} ${text.slice(endIndex)}`;
  return span;
}

/**
 * The clock time (0–23, 0–59) a typed time means, or undefined when it cannot be one.
 * Without a part of day, 1 to 7 o'clock mean the afternoon ("half drie" is 14:30), unless the
 * hour was written with a leading zero ("07:00").
 */
export function toClock(time: TypedTime, part?: PartOfDay): { hour: number; minute: number } | undefined {
  const hour = clockHour(time, part);
  if (hour === undefined || !Number.isInteger(hour) || hour < 0 || hour > 23) return undefined;
  if (!Number.isInteger(time.minute) || time.minute < 0 || time.minute > 59) return undefined;
  return { hour, minute: time.minute };
}

function clockHour(time: TypedTime, part?: PartOfDay): number | undefined {
  const h = time.hour;
  if (time.meridiem) {
    if (h < 1 || h > 12) return undefined;
    return (h % 12) + (time.meridiem === 'pm' ? 12 : 0);
  }
  if (h > 12 || time.padded) return h;
  switch (part) {
    case 'afternoon':
    case 'evening':
      return h === 12 ? 12 : h + 12;
    case 'night':
      return h === 12 ? 0 : h >= 8 ? h + 12 : h;
    case 'morning':
      return h;
    default:
      return h >= 1 && h <= 7 ? h + 12 : h;
  }
}
