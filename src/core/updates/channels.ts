// Updates channels (`/update kanaal`): channels on any platform where every update posted
// anywhere appears as the bot's own top-level post, with a discussion thread. They are the
// channels with the purpose `updates` in the channel registry (src/core/channels.ts).
import type { ChannelRef, ChannelRegistry } from '../channels.ts';
import type { Reply } from '../framework/reply.ts';
import type { Locale } from '../i18n.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { Store } from '../store.ts';

export type ChannelPlace = ChannelRef;

export class UpdateChannels {
  constructor(
    private readonly store: Store,
    private readonly registry: ChannelRegistry,
    private readonly outbox: Outbox,
    private readonly defaultLocale: Locale,
  ) {}

  /** Turns it on or off; returns whether it changed anything. */
  async set(place: ChannelPlace, receives: boolean): Promise<boolean> {
    if (!receives) return this.registry.unregister(place, 'updates');
    const before = await this.registry.get(place);
    if (before?.purposes.includes('updates')) return false;
    await this.registry.register(place, 'updates');
    return true;
  }

  async list(): Promise<ChannelPlace[]> {
    return (await this.registry.list('updates')).map(({ platform, ref, name }) => ({ platform, ref, name }));
  }

  /**
   * Queues a copy of a posted update for every updates channel except the one it was posted
   * in (which shows the bot's own post). Runs in the handler's unit of work, so the update and
   * its copies are stored together; once per update and channel.
   */
  async copy(updateId: string, reply: Reply, postedIn?: ChannelPlace): Promise<number> {
    const channels = await this.registry.list('updates');
    const others = channels.filter((channel) => !(postedIn && channel.platform === postedIn.platform && channel.ref === postedIn.ref));
    await this.outbox.enqueueMany(
      this.store,
      others.map((channel) => ({
        dedupeKey: `update-copy:${updateId}:${channel.id}`,
        target: { platform: channel.platform, kind: 'channel' as const, ref: channel.ref },
        locale: this.defaultLocale,
        reply: { ...reply, visibility: 'channel' as const },
      })),
    );
    return others.length;
  }
}
