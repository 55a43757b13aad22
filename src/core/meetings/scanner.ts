// A typed moment is read piece by piece: each recogniser takes the words it understands out of
// the text, so at the end we can tell whether every word was understood. A leftover word means
// we refuse rather than guess ("do je mee om 3 uur" is not a Thursday).

/** Mutable text from which recognised phrases are removed. */
export class Scanner {
  constructor(public text: string) {}

  /** Removes the first match of `pattern` and returns it; the gap becomes a space. */
  take(pattern: RegExp): RegExpExecArray | undefined {
    const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(this.text);
    if (!match) return undefined;
    this.text = `${this.text.slice(0, match.index)} ${this.text.slice(match.index + match[0].length)}`;
    return match;
  }

  /** Rewrites the text in place (for synonyms that a later step reads). */
  rewrite(pattern: RegExp, replacement: string): void {
    this.text = this.text.replace(pattern, replacement);
  }
}

// Words that carry no meaning of their own next to a date or time ("op dinsdag om 10 uur").
const filler = /\b(om|op|rond|omstreeks|at|on|around|de|het|the|uur|van|vanaf|from|tussen|between|en|and)\b/g;

/** What is left once the filler words and punctuation are gone; empty means all was understood. */
export function leftover(text: string): string {
  return text.replace(filler, ' ').replace(/[\s,.;]+/g, ' ').trim();
}

/** Lower case, one kind of apostrophe and dash, single spaces. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[–—]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}
