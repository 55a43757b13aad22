// Where an answer to a person goes. With a response_url (slash commands, message buttons, forms
// opened from a command): there, ephemeral or in the channel as the reply says. Without one
// (Home tab, modals opened from Home): chat.postEphemeral in the channel, or a DM.
// A channel reply that asks for a discussion is posted with chat.postMessage instead, because
// only that returns the message's ts, on which people then reply in a thread; when the bot may
// not post in the channel (not invited), it answers through the response_url without one.
import type { RespondArguments, RespondFn, webApi } from '@slack/bolt';
import type { Reply } from '../../core/framework/reply.ts';
import type { Translate } from '../../core/i18n.ts';
import type { Logger } from '../../core/logger.ts';
import { renderReply } from './render.ts';

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

export class Answers {
  constructor(
    private readonly client: () => webApi.WebClient,
    private readonly logger: Logger,
  ) {}

  /**
   * Sends the answer. Resolves with where it landed when it was posted as a channel message
   * that can carry the discussion the reply asked for; otherwise with undefined.
   */
  async send(reply: Reply, target: AnswerTarget, t: Translate): Promise<Landed | undefined> {
    const { text, blocks } = renderReply(reply, t);
    const inChannel = reply.visibility === 'channel';
    // A thread needs a top-level message: not inside a thread, not in a DM (no channel here).
    if (inChannel && reply.discussion && target.channelRef && !target.threadRef) {
      try {
        const posted = await this.client().chat.postMessage({ channel: target.channelRef, text, blocks, unfurl_links: false });
        return posted.ts ? { channelRef: posted.channel ?? target.channelRef, ts: posted.ts } : undefined;
      } catch (error) {
        // Typically not_in_channel (the bot was not invited) or channel_not_found (private).
        const coded = error as { code?: string; data?: { error?: string } };
        this.logger.warn(
          { channel: target.channelRef, subjectType: reply.discussion.subjectType, err: { code: coded.code, error: coded.data?.error } },
          'slack channel post failed; answering without a discussion',
        );
      }
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
}

async function postToResponseUrl(url: string, message: RespondArguments): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(message),
  });
  if (!response.ok) throw new Error(`slack response_url: HTTP ${response.status}`);
}
