// Platform-neutral threads: a conversation the bot started (the discussion under a posted
// update, an advice request, a meeting) maps to a Slack thread_ts or a Discord thread, and what
// people reply there is kept, encrypted. Adapters open one through Bot.discussionStarted once
// they know where the bot's message landed; what people write there reaches Bot.threadMessage,
// which stores it (src/core/conversations).
import { ensureChannel } from '../channels.ts';
import type { FieldCipher } from '../crypto.ts';
import type { MessageRef } from '../messages/message-ref.ts';
import { toDbPlatform, type PlatformName } from '../platform.ts';
import type { Store } from '../store.ts';

export interface ThreadRef {
  platform: PlatformName;
  /** The channel the bot's message is in (Discord: the thread's parent channel). */
  channelRef: string;
  /**
   * Slack: the parent message's ts. Discord: the thread channel's id, which for a thread
   * started from the bot's message is that message's id, so the message id is registered.
   */
  threadRef: string;
}

export interface ThreadMessageView {
  author?: string;
  text: string;
  platform: PlatformName;
  createdAt: Date;
}

export class ThreadManager {
  constructor(
    private readonly store: Store,
    private readonly cipher: FieldCipher,
  ) {}

  /**
   * Registers a thread the bot opened; opening the same platform thread again returns its id.
   * `post`: the ref of the bot's message that carries it, kept to edit that message later.
   */
  async open(ref: ThreadRef, subject?: { type: string; id: string }, post?: MessageRef): Promise<string> {
    const channelId = await ensureChannel(this.store, ref.platform, ref.channelRef);
    const thread = await this.store.thread.upsert({
      where: { channelId_platformRef: { channelId, platformRef: ref.threadRef } },
      create: { channelId, platformRef: ref.threadRef, subjectType: subject?.type, subjectId: subject?.id, postRef: post },
      update: post ? { postRef: post } : {},
    });
    return thread.id;
  }

  /**
   * The bot's messages that carry a thread about this subject, with the channel each is in:
   * the messages to change when the subject changes.
   */
  async posts(subject: { type: string; id: string }): Promise<{ ref: MessageRef; platform: PlatformName; channelRef: string }[]> {
    const rows = await this.store.thread.findMany({
      where: { subjectType: subject.type, subjectId: subject.id, postRef: { not: null } },
      include: { channel: true },
      orderBy: { createdAt: 'asc' },
    });
    return rows.flatMap((row) =>
      row.postRef && row.channel ? [{ ref: row.postRef as MessageRef, platform: row.channel.platform.toLowerCase() as PlatformName, channelRef: row.channel.externalId }] : [],
    );
  }

  /** posts() of many subjects of one type in one query (a digest links hundreds of updates), by subject id. */
  async postsOf(type: string, ids: readonly string[]): Promise<Map<string, { ref: MessageRef; platform: PlatformName; channelRef: string }[]>> {
    const found = new Map<string, { ref: MessageRef; platform: PlatformName; channelRef: string }[]>();
    if (ids.length === 0) return found;
    const rows = await this.store.thread.findMany({
      where: { subjectType: type, subjectId: { in: [...ids] }, postRef: { not: null } },
      include: { channel: true },
      orderBy: { createdAt: 'asc' },
    });
    for (const row of rows) {
      if (!row.postRef || !row.channel || !row.subjectId) continue;
      const post = { ref: row.postRef as MessageRef, platform: row.channel.platform.toLowerCase() as PlatformName, channelRef: row.channel.externalId };
      found.set(row.subjectId, [...(found.get(row.subjectId) ?? []), post]);
    }
    return found;
  }

  /** The bot's thread at this platform reference, if it is one. */
  async find(ref: ThreadRef): Promise<{ id: string; subjectType?: string; subjectId?: string } | undefined> {
    const thread = await this.store.thread.findFirst({
      where: { platformRef: ref.threadRef, channel: { platform: toDbPlatform(ref.platform), externalId: ref.channelRef } },
    });
    return thread ? { id: thread.id, subjectType: thread.subjectType ?? undefined, subjectId: thread.subjectId ?? undefined } : undefined;
  }

  async messages(threadId: string): Promise<ThreadMessageView[]> {
    const rows = await this.store.threadMessage.findMany({
      where: { threadId },
      orderBy: { createdAt: 'asc' },
      include: { author: true },
    });
    return rows.map((row) => ({
      author: row.author?.displayName,
      text: this.cipher.decrypt(row.bodyEncrypted),
      platform: row.platform.toLowerCase() as PlatformName,
      createdAt: row.createdAt,
    }));
  }
}
