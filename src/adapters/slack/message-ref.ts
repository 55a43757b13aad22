// Slack addresses a message by its channel and its ts: `slack:<channel>:<ts>`.
import { joinMessageRef, splitMessageRef, type MessageRef } from '../../core/messages/message-ref.ts';

export interface SlackMessageAddress {
  channel: string;
  ts: string;
}

export function encodeSlackRef(address: SlackMessageAddress): MessageRef {
  return joinMessageRef('slack', [address.channel, address.ts]);
}

export function decodeSlackRef(ref: string): SlackMessageAddress | undefined {
  const parts = splitMessageRef(ref, 'slack', 2);
  return parts ? { channel: parts[0]!, ts: parts[1]! } : undefined;
}
