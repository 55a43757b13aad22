// What people write in the threads of the bot's messages, handed to the Bot (Bot.threadMessage) to store.
// A visible reply that asks for a discussion is registered as the message it became (its
// channel and id; see answers.ts and delivery.ts). A thread members start from that message has
// the message's id as its own, so what they write there arrives as messages in a thread whose
// id is the registered one and whose parent is the channel. Every other message is ignored.
import type { Message } from 'discord.js';
import type { Bot } from '../../core/bot.ts';
import { safeError, type Logger } from '../../core/logger.ts';
import { encodeDiscordRef } from './message-ref.ts';

/** What became of one message; the adapter emits it as 'message' (tests wait for it). */
export interface SeenThreadMessage {
  id: string;
  recorded: boolean;
}

export async function onThreadMessage(bot: Bot, logger: Logger, message: Message, seen: (result: SeenThreadMessage) => void): Promise<void> {
  let recorded = false;
  try {
    const channel = message.channel;
    if (message.author.bot || message.webhookId || message.system) return;
    // Without the Message Content intent Discord sends empty text for most messages.
    if (!message.content) return;
    const author = { platform: 'discord' as const, userId: message.author.id, displayName: message.member?.displayName ?? message.author.displayName };
    // A replay of a message already kept counts as kept (it is the bot's thread, and nothing is added).
    const kept = (result: string) => result === 'stored' || result === 'duplicate';
    const base = { platform: 'discord' as const, messageRef: message.id, author, text: message.content, eventKey: `discord:message:${message.id}` };
    if (channel.isThread() && channel.parentId) {
      // A thread started from the bot's message has that message's id: {parent, thread id} is
      // the {channel, message id} registered when the message was posted.
      recorded = kept(await bot.threadMessage({ ...base, channelRef: channel.parentId, threadRef: channel.id }));
    } else if (channel.isDMBased() && message.reference?.messageId) {
      // In a DM, "Reply" on one of the bot's messages answers the private conversation it belongs to.
      const replyTo = encodeDiscordRef({ channelId: message.channelId, messageId: message.reference.messageId });
      recorded = kept(await bot.threadMessage({ ...base, channelRef: message.channelId, threadRef: message.reference.messageId, replyTo }));
    }
  } catch (error) {
    logger.error({ messageId: message.id, err: safeError(error) }, 'discord thread message not stored');
  } finally {
    seen({ id: message.id, recorded });
  }
}
