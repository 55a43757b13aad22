// The declarations as Discord application commands, and Discord's limits checked when they are
// generated rather than when Discord refuses them.
import { describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { commands } from '../../commands/index.ts';
import { buildCommandJson, DiscordCommandLimitError } from '../../src/adapters/discord/command-json.ts';
import { defineCommand, invocable, subcommand } from '../../src/core/framework/declarations.ts';
import { choice, integer, string, user } from '../../src/core/framework/options.ts';
import { ephemeral } from '../../src/core/framework/reply.ts';
import { translator } from '../../src/core/i18n.ts';

const json = buildCommandJson(commands);
const find = (name: string) => json.find((command) => command.name === name)!;
const subOf = (command: string, sub: string) =>
  find(command).options!.find((option) => option.name === sub) as { type: number; options?: Record<string, unknown>[]; description: string; description_localizations?: Record<string, string> };

describe('generated commands', () => {
  it('has one chat-input command per declaration, sub-commands as SUB_COMMAND options', () => {
    expect(json.map((command) => command.name)).toEqual(commands.map((command) => command.name));
    expect(json.every((command) => command.type === 1)).toBe(true);
    expect(subOf('update', 'plaats').type).toBe(ApplicationCommandOptionType.Subcommand);
    // A root command has its options directly.
    expect(find('help').options).toEqual([expect.objectContaining({ name: 'commando', type: ApplicationCommandOptionType.String, max_length: 32 })]);
  });

  it('describes in English by default, with the Dutch text as the nl localisation; names stay Dutch', () => {
    const update = find('update');
    expect(update.description).toBe(translator('en')('commands.update.description'));
    expect(update.description_localizations).toEqual({ nl: translator('nl')('commands.update.description') });
    expect(update.name_localizations).toBeUndefined();
    expect(subOf('handreiking', 'zoek').description_localizations?.nl).toBe('Zoek passages in de handreiking');
  });

  it('types options, puts required ones first, and makes the long text optional (a modal asks for it)', () => {
    const plaats = subOf('update', 'plaats').options!;
    expect(plaats.map((option) => option.name)).toEqual(['thema', 'tekst', 'gemeente']);
    const [thema, tekst, gemeente] = plaats;
    expect(thema).toMatchObject({ type: ApplicationCommandOptionType.String });
    expect((thema!.choices as unknown[]).length).toBe(10);
    expect(thema!.choices).toContainEqual({ name: 'Collaboration', name_localizations: { nl: 'Samenwerking' }, value: 'samenwerking' });
    expect(tekst).toMatchObject({ type: ApplicationCommandOptionType.String, max_length: 2000 });
    expect(tekst!.required).toBeUndefined();
    expect(gemeente).toMatchObject({ autocomplete: true, max_length: 100 });
    expect(subOf('profiel', 'koppel').options![0]).toMatchObject({ name: 'organisatie', required: true, autocomplete: true });
  });

  it('turns every option kind into the matching Discord type', () => {
    const built = buildCommandJson([
      defineCommand({
        name: 'soorten',
        root: invocable({
          access: 'everyone',
          options: {
            tekst: string({ maxLength: 50, minLength: 3 }),
            aantal: integer({ required: true, min: 1, max: 9 }),
            keuze: choice(['a', 'b'] as const),
            wie: user(),
          },
          run: async () => ephemeral({}),
        }),
      }),
    ], fakeTexts());
    expect(built[0]!.options).toEqual([
      { name: 'aantal', description: 'd', description_localizations: { nl: 'd' }, required: true, type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: 9 },
      { name: 'tekst', description: 'd', description_localizations: { nl: 'd' }, type: ApplicationCommandOptionType.String, min_length: 3, max_length: 50 },
      {
        name: 'keuze',
        description: 'd',
        description_localizations: { nl: 'd' },
        type: ApplicationCommandOptionType.String,
        choices: [
          { name: 'd', name_localizations: { nl: 'd' }, value: 'a' },
          { name: 'd', name_localizations: { nl: 'd' }, value: 'b' },
        ],
      },
      { name: 'wie', description: 'd', description_localizations: { nl: 'd' }, type: ApplicationCommandOptionType.User },
    ]);
  });
});

/** Texts for made-up commands: `d`, or what the test says for one key. */
function fakeTexts(overrides: Record<string, string> = {}) {
  const t = (key: string) => overrides[key] ?? 'd';
  return { translate: { nl: t, en: t } };
}

const plain = (name: string, options = {}) =>
  defineCommand({ name, root: invocable({ access: 'everyone', options, run: async () => ephemeral({}) }) });

describe("Discord's limits, at generation time", () => {
  it('rejects a description of 101 characters, naming the command', () => {
    const generate = () => buildCommandJson([plain('lang')], fakeTexts({ 'commands.lang.description': 'x'.repeat(101) }));
    expect(generate).toThrow(DiscordCommandLimitError);
    expect(generate).toThrow(/\/lang: en description is 101 characters/);
    expect(() => buildCommandJson([plain('lang')], fakeTexts({ 'commands.lang.description': 'x'.repeat(100) }))).not.toThrow();
  });

  it('rejects an empty description', () => {
    expect(() => buildCommandJson([plain('leeg')], fakeTexts({ 'commands.leeg.description': '' }))).toThrow(/1–100/);
  });

  it('rejects 26 choices', () => {
    const values = Array.from({ length: 26 }, (_, i) => `k${i}`);
    expect(() => buildCommandJson([plain('kies', { keuze: choice(values) })], fakeTexts())).toThrow(/\/kies keuze: 26 choices \(Discord allows 25\)/);
    expect(() => buildCommandJson([plain('kies', { keuze: choice(values.slice(0, 25)) })], fakeTexts())).not.toThrow();
  });

  it('rejects 26 options and 26 sub-commands', () => {
    const options = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`o${i}`, string()]));
    expect(() => buildCommandJson([plain('veel', options)], fakeTexts())).toThrow(/26 options/);
    const subs = Array.from({ length: 26 }, (_, i) => subcommand({ name: `s${i}`, access: 'everyone', options: {}, run: async () => ephemeral({}) }));
    expect(() => buildCommandJson([defineCommand({ name: 'subs', subcommands: subs })], fakeTexts())).toThrow(/26 sub-commands/);
  });

  it('rejects names Discord refuses: upper case, spaces, longer than 32', () => {
    expect(() => buildCommandJson([plain('Groot')], fakeTexts())).toThrow(/lower-case/);
    expect(() => buildCommandJson([plain('met spatie')], fakeTexts())).toThrow(/lower-case/);
    expect(() => buildCommandJson([plain('a'.repeat(33))], fakeTexts())).toThrow(/1–32/);
    expect(() => buildCommandJson([plain('ok', { Optie: string() })], fakeTexts())).toThrow(/\/ok Optie/);
  });

  it('rejects a command over the 4000-character budget', () => {
    const options = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`o${i}`, choice(Array.from({ length: 25 }, (_, j) => `waarde-${j}`))]));
    expect(() => buildCommandJson([plain('zwaar', options)], fakeTexts())).toThrow(/4000/);
  });

  it('rejects a text missing from a locale file', () => {
    expect(() => buildCommandJson([plain('zondertekst')])).toThrow(/no en text for commands.zondertekst.description/);
  });

  it('accepts every command the bot declares', () => {
    expect(() => buildCommandJson(commands)).not.toThrow();
  });
});
