// Typed commands (Slack's text field, the console) into a sub-command and option values.
// Rules, in this order: the first word may name a sub-command; `naam:waarde` words at the start
// or end set options by name; a leading `#woord` fills the option declared with hashPrefix; the
// rest fills options in declared order, and a long-text option takes everything that is left.
import type { CommandDeclaration, Invocable } from './declarations.ts';

export type ParsedText =
  | { ok: true; subcommand?: string; values: Record<string, string> }
  | { ok: false; problem: 'unknownSubcommand'; word: string }
  | { ok: false; problem: 'tooMany'; extra: string };

interface Token {
  value: string;
  start: number;
  end: number;
}

const QUOTES: Record<string, string> = { '"': '"', '“': '”', '„': '”', "'": "'" };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    let value = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      const close = QUOTES[text[i]!];
      const closing = close ? text.indexOf(close, i + 1) : -1;
      if (close && closing > i) {
        value += text.slice(i + 1, closing);
        i = closing + 1;
      } else {
        value += text[i];
        i++;
      }
    }
    tokens.push({ value, start, end: i });
  }
  return tokens;
}

const NAMED = /^([a-z][a-z0-9_-]*)[:=](.*)$/s;

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
  const takeNamed = (token: Token | undefined): boolean => {
    const match = token && NAMED.exec(token.value);
    if (!match || !names.includes(match[1]!)) return false;
    values[match[1]!] = match[2]!;
    return true;
  };
  while (tokens.length && takeNamed(tokens[0])) tokens = tokens.slice(1);
  while (tokens.length && takeNamed(tokens[tokens.length - 1])) tokens = tokens.slice(0, -1);

  const hashOption = names.find((name) => invocable.options[name]!.hashPrefix);
  if (hashOption && values[hashOption] === undefined && tokens[0]?.value.startsWith('#')) {
    values[hashOption] = tokens[0].value.slice(1);
    tokens = tokens.slice(1);
  }
  for (const name of names) {
    if (values[name] !== undefined || tokens.length === 0) continue;
    const option = invocable.options[name]!;
    if (option.hashPrefix) continue;
    if (option.rest) {
      // Keep the person's own spacing and line breaks in free text.
      values[name] = text.slice(tokens[0]!.start, tokens[tokens.length - 1]!.end);
      tokens = [];
    } else {
      values[name] = tokens[0]!.value;
      tokens = tokens.slice(1);
    }
  }
  if (tokens.length) return { ok: false, problem: 'tooMany', extra: tokens.map((t) => t.value).join(' ') };
  return { ok: true, subcommand, values };
}

/** Splits "/update plaats …" into the command word and the rest, as Slack delivers it. */
export function splitCommandLine(line: string): { command: string; text: string } | undefined {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line.trim());
  return match ? { command: match[1]!.toLowerCase(), text: match[2]! } : undefined;
}
