// Where an answer to a person goes. With a response_url (slash commands, message buttons, forms
// opened from a command): there, ephemeral or in the channel as the reply says. Without one
// (Home tab, modals opened from Home): chat.postEphemeral in the channel, or a DM.
// A channel reply that asks for a discussion is posted with chat.postMessage instead, because
// only that returns the message's ts, on which people then reply in a thread. That post is
// retried with back-off on transient failures (network, 5xx, 429 with Retry-After) within a
// time budget, idempotently: it carries the discussion's key in its metadata, and after a
// failure that may have posted it, the channel is searched for that key before posting again.
// Only when the bot may not post there (not invited, private channel) or the budget is spent
// does it answer through the response_url, without a discussion.
import type { RespondArguments, RespondFn, webApi } from '@slack/bolt';
import type { Discussion, Reply } from '../../core/framework/reply.ts';
import type { Translate } from '../../core/i18n.ts';
import type { Logger } from '../../core/logger.ts';
import { failureKind } from './client.ts';
import { findPosted, keyMetadata } from './posted.ts';
import { renderReply, type RenderedMessage } from './render.ts';
import { checkedFiles, uploadFiles } from './files.ts';

export interface AnswerTarget {
  userId: string;
  /** Bolt's respond() for this request, when Slack gave a response_url. */
  respond?: RespondFn;
  /** A response_url kept from earlier (a form opened by a slash command). */
  responseUrl?: string;
  channelRef?: string;
  threadRef?: string;
}

/** Where a channel message of the bot landed: the channel and the message's ts. */
export interface Landed {
  channelRef: string;
  ts: string;
}

/** The answer may have been posted already, by a process that died before it could say so. */
export interface EarlierAttempt {
  since: Date;
}

export interface AnswersOptions {
  /** Tries of the post that opens a discussion, the first one included (default 4). */
  discussionAttempts?: number;
  /** Waits before the 2nd, 3rd … try when Slack named none (default 250, 1000, 2000 ms). */
  discussionBackoffMs?: readonly number[];
  /**
   * No try starts after this long (default 10 s): the person is waiting for the answer, and
   * the response_url fallback must still come in time.
   */
  discussionBudgetMs?: number;
}

/** The key that marks the channel message of a discussion: one message per subject. */
export function discussionKey(discussion: Discussion): string {
  return `discussion:${discussion.subjectType}:${discussion.subjectId}`;
}

export class Answers {
  private readonly options: Required<AnswersOptions>;

  constructor(
    private readonly client: () => webApi.WebClient,
    private readonly logger: Logger,
    options: AnswersOptions = {},
  ) {
    this.options = { discussionAttempts: 4, discussionBackoffMs: [250, 1000, 2000], discussionBudgetMs: 10_000, ...options };
  }

  /**
   * Sends the answer. Resolves with where it landed when it was posted as a channel message
   * that can carry the discussion the reply asked for; otherwise with undefined.
   */
  async send(reply: Reply, target: AnswerTarget, t: Translate, earlier?: EarlierAttempt): Promise<Landed | undefined> {
    const checked = checkedFiles(reply, t, this.logger);
    const landed = await this.sendMessage(checked, target, t, earlier);
    if (checked.files?.length) await this.sendFiles(checked, target, landed);
    return landed;
  }

  /**
   * Files go where the answer went: the channel (or its thread) for a channel answer, else the
   * person's DM with the bot (a response_url and an ephemeral message cannot carry files).
   */
  private async sendFiles(reply: Reply, target: AnswerTarget, landed: Landed | undefined): Promise<void> {
    const inChannel = reply.visibility === 'channel' && target.channelRef;
    let channel = landed?.channelRef ?? (inChannel ? target.channelRef : undefined);
    if (!channel) channel = (await this.client().conversations.open({ users: target.userId })).channel?.id;
    if (!channel) throw new Error('slack conversations.open: no channel');
    await uploadFiles(this.client(), reply.files, channel, inChannel ? target.threadRef : undefined);
  }

  private async sendMessage(reply: Reply, target: AnswerTarget, t: Translate, earlier?: EarlierAttempt): Promise<Landed | undefined> {
    const { text, blocks } = renderReply(reply, t);
    const inChannel = reply.visibility === 'channel';
    // A thread needs a top-level message: not inside a thread, not in a DM (no channel here).
    if (inChannel && reply.discussion && target.channelRef && !target.threadRef) {
      const landed = await this.postDiscussion(reply.discussion, target.channelRef, text, blocks, earlier);
      if (landed) return landed;
    }
    if (target.respond || target.responseUrl) {
      const message: RespondArguments = {
        response_type: inChannel ? 'in_channel' : 'ephemeral',
        replace_original: false,
        text,
        blocks,
      };
      try {
        await (target.respond ? target.respond(message) : postToResponseUrl(target.responseUrl!, message));
        return undefined;
      } catch {
        // A response_url lives 30 minutes and answers 5 times; after that, the Web API.
      }
    }
    const thread = target.threadRef ? { thread_ts: target.threadRef } : {};
    if (target.channelRef && !inChannel) {
      await this.client().chat.postEphemeral({ channel: target.channelRef, user: target.userId, text, blocks, ...thread });
    } else {
      // A channel reply where there is a channel; otherwise the person's DM with the bot.
      await this.client().chat.postMessage({ channel: target.channelRef ?? target.userId, text, blocks, unfurl_links: false, ...thread });
    }
    return undefined;
  }

  /**
   * Posts the message that carries a discussion, at most once, retrying transient failures.
   * Undefined when it could not be posted (the caller answers without a discussion).
   */
  private async postDiscussion(discussion: Discussion, channel: string, text: string, blocks: RenderedMessage['blocks'], earlier?: EarlierAttempt): Promise<Landed | undefined> {
    const { discussionAttempts, discussionBackoffMs, discussionBudgetMs } = this.options;
    const key = discussionKey(discussion);
    const since = earlier?.since ?? new Date();
    const started = Date.now();
    // Set once a try failed in a way that may have posted the message (or an earlier process
    // may have posted it before it died); never cleared.
    let mayHavePosted = earlier !== undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        if (mayHavePosted) {
          const ts = await findPosted(this.client(), { channel, key, since });
          if (ts) return { channelRef: channel, ts };
        }
        const posted = await this.client().chat.postMessage({
          channel,
          text,
          blocks,
          unfurl_links: false,
          metadata: keyMetadata(key),
        });
        if (posted.ts) return { channelRef: posted.channel ?? channel, ts: posted.ts };
        mayHavePosted = true;
      } catch (error) {
        const { kind, retryAfterMs } = failureKind(error);
        if (kind === 'unknown') mayHavePosted = true;
        const wait = retryAfterMs ?? discussionBackoffMs[Math.min(attempt - 1, discussionBackoffMs.length - 1)] ?? 0;
        const transient = kind === 'unknown' || kind === 'rate-limited';
        if (!transient || attempt >= discussionAttempts || Date.now() - started + wait > discussionBudgetMs) {
          // Typically not_in_channel (the bot was not invited) or channel_not_found (private).
          const coded = error as { code?: string; data?: { error?: string } };
          this.logger.warn(
            { channel, subjectType: discussion.subjectType, attempts: attempt, err: { code: coded.code, error: coded.data?.error } },
            'slack channel post failed; answering without a discussion',
          );
          return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

async function postToResponseUrl(url: string, message: RespondArguments): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(message),
  });
  if (!response.ok) throw new Error(`slack response_url: HTTP ${response.status}`);
}
