// Where an answer to a person goes. With a response_url (slash commands, message buttons, forms
// opened from a command): there, ephemeral or in the channel as the reply says. Without one
// (Home tab, modals opened from Home): chat.postEphemeral in the channel, or a DM.
import type { RespondArguments, RespondFn, webApi } from '@slack/bolt';
import type { Reply } from '../../core/framework/reply.ts';
import type { Translate } from '../../core/i18n.ts';
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

export class Answers {
  constructor(private readonly client: () => webApi.WebClient) {}

  async send(reply: Reply, target: AnswerTarget, t: Translate): Promise<void> {
    const { text, blocks } = renderReply(reply, t);
    const inChannel = reply.visibility === 'channel';
    if (target.respond || target.responseUrl) {
      const message: RespondArguments = {
        response_type: inChannel ? 'in_channel' : 'ephemeral',
        replace_original: false,
        text,
        blocks,
      };
      try {
        await (target.respond ? target.respond(message) : postToResponseUrl(target.responseUrl!, message));
        return;
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
