// Discord addresses a message by its channel (a thread is a channel) and its id:
// `discord:<channel>:<message id>`.
import { joinMessageRef, splitMessageRef, type MessageRef } from '../../core/messages/message-ref.ts';

export interface DiscordMessageAddress {
  channelId: string;
  messageId: string;
}

export function encodeDiscordRef(address: DiscordMessageAddress): MessageRef {
  return joinMessageRef('discord', [address.channelId, address.messageId]);
}

export function decodeDiscordRef(ref: string): DiscordMessageAddress | undefined {
  const parts = splitMessageRef(ref, 'discord', 2);
  return parts ? { channelId: parts[0]!, messageId: parts[1]! } : undefined;
}
