// Updates channels (`/update kanaal`): channels on any platform where every update posted
// anywhere appears as the bot's own top-level post, with a discussion thread. The flag lives on
// Channel.receivesUpdates; this module is the only place that reads or writes it.
import { ensureChannel } from '../channels.ts';
import type { Reply } from '../framework/reply.ts';
import type { Locale } from '../i18n.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { fromDbPlatform, toDbPlatform, type PlatformName } from '../platform.ts';
import type { Store } from '../store.ts';

export interface ChannelPlace {
  platform: PlatformName;
  ref: string;
  name?: string;
}

export class UpdateChannels {
  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly defaultLocale: Locale,
  ) {}

  /** Turns the flag on or off; returns whether it changed anything. */
  async set(place: ChannelPlace, receives: boolean): Promise<boolean> {
    const id = await ensureChannel(this.store, place.platform, place.ref, place.name);
    const { count } = await this.store.channel.updateMany({ where: { id, receivesUpdates: !receives }, data: { receivesUpdates: receives } });
    return count === 1;
  }

  async list(): Promise<ChannelPlace[]> {
    const rows = await this.store.channel.findMany({ where: { receivesUpdates: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({ platform: fromDbPlatform(row.platform), ref: row.externalId, name: row.name ?? undefined }));
  }

  /**
   * Queues a copy of a posted update for every updates channel except the one it was posted
   * in (which shows the bot's own post). Runs in the handler's unit of work, so the update and
   * its copies are stored together; once per update and channel.
   */
  async copy(updateId: string, reply: Reply, postedIn?: ChannelPlace): Promise<number> {
    const channels = await this.store.channel.findMany({ where: { receivesUpdates: true } });
    const others = channels.filter((row) => !(postedIn && row.platform === toDbPlatform(postedIn.platform) && row.externalId === postedIn.ref));
    await this.outbox.enqueueMany(
      this.store,
      others.map((row) => ({
        dedupeKey: `update-copy:${updateId}:${row.id}`,
        target: { platform: fromDbPlatform(row.platform), kind: 'channel' as const, ref: row.externalId },
        locale: this.defaultLocale,
        reply: { ...reply, visibility: 'channel' as const },
      })),
    );
    return others.length;
  }
}
