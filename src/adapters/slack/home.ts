// The App Home tab: who I am here, the latest updates and buttons for the main actions. Every
// part is a command the core already serves, run for the person looking, so access rules and
// texts stay in one place; a part the person may not see shows the core's explanation instead.
// Advice requests and meetings join by adding their commands to the two lists below, e.g.
// { command: 'advies', subcommand: 'mijn' } and { command: 'overleg', subcommand: 'plan' }.
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

/** Shown in the tab, in this order. */
export const HOME_SECTIONS: readonly HomeEntry[] = [
  { command: 'profiel', subcommand: 'toon' },
  { command: 'update', subcommand: 'lijst' },
];

/** Buttons that open the command's form (or answer at once when it needs no input). */
export const HOME_ACTIONS: readonly HomeEntry[] = [
  { command: 'update', subcommand: 'plaats' },
  { command: 'handreiking', subcommand: 'zoek' },
  { command: 'profiel', subcommand: 'koppel' },
];

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
  const actions = HOME_ACTIONS.filter((entry) => exists(bot, entry));
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
  const sections = HOME_SECTIONS.filter((entry) => exists(bot, entry));
  const budget = Math.floor((LIMITS.viewBlocks - blocks.length) / Math.max(1, sections.length)) - 1;
  for (const entry of sections) {
    blocks.push({ type: 'divider' }, ...renderReply(await homeSection(bot, requester, entry, logger, t), t, budget).blocks);
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
