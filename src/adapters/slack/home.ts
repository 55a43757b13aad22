// The App Home tab: the member's overview (/overzicht, the same sections as on Discord and in
// the console) and buttons for the main actions. Both come from the command declarations (a
// command's `overview`, a sub-command's `shortcut`), so no feature is named here; the overview
// is run as the command itself, for the person looking, so access rules and texts stay in
// one place.
import type { types } from '@slack/bolt';
import type { Bot, Requester } from '../../core/bot.ts';
import { describeKeys, findInvocable } from '../../core/framework/declarations.ts';
import type { Reply } from '../../core/framework/reply.ts';
import { safeError, type Logger } from '../../core/logger.ts';
import { LIMITS, escapeMrkdwn, indexedActionId, renderReply, truncate } from './render.ts';

export interface HomeEntry {
  command: string;
  subcommand?: string;
}

/** The overview shown in the tab. */
export const HOME_OVERVIEW: HomeEntry = { command: 'overzicht' };

/** Buttons that open the command's form (or answer at once when it needs no input): the shortcuts. */
export function homeActions(bot: Bot): HomeEntry[] {
  return bot.commands.flatMap((command) =>
    (command.subcommands ?? []).filter((sub) => sub.shortcut).map((sub) => ({ command: command.name, subcommand: sub.name })),
  );
}

/** The action id of Home buttons; not `<command>.<button>`, so never confused with those. */
export const HOME_ACTION_ID = 'binnenuit.home';

const exists = (bot: Bot, entry: HomeEntry) => {
  const command = bot.findCommand(entry.command);
  return Boolean(command && findInvocable(command, entry.subcommand));
};

export function encodeHomeAction(entry: HomeEntry): string {
  return JSON.stringify({ c: entry.command, s: entry.subcommand });
}

export function decodeHomeAction(value: string | undefined): HomeEntry | undefined {
  try {
    const raw = JSON.parse(value ?? '') as { c?: unknown; s?: unknown };
    return typeof raw.c === 'string' ? { command: raw.c, subcommand: typeof raw.s === 'string' ? raw.s : undefined } : undefined;
  } catch {
    return undefined;
  }
}

export async function buildHome(bot: Bot, requester: Requester, logger: Logger): Promise<types.HomeView> {
  const { actor, t } = await bot.who(requester);
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(t('slack.home.title', { name: actor.displayName }), LIMITS.headerText) } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(t('slack.home.intro')) }] },
  ];
  const actions = homeActions(bot);
  if (actions.length) {
    blocks.push(
      { type: 'section', text: { type: 'mrkdwn', text: `*${escapeMrkdwn(t('slack.home.actions'))}*` } },
      {
        type: 'actions',
        elements: actions.slice(0, LIMITS.buttonsPerActions).map((entry, index) => ({
          type: 'button' as const,
          action_id: indexedActionId(HOME_ACTION_ID, index),
          value: encodeHomeAction(entry),
          text: { type: 'plain_text' as const, text: truncate(t(describeKeys.subcommand(entry.command, entry.subcommand ?? '')), LIMITS.buttonText) },
          ...(index === 0 ? { style: 'primary' as const } : {}),
        })),
      },
    );
  }
  if (exists(bot, HOME_OVERVIEW)) {
    const budget = LIMITS.viewBlocks - blocks.length - 1;
    blocks.push({ type: 'divider' }, ...renderReply(await homeSection(bot, requester, HOME_OVERVIEW, logger, t), t, budget).blocks);
  }
  return { type: 'home', blocks };
}

async function homeSection(bot: Bot, requester: Requester, entry: HomeEntry, logger: Logger, t: (key: string) => string): Promise<Reply> {
  try {
    const outcome = await bot.handleCommand({ requester, place: { platform: 'slack' }, command: entry.command, subcommand: entry.subcommand, values: {} });
    if (outcome.kind === 'reply' || outcome.kind === 'invalid') return outcome.reply;
  } catch (error) {
    logger.error({ command: entry.command, err: safeError(error) }, 'home section failed');
  }
  return { visibility: 'ephemeral', text: t('slack.home.unavailable') };
}
