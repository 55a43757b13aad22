// What people read promises only what the bot does: every slash command a text names is a
// declared command (and a named sub-command one of its sub-commands), and features that are not
// built yet (advice requests, meetings, digests, privacy requests) are not offered in any text
// until their command exists.
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { localeResources, locales } from '../../src/core/i18n.ts';

function strings(tree: unknown, path = ''): Array<[key: string, text: string]> {
  if (typeof tree === 'string') return [[path, tree]];
  if (typeof tree !== 'object' || tree === null) return [];
  return Object.entries(tree).flatMap(([key, value]) => strings(value, path ? `${path}.${key}` : key));
}

const texts = locales.flatMap((locale) => strings(localeResources(locale)).map(([key, text]) => [`${locale}:${key}`, text] as const));

/** `/word` and the word after it, outside URLs and paths (`https://…/x`, `a/b`). */
function mentions(text: string): Array<{ command: string; next?: string }> {
  return [...text.matchAll(/(?<![\w/.:<])\/([a-z]+)(?: ([a-z]+))?/g)].map((m) => ({ command: m[1]!, next: m[2] }));
}

/** Why a mention does not match what is declared, or undefined when it does. */
function problem({ command: name, next }: { command: string; next?: string }): string | undefined {
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) return `/${name} is not a command`;
  if (!command.subcommands?.length || next === undefined) return undefined;
  if (command.subcommands.some((sub) => sub.name === next)) return undefined;
  // "Typ /profiel om …" reads as the bare command, which only works with a default sub-command.
  return command.defaultSubcommand ? undefined : `/${name} ${next} is not a sub-command`;
}

/** Features still to be built, the words that offer them, and the command that brings them. */
const UNBUILT_FEATURES: Array<{ command: string; offers: RegExp }> = [
  { command: 'advies', offers: /advies (te )?vragen|adviesvra|ask(ing)? for advice|advice request/i },
  { command: 'overleg', offers: /\boverleg(gen)?\b|vergader|\bmeetings?\b|\brsvp\b/i },
  { command: 'digest', offers: /\bdigests?\b|samenvatting per (dag|week)/i },
  { command: 'privacy', offers: /\bprivacy\b|export (je|my|your) (gegevens|data)|(verwijder|delete) (je|my|your) (gegevens|data)/i },
];

describe('texts name only what exists', () => {
  it('finds the texts it checks', () => {
    expect(texts.length).toBeGreaterThan(100);
    expect(texts.some(([, text]) => mentions(text).length > 0)).toBe(true);
  });

  it('every /command (and /command sub-command) in a text is declared', () => {
    const wrong = texts.flatMap(([key, text]) => mentions(text).flatMap((m) => (problem(m) ? [`${key}: ${problem(m)}`] : [])));
    expect(wrong).toEqual([]);
  });

  it('no text offers a feature whose command does not exist', () => {
    const declared = new Set(commands.map((command) => command.name));
    const wrong = UNBUILT_FEATURES.filter((feature) => !declared.has(feature.command)).flatMap((feature) =>
      texts.filter(([, text]) => feature.offers.test(text)).map(([key]) => `${key} offers /${feature.command}`),
    );
    expect(wrong).toEqual([]);
  });
});
