// What a person in Slack reads in a message: Block Kit back to plain words and buttons.
import { parseActionId } from '../../src/adapters/slack/render.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';

export interface SlackButton extends SeenButton {
  /** The action_id as Slack has it (unique within the message). */
  slackActionId: string;
}

export interface SlackSeen extends SeenMessage {
  buttons: SlackButton[];
  blocks: any[];
}

/** mrkdwn as displayed: links show their label, escapes their character, *bold* its words. */
export function displayed(mrkdwn: string): string {
  return mrkdwn
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function blocksText(blocks: any[]): string {
  const lines: string[] = [];
  for (const block of blocks ?? []) {
    if (block.text?.text) lines.push(block.type === 'header' ? block.text.text : displayed(block.text.text));
    for (const field of block.fields ?? []) lines.push(displayed(field.text));
    if (block.type === 'context') for (const element of block.elements ?? []) lines.push(displayed(element.text ?? ''));
    if (block.type === 'input') lines.push(block.label?.text ?? '');
  }
  return lines.join('\n');
}

export function blocksButtons(blocks: any[]): SlackButton[] {
  return (blocks ?? [])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements)
    .filter((element) => element.type === 'button')
    .map((element) => ({ label: element.text.text, actionId: parseActionId(element.action_id), slackActionId: element.action_id, value: element.value }));
}

export function seenMessage(message: { blocks?: any[]; text?: string }, visibility: SeenMessage['visibility']): SlackSeen {
  const blocks = message.blocks ?? [];
  return { text: blocks.length ? blocksText(blocks) : displayed(message.text ?? ''), buttons: blocksButtons(blocks), visibility, blocks };
}

/** A response_url post: ephemeral unless Slack was told in_channel. */
export function seenResponse(body: Record<string, any>): SlackSeen {
  return seenMessage(body, body.response_type === 'in_channel' ? 'channel' : 'ephemeral');
}
