// Neutral replies as Block Kit, within Slack's limits, with a plain-text fallback for
// notifications and screen readers. Our markup (**bold**, _italic_, `code`, [label](url),
// "- " lists) becomes Slack mrkdwn; &, < and > are escaped so text can never form a mention,
// a channel link or a broadcast.
import type { types } from '@slack/bolt';
import { replyToPlainText, type Button, type Reply, type Section } from '../../core/framework/reply.ts';
import type { Translate } from '../../core/i18n.ts';
import { mentionsAsPlainText, renderAccountMentions, renderDateTokens } from '../../core/mentions-text.ts';

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;

/** Slack's documented limits for messages (modals and the Home tab allow 100 blocks). */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  buttonsPerActions: 25,
  actionsBlocks: 2,
  contextText: 2000,
  fallbackText: 3000,
} as const;

/** Separates our action id from a per-message index: Slack wants action ids unique per block. */
const ACTION_INDEX = '#';

export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Our markup as Slack mrkdwn. */
export function toMrkdwn(markup: string): string {
  // Escaped first, so only our own mention tokens (never typed text) become pings.
  // Date tokens: Slack shows the moment in the reader's own zone (the fallback is for old clients).
  const dated = renderDateTokens(escapeMrkdwn(markup), (seconds) => ` (<!date^${seconds}^{date_short_pretty} {time}|${new Date(seconds * 1000).toISOString()}>)`);
  return renderAccountMentions(dated, (id) => `<@${id}>`)
    .replace(/\[([^\]\n]+)\]\((https?:[^)\s]+)\)/g, (_all, label: string, url: string) => `<${url}|${label.replace(/\|/g, '¦')}>`)
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/^- /gm, '• ');
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Cuts mrkdwn into pieces of at most `max` characters: at a line break if there is one in the
 * second half, else at a space, never inside an escape (&amp;) or a link (<url|label>).
 */
export function splitMrkdwn(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = safeHardCut(rest, max);
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

function safeHardCut(text: string, max: number): number {
  const head = text.slice(0, max);
  const openLink = head.lastIndexOf('<');
  if (openLink > head.lastIndexOf('>') && openLink > 0) return openLink;
  const amp = head.lastIndexOf('&');
  if (amp > head.lastIndexOf(';') && amp > max - 6 && amp > 0) return amp;
  return max;
}

/** A Slack action_id for our action id, unique within the message by its position. */
export function indexedActionId(actionId: string, index: number): string {
  return `${actionId}${ACTION_INDEX}${index}`;
}

/** Our action id back from Slack's (`profiel.goedkeuren#2` → `profiel.goedkeuren`). */
export function parseActionId(slackActionId: string): string {
  const at = slackActionId.lastIndexOf(ACTION_INDEX);
  return at > 0 ? slackActionId.slice(0, at) : slackActionId;
}

function mrkdwnSection(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function sectionBlocks(section: Section): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  const title = section.title ? `*${toMrkdwn(section.title)}*` : undefined;
  const body = section.text ? toMrkdwn(section.text) : undefined;
  const text = [title, body].filter(Boolean).join('\n');
  if (text) blocks.push(...splitMrkdwn(text, LIMITS.sectionText).map(mrkdwnSection));
  const fields = (section.fields ?? []).map((field) => ({
    type: 'mrkdwn' as const,
    text: truncate(`*${toMrkdwn(field.label)}*\n${toMrkdwn(field.value)}`, LIMITS.fieldText),
  }));
  for (let at = 0; at < fields.length; at += LIMITS.fieldsPerSection) {
    blocks.push({ type: 'section', fields: fields.slice(at, at + LIMITS.fieldsPerSection) });
  }
  return blocks;
}

function actionsBlocks(buttons: Button[]): KnownBlock[] {
  const shown = buttons.slice(0, LIMITS.buttonsPerActions * LIMITS.actionsBlocks);
  const blocks: KnownBlock[] = [];
  for (let at = 0; at < shown.length; at += LIMITS.buttonsPerActions) {
    blocks.push({
      type: 'actions',
      elements: shown.slice(at, at + LIMITS.buttonsPerActions).map((button, offset) => ({
        type: 'button' as const,
        action_id: indexedActionId(button.actionId, at + offset),
        text: { type: 'plain_text' as const, text: truncate(mentionsAsPlainText(button.label).replace(/\*\*/g, ''), LIMITS.buttonText), emoji: true },
        ...(button.value !== undefined ? { value: button.value.slice(0, LIMITS.buttonValue) } : {}),
        ...(button.style ? { style: button.style } : {}),
      })),
    });
  }
  return blocks;
}

function contextBlock(mrkdwn: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(mrkdwn, LIMITS.contextText) }] };
}

/** The parts of a reply as blocks, without the tail (footer, buttons). */
function contentBlocks(reply: Reply): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (reply.title) {
    blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(mentionsAsPlainText(reply.title).replace(/\*\*/g, ''), LIMITS.headerText), emoji: true } });
  }
  if (reply.text) {
    const text = (reply.isError ? ':warning: ' : '') + toMrkdwn(reply.text);
    blocks.push(...splitMrkdwn(text, LIMITS.sectionText).map(mrkdwnSection));
  }
  for (const section of reply.sections ?? []) blocks.push(...sectionBlocks(section));
  return blocks;
}

/**
 * A reply as a Slack message: blocks within `maxBlocks` (what does not fit is left out with a
 * note saying so) and the whole reply as plain text for the notification.
 */
export function renderReply(reply: Reply, t: Translate, maxBlocks: number = LIMITS.messageBlocks): RenderedMessage {
  const tail: KnownBlock[] = [];
  if (reply.footer) tail.push(contextBlock(toMrkdwn(reply.footer)));
  tail.push(...actionsBlocks(reply.buttons ?? []));
  let content = contentBlocks(reply);
  const room = maxBlocks - tail.length;
  if (content.length > room) {
    const kept = content.slice(0, room - 1);
    content = [...kept, contextBlock(escapeMrkdwn(t('slack.more', { count: content.length - kept.length })))];
  }
  return { text: fallbackText(reply, t), blocks: [...content, ...tail] };
}

/** The notification text: the reply as plain words, escaped, cut to a sensible length. */
export function fallbackText(reply: Reply, t: Translate): string {
  const whole = escapeMrkdwn(replyToPlainText(reply));
  if (whole.length <= LIMITS.fallbackText) return whole;
  const note = escapeMrkdwn(t('slack.truncated'));
  return `${whole.slice(0, LIMITS.fallbackText - note.length - 1).trimEnd()} ${note}`;
}
