// The command declarations as Discord application commands: one CHAT_INPUT command per
// declaration, its sub-commands as SUB_COMMAND options (or its options directly for a root
// command such as /help), typed options, choices and the English/Dutch texts from the locale
// files. Discord's limits are checked here, at generation time, so a declaration that Discord
// would refuse fails a test instead of a deployment.
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOptionChoice,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { describeKeys, type CommandDeclaration, type Invocable } from '../../core/framework/declarations.ts';
import type { OptionDeclaration } from '../../core/framework/options.ts';
import { hasTranslation, translator, type Locale, type Translate } from '../../core/i18n.ts';

export type DiscordCommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** Discord's documented limits for application commands. */
export const DISCORD_LIMITS = {
  nameLength: 32,
  descriptionLength: 100,
  options: 25,
  choices: 25,
  choiceNameLength: 100,
  choiceValueLength: 100,
  /** Names, descriptions and choice values of one command together (longest locale counts). */
  commandCharacters: 4000,
  commands: 100,
  stringLength: 6000,
} as const;

const NAME = /^[a-z0-9_-]{1,32}$/;

export class DiscordCommandLimitError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`Discord command ${path}: ${problem}`);
    this.name = 'DiscordCommandLimitError';
  }
}

export interface CommandJsonOptions {
  /** Texts per locale; the default reads the locale files. English is Discord's default. */
  translate?: Partial<Record<Locale, Translate>>;
  /** Whether a key has a text in a locale; the default asks the locale files. */
  hasText?: (locale: Locale, key: string) => boolean;
}

/** Discord's default locale is American English; Dutch users see the `nl` localisation. */
const DEFAULT_LOCALE: Locale = 'en';
const LOCALISED: Locale[] = ['nl'];

export function buildCommandJson(commands: readonly CommandDeclaration[], options: CommandJsonOptions = {}): DiscordCommandJson[] {
  const texts = new Texts(options);
  if (commands.length > DISCORD_LIMITS.commands) {
    throw new DiscordCommandLimitError('/', `${commands.length} commands (Discord allows ${DISCORD_LIMITS.commands})`);
  }
  return commands.map((command) => {
    const path = `/${command.name}`;
    checkName(path, command.name);
    const json: DiscordCommandJson = {
      type: ApplicationCommandType.ChatInput,
      name: command.name,
      ...texts.description(path, describeKeys.command(command.name)),
    };
    if (command.subcommands?.length) {
      checkCount(path, 'sub-commands', command.subcommands.length, DISCORD_LIMITS.options);
      json.options = command.subcommands.map((sub): APIApplicationCommandSubcommandOption => {
        const subPath = `${path} ${sub.name}`;
        checkName(subPath, sub.name);
        const subOptions = optionsJson(command, sub.name, sub, texts, subPath);
        return {
          type: ApplicationCommandOptionType.Subcommand,
          name: sub.name,
          ...texts.description(subPath, describeKeys.subcommand(command.name, sub.name)),
          ...(subOptions.length ? { options: subOptions } : {}),
        };
      });
    } else if (command.root) {
      const rootOptions = optionsJson(command, undefined, command.root, texts, path);
      if (rootOptions.length) json.options = rootOptions;
    }
    checkCharacters(path, json);
    return json;
  });
}

function optionsJson(
  command: CommandDeclaration,
  sub: string | undefined,
  invocable: Invocable,
  texts: Texts,
  path: string,
): APIApplicationCommandBasicOption[] {
  const entries = Object.entries(invocable.options);
  checkCount(path, 'options', entries.length, DISCORD_LIMITS.options);
  const options = entries.map(([name, option]) => {
    const optionPath = `${path} ${name}`;
    checkName(optionPath, name);
    return optionJson(name, option, texts.description(optionPath, describeKeys.option(command.name, sub, name)), texts, optionPath);
  });
  // Discord wants required options before optional ones; the order is otherwise kept.
  return [...options.filter((option) => option.required), ...options.filter((option) => !option.required)];
}

type DescriptionJson = { description: string; description_localizations?: Partial<Record<string, string>> };

function optionJson(
  name: string,
  option: OptionDeclaration,
  description: DescriptionJson,
  texts: Texts,
  path: string,
): APIApplicationCommandBasicOption {
  // A long text is optional on Discord: slash-command options are one line, so leaving it
  // out opens a form with a multi-line field instead (the Bot still requires it).
  const required = option.required && !option.long;
  const base = { name, ...description, ...(required ? { required: true } : {}) };
  const autocomplete = option.autocomplete ? { autocomplete: true as const } : {};
  switch (option.kind) {
    case 'integer':
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        ...(option.min !== undefined ? { min_value: option.min } : {}),
        ...(option.max !== undefined ? { max_value: option.max } : {}),
        ...autocomplete,
      };
    case 'user':
      return { ...base, type: ApplicationCommandOptionType.User };
    case 'choice': {
      const choices = option.choices ?? [];
      if (option.autocomplete) {
        throw new DiscordCommandLimitError(path, 'an option has either choices or autocomplete, not both');
      }
      checkCount(path, 'choices', choices.length, DISCORD_LIMITS.choices);
      return { ...base, type: ApplicationCommandOptionType.String, choices: choices.map((value) => texts.choice(path, value)) };
    }
    case 'datetime':
      return { ...base, type: ApplicationCommandOptionType.String, max_length: 100 };
    case 'string': {
      const max = Math.min(option.maxLength ?? DISCORD_LIMITS.stringLength, DISCORD_LIMITS.stringLength);
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...(option.minLength && option.minLength > 1 ? { min_length: option.minLength } : {}),
        max_length: max,
        ...autocomplete,
      };
    }
  }
}

class Texts {
  private readonly translate: Record<Locale, Translate>;
  private readonly hasText: (locale: Locale, key: string) => boolean;

  constructor(options: CommandJsonOptions) {
    this.translate = { nl: options.translate?.nl ?? translator('nl'), en: options.translate?.en ?? translator('en') };
    this.hasText = options.hasText ?? (options.translate ? () => true : hasTranslation);
  }

  text(path: string, locale: Locale, key: string): string {
    if (!this.hasText(locale, key)) throw new DiscordCommandLimitError(path, `no ${locale} text for ${key}`);
    return this.translate[locale](key);
  }

  description(path: string, key: string): DescriptionJson {
    const description = this.checkedDescription(path, DEFAULT_LOCALE, key);
    const localizations = Object.fromEntries(LOCALISED.map((locale) => [locale, this.checkedDescription(path, locale, key)]));
    return { description, description_localizations: localizations };
  }

  choice(path: string, value: string): APIApplicationCommandOptionChoice<string> {
    const key = describeKeys.choice(value);
    if (value.length < 1 || value.length > DISCORD_LIMITS.choiceValueLength) {
      throw new DiscordCommandLimitError(path, `choice value '${value}' is ${value.length} characters (Discord allows 1–100)`);
    }
    const name = (locale: Locale) => {
      const text = this.text(path, locale, key);
      if (text.length < 1 || text.length > DISCORD_LIMITS.choiceNameLength) {
        throw new DiscordCommandLimitError(path, `choice name for '${value}' (${locale}) is ${text.length} characters (Discord allows 1–100)`);
      }
      return text;
    };
    return { name: name(DEFAULT_LOCALE), name_localizations: Object.fromEntries(LOCALISED.map((locale) => [locale, name(locale)])), value };
  }

  private checkedDescription(path: string, locale: Locale, key: string): string {
    const text = this.text(path, locale, key);
    if (text.length < 1 || text.length > DISCORD_LIMITS.descriptionLength) {
      throw new DiscordCommandLimitError(path, `${locale} description is ${text.length} characters (Discord allows 1–100)`);
    }
    return text;
  }
}

function checkName(path: string, name: string): void {
  if (!NAME.test(name)) {
    throw new DiscordCommandLimitError(path, `name '${name}' must be 1–32 lower-case characters a-z, 0-9, - or _`);
  }
}

function checkCount(path: string, what: string, count: number, max: number): void {
  if (count > max) throw new DiscordCommandLimitError(path, `${count} ${what} (Discord allows ${max})`);
}

/** Discord's 4000-character budget per command: names, descriptions, choice names and values. */
function checkCharacters(path: string, command: DiscordCommandJson): void {
  const longest = (text: string, localizations?: Partial<Record<string, string | null>> | null) =>
    Math.max(text.length, ...Object.values(localizations ?? {}).map((value) => value?.length ?? 0));
  let total = command.name.length + longest(command.description, command.description_localizations);
  const visit = (options: readonly { name: string; description: string; description_localizations?: unknown; options?: unknown; choices?: unknown }[]) => {
    for (const option of options) {
      total += option.name.length + longest(option.description, option.description_localizations as Record<string, string>);
      for (const choice of (option.choices ?? []) as APIApplicationCommandOptionChoice[]) {
        total += longest(choice.name, choice.name_localizations) + String(choice.value).length;
      }
      if (Array.isArray(option.options)) visit(option.options);
    }
  };
  visit(command.options ?? []);
  if (total > DISCORD_LIMITS.commandCharacters) {
    throw new DiscordCommandLimitError(path, `${total} characters in names, descriptions and choices (Discord allows 4000)`);
  }
}
