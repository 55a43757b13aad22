import { describe, expect, it } from 'vitest';
import { ConfigError, formatConfigError, loadConfig } from '../../src/config.ts';

const wrong = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return formatConfigError(error as ConfigError);
  }
  throw new Error('configuration was accepted');
};

describe('configuration', () => {
  it('starts the embedded database and the console with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ dataDir: './data', port: 3000, host: '0.0.0.0', timezone: 'Europe/Amsterdam', defaultLocale: 'nl', admins: [] });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.slack).toBeUndefined();
    expect(config.discord).toBeUndefined();
  });

  it('reads every variable of the contract', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://bot:secret@db:5432/binnenuit',
      DATA_DIR: '/var/lib/binnenuit',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 'shh',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      DISCORD_TOKEN: 'abc',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_GUILD_ID: '223456789012345678',
      DISCORD_MESSAGE_CONTENT: 'true',
      PORT: '8080',
      HOST: '127.0.0.1',
      TIMEZONE: 'Europe/Brussels',
      DEFAULT_LOCALE: 'en',
      ENCRYPTION_KEY: '0123456789abcdef0123',
      LOG_LEVEL: 'debug',
      ADMINS: 'slack:U123, discord:456,console:local',
      SLACK_ALLOWED_TEAMS: 'T0PARTNER, T0OTHER',
    });
    expect(config.admins).toEqual(['slack:U123', 'discord:456', 'console:local']);
    expect(config.slack).toEqual({ botToken: 'xoxb-1', signingSecret: 'shh', appToken: undefined, apiUrl: 'http://127.0.0.1:9/api/', allowedTeams: ['T0PARTNER', 'T0OTHER'] });
    expect(config.discord).toMatchObject({ guildId: '223456789012345678', messageContent: true });
    expect(config).toMatchObject({ port: 8080, timezone: 'Europe/Brussels', defaultLocale: 'en', logLevel: 'debug' });
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL expected postgresql://'],
    [{ PORT: 'eighty' }, 'PORT expected a port number'],
    [{ PORT: '70000' }, 'PORT expected a port number'],
    [{ TIMEZONE: 'Mars/Olympus' }, 'TIMEZONE expected an IANA time zone'],
    [{ DEFAULT_LOCALE: 'de' }, 'DEFAULT_LOCALE expected nl or en'],
    [{ ADMINS: 'U123' }, 'ADMINS expected platform:userId'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET required with SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxp-user' }, 'SLACK_BOT_TOKEN expected a bot token'],
    [{ DISCORD_TOKEN: 'abc' }, 'DISCORD_APPLICATION_ID required with DISCORD_TOKEN'],
    [{ ENCRYPTION_KEY: 'short' }, 'ENCRYPTION_KEY expected at least 16 characters'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL expected one of'],
    [{ SLACK_ALLOWED_TEAMS: 'T0PARTNER,alliantie' }, 'SLACK_ALLOWED_TEAMS expected Slack team ids like T0123ABCD'],
    [{ DISCORD_MESSAGE_CONTENT: 'yes' }, 'DISCORD_MESSAGE_CONTENT expected true or false'],
  ])('refuses %o with one line naming the variable', (env, message) => {
    const line = wrong(env);
    expect(line).toContain(message);
    expect(line.split('\n')).toHaveLength(1);
  });
});
