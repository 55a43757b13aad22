// Registers the application commands with Discord only when they changed: fetch what Discord
// has, compare both sides normalised (Discord adds ids, versions and defaults to what it
// stores), and PUT the full set only when they differ. Per guild when a guild id is given
// (visible at once, for a test server), else globally.
import { Routes, type REST } from 'discord.js';
import type { DiscordCommandJson } from './command-json.ts';

export interface RegistrationTarget {
  applicationId: string;
  /** Register in this server only (instant) instead of globally. */
  guildId?: string;
}

export interface RegistrationResult {
  scope: 'guild' | 'global';
  guildId?: string;
  /** created: Discord had none; updated: they differed; unchanged: nothing sent. */
  action: 'created' | 'updated' | 'unchanged';
  added: string[];
  removed: string[];
  changed: string[];
  count: number;
}

type Rest = Pick<REST, 'get' | 'put'>;

export async function registerCommands(rest: Rest, target: RegistrationTarget, commands: DiscordCommandJson[]): Promise<RegistrationResult> {
  const route = target.guildId
    ? Routes.applicationGuildCommands(target.applicationId, target.guildId)
    : Routes.applicationCommands(target.applicationId);
  // Without with_localizations Discord answers with one language only and every compare differs.
  const existing = (await rest.get(route, { query: new URLSearchParams({ with_localizations: 'true' }) })) as unknown[];
  const difference = computeDifferences(existing, commands);
  const base = { scope: target.guildId ? ('guild' as const) : ('global' as const), guildId: target.guildId, count: commands.length, ...difference };
  if (!difference.added.length && !difference.removed.length && !difference.changed.length) {
    return { ...base, action: 'unchanged' };
  }
  await rest.put(route, { body: commands });
  return { ...base, action: existing.length === 0 ? 'created' : 'updated' };
}

/** Which commands would be added, removed or changed by registering `wanted`. */
export function computeDifferences(existing: readonly unknown[], wanted: readonly unknown[]): { added: string[]; removed: string[]; changed: string[] } {
  const byKey = (list: readonly unknown[]) => new Map(list.map((command) => normaliseCommand(command)).map((command) => [commandKey(command), command]));
  const before = byKey(existing);
  const after = byKey(wanted);
  const added = [...after.keys()].filter((key) => !before.has(key));
  const removed = [...before.keys()].filter((key) => !after.has(key));
  const changed = [...after.keys()].filter((key) => before.has(key) && stableJson(before.get(key)) !== stableJson(after.get(key)));
  return { added, removed, changed };
}

type Json = Record<string, unknown>;

function commandKey(command: Json): string {
  return command.type === 1 ? String(command.name) : `${String(command.name)} (type ${String(command.type)})`;
}

/** The parts of a command that we set; ids, versions and Discord's defaults left out. */
export function normaliseCommand(raw: unknown): Json {
  const command = raw as Json;
  return compact({
    type: command.type ?? 1,
    name: command.name,
    description: command.description ?? '',
    name_localizations: localizations(command.name_localizations),
    description_localizations: localizations(command.description_localizations),
    // Discord fills in null / true / false when they were not given.
    default_member_permissions: command.default_member_permissions ?? null,
    nsfw: command.nsfw ?? false,
    options: options(command.options),
  });
}

function options(raw: unknown): Json[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  return raw.map((item) => {
    const option = item as Json;
    const isGroup = option.type === 1 || option.type === 2;
    return compact({
      type: option.type,
      name: option.name,
      description: option.description ?? '',
      name_localizations: localizations(option.name_localizations),
      description_localizations: localizations(option.description_localizations),
      required: isGroup ? undefined : option.required === true,
      autocomplete: option.autocomplete === true ? true : undefined,
      choices: Array.isArray(option.choices) && option.choices.length
        ? option.choices.map((choice: Json) => compact({ name: choice.name, value: choice.value, name_localizations: localizations(choice.name_localizations) }))
        : undefined,
      channel_types: Array.isArray(option.channel_types) && option.channel_types.length ? [...option.channel_types].sort() : undefined,
      min_value: option.min_value ?? undefined,
      max_value: option.max_value ?? undefined,
      min_length: option.min_length ?? undefined,
      max_length: option.max_length ?? undefined,
      options: options(option.options),
    });
  });
}

function localizations(raw: unknown): Json | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const entries = Object.entries(raw as Json).filter(([, value]) => typeof value === 'string' && value !== '');
  return entries.length ? Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b))) : undefined;
}

function compact(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item as Json).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

/** One line for people: what was registered where. */
export function describeRegistration(result: RegistrationResult): string {
  const where = result.scope === 'guild' ? `in server ${result.guildId}` : 'globally';
  if (result.action === 'unchanged') return `Discord commands unchanged ${where} (${result.count} commands); nothing sent.`;
  const parts = [
    result.added.length ? `added ${result.added.join(', ')}` : '',
    result.changed.length ? `changed ${result.changed.join(', ')}` : '',
    result.removed.length ? `removed ${result.removed.join(', ')}` : '',
  ].filter(Boolean);
  return `Discord commands ${result.action} ${where} (${result.count} commands): ${parts.join('; ')}.`;
}
