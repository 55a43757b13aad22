// `npm run discord:register`: registers the slash commands with Discord now, the same way the
// bot does at start-up: per server when DISCORD_GUILD_ID is set (instant), else globally, and
// only when they differ from what Discord has. `-- --print` shows the JSON without sending it.
import { REST } from 'discord.js';
import { commands } from '../commands/index.ts';
import { buildCommandJson, DiscordCommandLimitError } from '../src/adapters/discord/command-json.ts';
import { describeRegistration, registerCommands } from '../src/adapters/discord/registration.ts';
import { ConfigError, formatConfigError, loadConfig } from '../src/config.ts';

async function main(): Promise<number> {
  let json;
  try {
    json = buildCommandJson(commands);
  } catch (error) {
    if (!(error instanceof DiscordCommandLimitError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  if (process.argv.includes('--print')) {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  const config = loadConfig();
  if (!config.discord) {
    process.stderr.write('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (and DISCORD_GUILD_ID for one server) first.\n');
    return 1;
  }
  const rest = new REST(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}).setToken(config.discord.token);
  const result = await registerCommands(rest, { applicationId: config.discord.applicationId, guildId: config.discord.guildId }, json);
  process.stdout.write(`${describeRegistration(result)}\n`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${formatConfigError(error)}\n`);
  else process.stderr.write(`Registration failed: ${(error as Error).message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
