// Posting to Slack at most once. Every message the bot posts for an outbox row or a discussion
// carries its idempotency key in Slack's message metadata; when a post failed without telling
// whether Slack created the message (timeout, broken connection, 5xx), the channel's recent
// history is searched for that key before posting again. Slack has no idempotency key of its
// own for chat.postMessage, so this lookup is what makes a resend safe.
import type { webApi } from '@slack/bolt';

export const METADATA_EVENT_TYPE = 'binnenuit_outbox';

/** The metadata that marks a post with its key (chat.postMessage `metadata`). */
export function keyMetadata(key: string): { event_type: string; event_payload: { key: string } } {
  return { event_type: METADATA_EVENT_TYPE, event_payload: { key } };
}

/** How far back to look; Slack's history is ordered newest first, so recent posts come early. */
const PAGE_SIZE = 200;
const MAX_PAGES = 5;
/** Clock skew between us and Slack: look a little before the moment the key was made. */
const SKEW_MS = 5 * 60_000;

export interface Lookup {
  channel: string;
  /** Look among the replies of this thread instead of the channel's top level. */
  threadTs?: string;
  key: string;
  /** Nothing with this key was posted before this moment. */
  since: Date;
}

/** The ts of the message carrying this key, if the bot already posted it. Throws when Slack cannot be asked. */
export async function findPosted(client: webApi.WebClient, lookup: Lookup): Promise<string | undefined> {
  const oldest = String(Math.max(0, (lookup.since.getTime() - SKEW_MS) / 1000));
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const common = { channel: lookup.channel, oldest, limit: PAGE_SIZE, include_all_metadata: true, ...(cursor ? { cursor } : {}) };
    const result = lookup.threadTs
      ? await client.conversations.replies({ ...common, ts: lookup.threadTs })
      : await client.conversations.history(common);
    const match = result.messages?.find(
      (message) => message.metadata?.event_type === METADATA_EVENT_TYPE && (message.metadata.event_payload as { key?: unknown } | undefined)?.key === lookup.key,
    );
    if (match?.ts) return match.ts;
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}
