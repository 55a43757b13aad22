// Outbox messages to Slack: a DM to a person (conversations.open, then chat.postMessage to that
// DM), a channel post, or a reply in a thread (`channel/thread_ts`). Failures are thrown as
// the outbox expects them, so the worker retries with back-off or after Retry-After.
import type { webApi } from '@slack/bolt';
import { translator } from '../../core/i18n.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import { deliveryError } from './client.ts';
import { renderReply } from './render.ts';

export class SlackDelivery {
  /** DM channel per user: conversations.open returns the same channel every time. */
  private readonly dmChannels = new Map<string, string>();

  constructor(private readonly client: () => webApi.WebClient) {}

  async deliver(item: OutboxItem): Promise<void> {
    const { channel, threadTs } = await this.destination(item);
    const rendered = renderReply(item.reply, translator(item.locale));
    try {
      await this.client().chat.postMessage({
        channel,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: rendered.text,
        blocks: rendered.blocks,
        unfurl_links: false,
      });
    } catch (error) {
      // A DM channel that vanished (e.g. the workspace was reset) is looked up again next time.
      if (item.target.kind === 'user') this.dmChannels.delete(item.target.ref);
      throw deliveryError('chat.postMessage', error);
    }
  }

  private async destination(item: OutboxItem): Promise<{ channel: string; threadTs?: string }> {
    const { kind, ref } = item.target;
    if (kind === 'channel') return { channel: ref };
    if (kind === 'thread') {
      const slash = ref.indexOf('/');
      if (slash <= 0) throw new Error('slack thread target: expected channel/thread_ts');
      return { channel: ref.slice(0, slash), threadTs: ref.slice(slash + 1) };
    }
    return { channel: await this.dmChannel(ref) };
  }

  private async dmChannel(userId: string): Promise<string> {
    const known = this.dmChannels.get(userId);
    if (known) return known;
    let channel: string | undefined;
    try {
      const opened = await this.client().conversations.open({ users: userId });
      channel = opened.channel?.id;
    } catch (error) {
      throw deliveryError('conversations.open', error);
    }
    if (!channel) throw new Error('slack conversations.open: no channel');
    this.dmChannels.set(userId, channel);
    return channel;
  }
}
