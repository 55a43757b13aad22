// Typed commands (Slack's text field, the console) into a sub-command and option values.
// Rules, in this order: the first word may name a sub-command; `naam:waarde` words at the start
// or end set options by name (each at most once); a leading `#woord` fills the option declared
// with hashPrefix; the rest fills options in declared order, and a long-text option takes
// everything that is left.
// Everything here is linear in the length of the text: anyone in a workspace can type, and
// this runs before access and length checks, so a slow path would stall every other request.
import type { CommandDeclaration, Invocable } from './declarations.ts';

export type ParsedText =
  | { ok: true; subcommand?: string; values: Record<string, string> }
  | { ok: false; problem: 'unknownSubcommand'; word: string }
  /** `quoteHint`: the last option took one word of several; quotes would keep them together. */
  | { ok: false; problem: 'tooMany'; subcommand?: string; extra: string; quoteHint?: { name: string; value: string } }
  | { ok: false; problem: 'repeated'; subcommand?: string; name: string };

export interface Token {
  value: string;
  start: number;
  end: number;
}

/** Opening quote → its closing quote, by character code. */
const QUOTES = new Map<number, string>([
  [0x22, '"'], // "
  [0x201c, '”'], // “
  [0x201e, '”'], // „
  [0x27, "'"], // '
]);

/** What `\s` matches, by character code (no one-character strings made per character). */
function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/**
 * Words, with quoted parts kept together. An opening quote without a closing one is just a
 * character. Where each closing quote next occurs is remembered, so the text is searched
 * forward at most once per kind of quote (searching again at every quote was quadratic).
 */
export function tokenize(text: string): Token[] {
  const nextAt = new Map<string, { from: number; at: number }>();
  const closingAfter = (close: string, from: number): number => {
    const known = nextAt.get(close);
    // The last search started at or before `from` and found the next one at or after it (or none).
    if (known && known.from <= from && (known.at === -1 || known.at >= from)) return known.at;
    const at = text.indexOf(close, from);
    nextAt.set(close, { from, at });
    return at;
  };
  const tokens: Token[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    while (i < length && isSpace(text.charCodeAt(i))) i++;
    if (i >= length) break;
    const start = i;
    let value = '';
    // Plain characters are copied in runs, not one by one.
    let run = i;
    while (i < length) {
      const code = text.charCodeAt(i);
      if (isSpace(code)) break;
      const close = QUOTES.get(code);
      const closing = close ? closingAfter(close, i + 1) : -1;
      if (closing > i) {
        value += text.slice(run, i) + text.slice(i + 1, closing);
        i = closing + 1;
        run = i;
      } else {
        i++;
      }
    }
    value += text.slice(run, i);
    tokens.push({ value, start, end: i });
  }
  return tokens;
}

const NAMED = /^([a-z][a-z0-9_-]*)[:=]/;

export function parseCommandText(command: CommandDeclaration, text: string): ParsedText {
  let tokens = tokenize(text);
  let subcommand: string | undefined;
  let invocable: Invocable | undefined = command.root;
  if (command.subcommands?.length) {
    const first = tokens[0]?.value.toLowerCase();
    const named = command.subcommands.find((sub) => sub.name === first);
    const fallback = command.subcommands.find((sub) => sub.name === command.defaultSubcommand);
    if (named) {
      subcommand = named.name;
      invocable = named;
      tokens = tokens.slice(1);
    } else if (first === undefined || (fallback && Object.keys(fallback.options).length > 0)) {
      subcommand = fallback?.name;
      invocable = fallback;
    } else {
      return { ok: false, problem: 'unknownSubcommand', word: tokens[0]!.value };
    }
  }
  if (!invocable) return { ok: true, subcommand, values: {} };
  return assignOptions(invocable, text, tokens, subcommand);
}

function assignOptions(invocable: Invocable, text: string, tokens: Token[], subcommand?: string): ParsedText {
  const names = Object.keys(invocable.options);
  const values: Record<string, string> = {};
  // The words still unassigned are tokens[first..last); indices, not slices, keep this linear.
  let first = 0;
  let last = tokens.length;
  let repeated: string | undefined;
  const takeNamed = (token: Token | undefined): boolean => {
    const match = token && NAMED.exec(token.value);
    if (!match || !names.includes(match[1]!)) return false;
    // `gemeente:A gemeente:B`: which one was meant? Say so instead of silently keeping one.
    if (values[match[1]!] !== undefined) {
      repeated = match[1]!;
      return false;
    }
    values[match[1]!] = token.value.slice(match[0].length);
    return true;
  };
  while (first < last && takeNamed(tokens[first])) first++;
  while (first < last && takeNamed(tokens[last - 1])) last--;
  if (repeated) return { ok: false, problem: 'repeated', subcommand, name: repeated };

  const hashOption = names.find((name) => invocable.options[name]!.hashPrefix);
  if (hashOption && values[hashOption] === undefined && first < last && tokens[first]!.value.startsWith('#')) {
    values[hashOption] = tokens[first]!.value.slice(1);
    first++;
    // `/advies vraag #thema urgentie:hoog <vraag>`: named options may follow the theme too.
    while (first < last && takeNamed(tokens[first])) first++;
    if (repeated) return { ok: false, problem: 'repeated', subcommand, name: repeated };
  }
  let lastPositional: string | undefined;
  for (const name of names) {
    if (values[name] !== undefined || first >= last) continue;
    const option = invocable.options[name]!;
    if (option.hashPrefix || option.namedOnly) continue;
    if (option.rest) {
      // Keep the person's own spacing and line breaks in free text.
      values[name] = text.slice(tokens[first]!.start, tokens[last - 1]!.end);
      first = last;
    } else {
      values[name] = tokens[first]!.value;
      lastPositional = name;
      first++;
    }
  }
  if (first < last) {
    const extra = tokens.slice(first, last).map((t) => t.value).join(' ');
    const hinted = lastPositional && invocable.options[lastPositional]!.kind === 'string' ? lastPositional : undefined;
    return {
      ok: false,
      problem: 'tooMany',
      subcommand,
      extra,
      ...(hinted ? { quoteHint: { name: hinted, value: `${values[hinted]} ${extra}` } } : {}),
    };
  }
  return { ok: true, subcommand, values };
}

/** Splits "/update plaats …" into the command word and the rest, as Slack delivers it. */
export function splitCommandLine(line: string): { command: string; text: string } | undefined {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line.trim());
  return match ? { command: match[1]!.toLowerCase(), text: match[2]! } : undefined;
}
