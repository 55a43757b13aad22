// What a person sees of a text, as opposed to its code units: text of only invisible
// characters is empty, lengths are counted in characters as people count them (grapheme
// clusters: "😀" and "é" written as e + accent are one each), control characters are refused.

/**
 * Characters that show nothing: format characters (Cf: zero-width space and joiners, bidi
 * marks and overrides, word joiner, BOM, soft hyphen …), every kind of space (Z), and the
 * fillers that render blank although Unicode calls them letters (Hangul fillers, braille blank).
 */
const INVISIBLE_ONLY = /^[\p{Cf}\p{Z}\s\u034F\u115F\u1160\u17B4\u17B5\u180E\u2800\u3164\uFFA0]*$/u;

/** Invisible characters at either end: trimmed like spaces. Not the emoji tag characters
 *  (U+E0020–E007F, also Cf): they end subdivision flags such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿. */
const EDGE_INVISIBLES = /^[\s\u00AD\u034F\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]+|[\s\u00AD\u034F\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]+$/g;

/** Control characters never wanted in chat input (NUL, escape, DEL, C1); not tab or line breaks. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export function isBlank(text: string): boolean {
  return INVISIBLE_ONLY.test(text);
}

export function trimInvisible(text: string): string {
  return text.replace(EDGE_INVISIBLES, '');
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The number of characters as people count them. `stopAfter` ends the count early: checking
 * "at most 2000" never needs to walk a megabyte.
 */
export function graphemeLength(text: string, stopAfter = Number.POSITIVE_INFINITY): number {
  // Fast path: every code unit below the surrogates and combining marks is one character.
  if (/^[\u0000-\u02FF]*$/.test(text)) return text.replace(/\r\n/g, '\n').length;
  let count = 0;
  for (const _ of segmenter.segment(text)) {
    if (++count > stopAfter) break;
  }
  return count;
}
