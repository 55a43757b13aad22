// The Slack app manifest, generated from the command declarations so the slash commands Slack
// knows are always the ones the bot serves. `npm run slack:manifest` writes it to a file that
// you paste into https://api.slack.com/apps → Create New App → From an app manifest.
import { describeKeys, type CommandDeclaration } from '../../core/framework/declarations.ts';
import type { OptionsShape } from '../../core/framework/options.ts';
import { commandUsage } from '../../core/framework/usage.ts';
import { translator, type Locale } from '../../core/i18n.ts';

export const EVENTS_PATH = '/slack/events';

/**
 * What the bot needs: slash commands, posting, DMs and group DMs (private conversations),
 * display names and languages, thread replies, files (.ics, exports).
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'im:write',
  'mpim:write',
  'users:read',
  'channels:history',
  'groups:history',
  'im:history',
  'mpim:history',
  'files:write',
  // conversations.members for `genodigden:kanaal` (public and private channels).
  'channels:read',
  'groups:read',
] as const;

/** Home tab opened; messages in public and private channels, DMs and group DMs (thread replies and conversations are kept). */
export const BOT_EVENTS = ['app_home_opened', 'message.channels', 'message.groups', 'message.im', 'message.mpim'] as const;

export interface ManifestOptions {
  /** Socket Mode: no public URL needed; Slack sends everything over the app token's socket. */
  socket: boolean;
  /** The public base URL of this bot over HTTP, e.g. https://binnenuit.example.org */
  url?: string;
  name?: string;
  /** The language of descriptions Slack shows (Slack has one per app). */
  locale?: Locale;
}

export interface SlackManifest {
  _metadata: { major_version: number; minor_version: number };
  display_information: { name: string; description: string; long_description: string; background_color: string };
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
    bot_user: { display_name: string; always_online: boolean };
    slash_commands: { command: string; description: string; usage_hint?: string; should_escape: boolean; url?: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url?: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url?: string; message_menu_options_url?: string };
    org_deploy_enabled: boolean;
    socket_mode_enabled: boolean;
    token_rotation_enabled: boolean;
  };
}

/** Whether a command takes a person; then Slack must send mentions as ids (should_escape). */
export function takesUsers(command: CommandDeclaration): boolean {
  const parts = [command.root, ...(command.subcommands ?? [])];
  return parts.some((part) => part && Object.values(part.options as OptionsShape).some((option) => option.kind === 'user' || option.people));
}

/** `plaats [#thema] <tekst> [gemeente:…] | lijst [#thema] [organisatie]` */
export function usageHint(command: CommandDeclaration): string {
  const hint = commandUsage(command)
    .map((line) => line.replace(new RegExp(`^/${command.name}\\s*`), ''))
    .filter(Boolean)
    .join(' | ');
  return hint.length <= 1000 ? hint : `${hint.slice(0, 999)}…`;
}

export function buildManifest(commands: readonly CommandDeclaration[], options: ManifestOptions): SlackManifest {
  const t = translator(options.locale ?? 'nl');
  const name = options.name ?? 'Binnenuit';
  const requestUrl = !options.socket && options.url ? `${options.url.replace(/\/+$/, '')}${EVENTS_PATH}` : undefined;
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description: t('slack.app.description').slice(0, 140),
      long_description: t('slack.app.longDescription').slice(0, 4000),
      background_color: '#1d3c6e',
    },
    features: {
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false },
      bot_user: { display_name: name, always_online: true },
      slash_commands: commands.map((command) => {
        const hint = usageHint(command);
        return {
          command: `/${command.name}`,
          description: t(describeKeys.command(command.name)),
          ...(hint ? { usage_hint: hint } : {}),
          should_escape: takesUsers(command),
          ...(requestUrl ? { url: requestUrl } : {}),
        };
      }),
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      event_subscriptions: { ...(requestUrl ? { request_url: requestUrl } : {}), bot_events: [...BOT_EVENTS] },
      interactivity: {
        is_enabled: true,
        ...(requestUrl ? { request_url: requestUrl, message_menu_options_url: requestUrl } : {}),
      },
      org_deploy_enabled: false,
      socket_mode_enabled: options.socket,
      token_rotation_enabled: false,
    },
  };
}
