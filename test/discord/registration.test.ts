// Registering the commands only when they changed: against the fake Discord's REST API, which
// stores commands the way Discord does (ids, versions, defaults; localisations only on request).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REST } from 'discord.js';
import { commands } from '../../commands/index.ts';
import { buildCommandJson, type DiscordCommandJson } from '../../src/adapters/discord/command-json.ts';
import { computeDifferences, registerCommands } from '../../src/adapters/discord/registration.ts';
import { FakeDiscord } from './fake-discord.ts';

const GUILD = '400000000000000004';
let fake: FakeDiscord;
let rest: REST;
const json = () => structuredClone(buildCommandJson(commands));

beforeAll(async () => {
  fake = new FakeDiscord();
  await fake.start();
  rest = new REST({ api: fake.apiUrl }).setToken('fake-token');
});
afterAll(async () => {
  await fake?.stop();
});
beforeEach(() => {
  fake.commands.global = [];
  fake.commands.guilds.clear();
  fake.commandPuts.length = 0;
});

const target = (guildId?: string) => ({ applicationId: fake.applicationId, guildId });

describe('registering commands', () => {
  it('registers everything on the first start, globally', async () => {
    const result = await registerCommands(rest, target(), json());
    expect(result).toMatchObject({ scope: 'global', action: 'created', count: commands.length, changed: [], removed: [] });
    expect(result.added.sort()).toEqual(commands.map((c) => c.name).sort());
    expect(fake.commandPuts).toHaveLength(1);
    expect(fake.commands.global.map((c) => c.name)).toEqual(commands.map((c) => c.name));
  });

  it('sends nothing when Discord already has the same set (it asks for the localisations)', async () => {
    await registerCommands(rest, target(), json());
    const again = await registerCommands(rest, target(), json());
    expect(again.action).toBe('unchanged');
    expect(fake.commandPuts).toHaveLength(1);
    const lastGet = fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/commands')).at(-1)!;
    expect(lastGet.query.get('with_localizations')).toBe('true');
  });

  it('sends the full set again when one description changed', async () => {
    await registerCommands(rest, target(), json());
    const changed = json();
    changed.find((c) => c.name === 'help')!.description_localizations = { nl: 'Wat kan ik hier allemaal doen?' };
    const result = await registerCommands(rest, target(), changed);
    expect(result).toMatchObject({ action: 'updated', changed: ['help'], added: [], removed: [] });
    expect(fake.commandPuts).toHaveLength(2);
    expect(fake.commandPuts[1]!.body).toHaveLength(commands.length);
  });

  it('notices an option change deep inside a sub-command, and a removed command', async () => {
    await registerCommands(rest, target(), json());
    const changed = json().filter((c) => c.name !== 'help');
    const plaats = changed.find((c) => c.name === 'update')!.options![0] as { options: { max_length?: number }[] };
    plaats.options[1]!.max_length = 1999;
    const result = await registerCommands(rest, target(), changed);
    expect(result).toMatchObject({ action: 'updated', changed: ['update'], removed: ['help'] });
  });

  it('registers per guild when a guild id is given, leaving the global commands alone', async () => {
    const result = await registerCommands(rest, target(GUILD), json());
    expect(result).toMatchObject({ scope: 'guild', guildId: GUILD, action: 'created' });
    expect(fake.commandPuts[0]!.guildId).toBe(GUILD);
    expect(fake.requests.at(-1)!.path).toBe(`/applications/${fake.applicationId}/guilds/${GUILD}/commands`);
    expect(fake.commands.global).toHaveLength(0);
    expect((await registerCommands(rest, target(GUILD), json())).action).toBe('unchanged');
    expect((await registerCommands(rest, target(), json())).action).toBe('created');
  });

  it('ignores what Discord adds and how it orders commands', () => {
    const wanted = json() as DiscordCommandJson[];
    const stored = [...wanted].reverse().map((c) => ({ ...c, id: '1', version: '2', application_id: '3', dm_permission: true, nsfw: false, contexts: null, integration_types: [0], default_member_permissions: null }));
    expect(computeDifferences(stored, wanted)).toEqual({ added: [], removed: [], changed: [] });
  });
});

describe('npm run discord:register', () => {
  const run = (env: Record<string, string>, args: string[] = []) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/discord-register.ts', ...args], {
      env: { PATH: process.env.PATH, DISCORD_TOKEN: 'fake-token', DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl, ...env },
    });

  it('registers in the guild, then reports nothing to do', async () => {
    const first = await run({ DISCORD_GUILD_ID: GUILD });
    expect(first.stdout).toMatch(/Discord commands created in server 400000000000000004 \(\d+ commands\): added .*help/);
    const second = await run({ DISCORD_GUILD_ID: GUILD });
    expect(second.stdout).toMatch(/unchanged in server 400000000000000004/);
    expect(fake.commandPuts).toHaveLength(1);
    // Two starts of the script (tsx compiles it each time): over 30 s on a busy 2-core machine.
  }, 90_000);
});
