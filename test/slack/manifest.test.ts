// The Slack app manifest comes from the declarations: every command, with its Dutch
// description and usage, the scopes and events the adapter needs, and the right URLs.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { buildManifest } from '../../src/adapters/slack/manifest.ts';
import { translator } from '../../src/core/i18n.ts';

describe('Slack app manifest', () => {
  it('lists every declared command with its Dutch description and usage', () => {
    const manifest = buildManifest(commands, { socket: false, url: 'https://bot.example.org/' });
    const slash = manifest.features.slash_commands;
    expect(slash.map((command) => command.command)).toEqual(commands.map((command) => `/${command.name}`));
    const update = slash.find((command) => command.command === '/update')!;
    expect(update.description).toBe(translator('nl')('commands.update.description'));
    expect(update.usage_hint).toBe('plaats [#thema] <tekst> [gemeente:…] | lijst [#thema] [organisatie] [gemeente:…] [sinds:…] | kanaal [uit]');
    expect(update.url).toBe('https://bot.example.org/slack/events');
    for (const command of slash) {
      expect(command.command.length).toBeLessThanOrEqual(32);
      expect(command.description.length).toBeGreaterThan(0);
      expect((command.usage_hint ?? '').length).toBeLessThanOrEqual(1000);
    }
  });

  it('asks for the scopes and events the adapter uses, with request URLs over HTTP', () => {
    const manifest = buildManifest(commands, { socket: false, url: 'https://bot.example.org' });
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'im:write', 'mpim:write', 'users:read', 'channels:history', 'groups:history', 'im:history', 'mpim:history', 'files:write', 'channels:read', 'groups:read']),
    );
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: 'https://bot.example.org/slack/events',
      bot_events: ['app_home_opened', 'message.channels', 'message.groups', 'message.im', 'message.mpim'],
    });
    expect(manifest.settings.interactivity.request_url).toBe('https://bot.example.org/slack/events');
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(175);
  });

  it('needs no URLs in Socket Mode', () => {
    const manifest = buildManifest(commands, { socket: true, url: 'https://ignored.example.org' });
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(manifest)).not.toContain('https://ignored');
  });

  it('is written by npm run slack:manifest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'slack-manifest-'));
    try {
      const out = path.join(dir, 'manifest.json');
      const tsx = path.resolve('node_modules/.bin/tsx');
      const { stdout } = await promisify(execFile)(tsx, ['scripts/slack-manifest.ts', '--url', 'https://bot.example.org', '--out', out]);
      const written = JSON.parse(await readFile(out, 'utf8'));
      expect(JSON.parse(stdout)).toEqual(written);
      expect(written.features.slash_commands).toHaveLength(commands.length);
      expect(written.settings.event_subscriptions.request_url).toBe('https://bot.example.org/slack/events');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
