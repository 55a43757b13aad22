// Date words as people type them, read before chrono-node sees the text: parts of the day
// ("'s avonds", "vanmiddag", "dinsdagavond"), day words ("overmorgen", which chrono does not
// know), and explicit dates ("3-3-2027", "15-10", "3 maart", "March 3rd"). Explicit dates are
// checked here, so "31 februari" is refused instead of silently becoming 3 March.
import { Scanner } from './scanner.ts';
import type { PartOfDay } from './when-time.ts';

export interface TypedDate {
  day: number;
  month: number;
  year?: number;
}

const months: Record<string, number> = {
  januari: 1, january: 1, jan: 1, februari: 2, february: 2, feb: 2, maart: 3, march: 3, mrt: 3, mar: 3,
  april: 4, apr: 4, mei: 5, may: 5, juni: 6, june: 6, jun: 6, juli: 7, july: 7, jul: 7,
  augustus: 8, august: 8, aug: 8, september: 9, sept: 9, sep: 9, oktober: 10, october: 10, okt: 10, oct: 10,
  november: 11, nov: 11, december: 12, dec: 12,
};
const monthWord = `(${Object.keys(months).sort((a, b) => b.length - a.length).join('|')})\\.?`;

/** Weekday names and their abbreviations, ISO numbered (1 = Monday), Dutch and English. */
export const weekdays: Record<string, number> = {
  maandag: 1, ma: 1, monday: 1, mon: 1, dinsdag: 2, di: 2, tuesday: 2, tue: 2, tues: 2,
  woensdag: 3, wo: 3, wednesday: 3, wed: 3, donderdag: 4, do: 4, thursday: 4, thu: 4, thur: 4, thurs: 4,
  vrijdag: 5, vr: 5, vrij: 5, friday: 5, fri: 5, zaterdag: 6, za: 6, saturday: 6, sat: 6,
  zondag: 7, zo: 7, sunday: 7, sun: 7,
};
const fullWeekday = '(maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)';

const partWords: Record<string, PartOfDay> = {
  avond: 'evening', avonds: 'evening', evening: 'evening', tonight: 'evening',
  middag: 'afternoon', middags: 'afternoon', afternoon: 'afternoon',
  ochtend: 'morning', ochtends: 'morning', morgen: 'morning', morgens: 'morning', vroeg: 'morning', morning: 'morning',
  nacht: 'night', nachts: 'night', night: 'night',
};

/** "'s avonds", "in de middag", "in the morning", "dinsdagavond" (left as "dinsdag"). */
export function takePartOfDay(scanner: Scanner): PartOfDay | undefined {
  const compound = scanner.take(new RegExp(`\\b${fullWeekday}(avond|middag|ochtend|morgen|nacht)\\b`));
  if (compound) {
    scanner.text = `${scanner.text} ${compound[1]}`;
    return partWords[compound[2]!];
  }
  const m =
    scanner.take(/(?:'s|\bs)[ -]?(avonds|middags|ochtends|morgens|nachts)\b/) ??
    scanner.take(/\bin de (avond|middag|ochtend|nacht)\b/) ??
    scanner.take(/\b(?:in the )?(evening|afternoon|morning)\b/) ??
    scanner.take(/\bat (night)\b/);
  return m ? partWords[m[1]!] : undefined;
}

export interface DayWord {
  offset: number;
  part?: PartOfDay;
}

/** "vandaag", "vanavond", "morgen(middag)", "overmorgen", "tonight", "tomorrow", "gisteren". */
export function takeDayWord(scanner: Scanner): DayWord | undefined {
  const today = scanner.take(/\b(?:van|this )(avond|middag|ochtend|morgen|nacht|evening|afternoon|morning)\b/) ?? scanner.take(/\b(tonight)\b/);
  if (today) return { offset: 0, part: partWords[today[1]!] };
  const later = scanner.take(/\b(overmorgen|morgen|day after tomorrow|tomorrow)(avond|middag|ochtend|vroeg|nacht)?\b/);
  if (later) return { offset: later[1] === 'morgen' || later[1] === 'tomorrow' ? 1 : 2, part: later[2] ? partWords[later[2]] : undefined };
  if (scanner.take(/\b(vandaag|today)\b/)) return { offset: 0 };
  if (scanner.take(/\b(gisteren|yesterday)\b/)) return { offset: -1 };
  return undefined;
}

function year(text: string | undefined): number | undefined {
  if (!text) return undefined;
  return text.length === 2 ? 2000 + Number(text) : Number(text);
}

/** ISO dates ("2027-03-03", also with "T14:00") and numeric dates with a year ("3-3-2027"). */
export function takeDateWithYear(scanner: Scanner): { date: TypedDate; time?: { hour: number; minute: number } } | undefined {
  const iso = scanner.take(/\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[t ](\d{1,2}):(\d{2})(?::00)?)?\b/);
  if (iso) {
    const date = { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };
    return { date, time: iso[4] ? { hour: Number(iso[4]), minute: Number(iso[5]) } : undefined };
  }
  const numeric = scanner.take(/(?<![\d:.])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?![\d:])/);
  if (numeric) return { date: { day: Number(numeric[1]), month: Number(numeric[3]), year: year(numeric[4]) } };
  return undefined;
}

/** "3 maart (2027)", "March 3rd, 2027", and numeric dates without a year ("15-10", "15/10"). */
export function takeDate(scanner: Scanner): TypedDate | undefined {
  const dayFirst = scanner.take(new RegExp(`\\b(\\d{1,2})(?:e|ste|de)? ${monthWord}(?:,? (\\d{4}))?(?![\\w:])`));
  if (dayFirst) return { day: Number(dayFirst[1]), month: months[dayFirst[2]!]!, year: year(dayFirst[3]) };
  const monthFirst = scanner.take(new RegExp(`\\b${monthWord} (\\d{1,2})(?:st|nd|rd|th)?(?:,? (\\d{4}))?(?![\\w:])`));
  if (monthFirst) return { day: Number(monthFirst[2]), month: months[monthFirst[1]!]!, year: year(monthFirst[3]) };
  const numeric = scanner.take(/(?<![\d:.])(\d{1,2})[-/](\d{1,2})(?![\d:./-])/);
  if (numeric) return { day: Number(numeric[1]), month: Number(numeric[2]) };
  return undefined;
}

/**
 * "over 2 uur", "binnen 3 dagen", "in 2 hours": phrases for chrono, taken out before times
 * are read so that "2 uur" in them is not read as two o'clock.
 */
export function takeRelative(scanner: Scanner): string | undefined {
  return scanner.take(relativePhrase)?.[0];
}

const relativeCount = '(?:\\d+|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|a|an|one|two|three|four|five|six|seven|eight|nine|ten)';
const relativeUnit = '(?:minuten|minuut|min|uur|uren|dagen|dag|weken|week|maanden|maand|minutes?|hours?|days?|weeks?|months?)';
const relativePhrase = new RegExp(`\\b(?:over|binnen|in) ${relativeCount} ${relativeUnit}\\b`);

/** A lone weekday ("di", "dinsdag", "tuesday"), as left next to an explicit date. */
export function weekdayOnly(text: string): number | undefined {
  const m = /^([a-z]+)\.?$/.exec(text.trim());
  return m ? weekdays[m[1]!] : undefined;
}

/** Word orders chrono splits or ignores: "dinsdag volgende week", "aanstaande dinsdag". */
export function rewriteWeekdayPhrases(scanner: Scanner): void {
  scanner.rewrite(new RegExp(`\\b${fullWeekday} (volgende|komende) week\\b`, 'g'), 'volgende week $1');
  scanner.rewrite(/\b(aanstaande|komende|eerstvolgende|coming)\b/g, ' ');
}
