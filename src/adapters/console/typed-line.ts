// One console line, read as the black-box contract says: `@naam …` is typed by console user
// `naam`, anything else by `local`; what follows is a slash command, a button press `!N`, or
// neither. Names are case-insensitive, so they are kept lower-case (`@Fatima` is `fatima`).
import { splitCommandLine } from '../../core/framework/text-parser.ts';

/** The console user who types a line without `@naam` prefix: the operator, an admin. */
export const CONSOLE_USER = 'local';

/** Letters, digits, `-`, `_` and `.`, as in the `console:<id>` form a user option accepts. */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export type TypedLine =
  | { kind: 'command'; userId: string; command: string; text: string }
  /** `!N`, or `!N naam:waarde …` for a form (the values are `text`). */
  | { kind: 'press'; userId: string; number: number; text: string }
  /** `>CODE tekst`: a message in the private conversation with that code (its subject's id). */
  | { kind: 'conversation'; userId: string; code: string; text: string }
  | { kind: 'other'; userId: string }
  | { kind: 'badName'; name: string };

/** Reads a non-empty, trimmed line. */
export function readTypedLine(line: string): TypedLine {
  let userId = CONSOLE_USER;
  let rest = line;
  if (line.startsWith('@')) {
    // The rest keeps its own spacing: it may be the text of an update.
    const [, word = '', after = ''] = /^@(\S*)\s*([\s\S]*)$/.exec(line)!;
    if (!NAME.test(word)) return { kind: 'badName', name: word };
    userId = word.toLowerCase();
    rest = after;
  }
  const press = /^!(\d+)(?:\s+([\s\S]*))?$/.exec(rest);
  if (press) return { kind: 'press', userId, number: Number(press[1]), text: press[2] ?? '' };
  const answer = /^>(\S+)\s*([\s\S]*)$/.exec(rest);
  if (answer) return { kind: 'conversation', userId, code: answer[1]!, text: answer[2]! };
  const typed = splitCommandLine(rest);
  if (typed) return { kind: 'command', userId, ...typed };
  return { kind: 'other', userId };
}
