// `genodigden:kanaal`: core asks each platform who is in a channel through this port (set by
// the app from the adapter's optional `channelMembers`), so src/core never sees an SDK.

/** Platform user ids of the people (no bots) in one channel, at most MAX_CHANNEL_MEMBERS. */
export type ChannelMembersLookup = (channelId: string) => Promise<string[]>;

/** A channel bigger than this is read only this far: the 500-invitee cap refuses it anyway. */
export const MAX_CHANNEL_MEMBERS = 1000;

/**
 * The platform will not say who is in the channel until someone changes a setting there:
 * `members-intent` is Discord's privileged Server Members Intent being off.
 */
export class ChannelMembersUnavailableError extends Error {
  constructor(readonly reason: 'members-intent') {
    super(`channel members unavailable: ${reason}`);
    this.name = 'ChannelMembersUnavailableError';
  }
}
