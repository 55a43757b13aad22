// Channels the bot is in, on every platform, and what the alliance uses them for: updates and
// threads point at them, and features such as the cross-platform updates relay and digests
// find "every updates channel" here, whichever platform it is on.
import { fromDbPlatform, toDbPlatform, type DbPlatform, type PlatformName } from './platform.ts';
import type { Store, Tx } from './store.ts';

/**
 * What a channel is for. Stored as words, so a new purpose needs no migration. `conversations`:
 * the channel private conversations are held under (on Discord: their private threads).
 */
export const channelPurposes = ['updates', 'digest', 'conversations'] as const;
export type ChannelPurpose = (typeof channelPurposes)[number];

/** A channel on one platform, the way commands and adapters name it. */
export interface ChannelRef {
  platform: PlatformName;
  /** The platform's channel id. */
  ref: string;
  name?: string;
}

export interface ChannelView extends ChannelRef {
  id: string;
  purposes: ChannelPurpose[];
  seenAt: Date;
}

export async function ensureChannel(tx: Tx, platform: PlatformName, externalId: string, name?: string): Promise<string> {
  const channel = await tx.channel.upsert({
    where: { platform_externalId: { platform: toDbPlatform(platform), externalId } },
    create: { platform: toDbPlatform(platform), externalId, name },
    update: name ? { name } : {},
  });
  return channel.id;
}

type ChannelRow = { id: string; platform: DbPlatform; externalId: string; name: string | null; purposes: string[]; seenAt: Date };

function toView(row: ChannelRow): ChannelView {
  return {
    id: row.id,
    platform: fromDbPlatform(row.platform),
    ref: row.externalId,
    name: row.name ?? undefined,
    purposes: row.purposes.filter((purpose): purpose is ChannelPurpose => (channelPurposes as readonly string[]).includes(purpose)),
    seenAt: row.seenAt,
  };
}

const key = (channel: ChannelRef) => ({ platform_externalId: { platform: toDbPlatform(channel.platform), externalId: channel.ref } });

export class ChannelRegistry {
  constructor(private readonly store: Store) {}

  /**
   * The bot was just used in this channel (a command typed there): it is known from now on,
   * with its latest name. A channel the bot had left is back, without its old purposes.
   */
  async seen(channel: ChannelRef, now = new Date()): Promise<ChannelView> {
    const row = await this.store.channel.upsert({
      where: key(channel),
      create: { platform: toDbPlatform(channel.platform), externalId: channel.ref, name: channel.name, seenAt: now },
      update: { ...(channel.name ? { name: channel.name } : {}), seenAt: now, removedAt: null },
    });
    return toView(row);
  }

  /** Gives a channel a purpose (once; registering twice changes nothing). */
  async register(channel: ChannelRef, purpose: ChannelPurpose): Promise<ChannelView> {
    const current = await this.seen(channel);
    if (current.purposes.includes(purpose)) return current;
    const row = await this.store.channel.update({ where: { id: current.id }, data: { purposes: { push: purpose } } });
    return toView(row);
  }

  /** Takes a purpose away; true when the channel had it. */
  async unregister(channel: ChannelRef, purpose: ChannelPurpose): Promise<boolean> {
    const row = await this.store.channel.findUnique({ where: key(channel) });
    if (!row || !row.purposes.includes(purpose)) return false;
    await this.store.channel.update({ where: { id: row.id }, data: { purposes: row.purposes.filter((p) => p !== purpose) } });
    return true;
  }

  /** Every channel with this purpose, on every platform (or one), oldest first. */
  async list(purpose: ChannelPurpose, platform?: PlatformName): Promise<ChannelView[]> {
    const rows = await this.store.channel.findMany({
      where: { purposes: { has: purpose }, removedAt: null, ...(platform ? { platform: toDbPlatform(platform) } : {}) },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toView);
  }

  async get(channel: ChannelRef): Promise<ChannelView | undefined> {
    const row = await this.store.channel.findUnique({ where: key(channel) });
    return row && !row.removedAt ? toView(row) : undefined;
  }

  /**
   * The bot left the channel or it is gone: it loses its purposes (nothing is sent there any
   * more). The row stays, because updates and threads of the past still point at it.
   */
  async remove(channel: ChannelRef, now = new Date()): Promise<boolean> {
    const { count } = await this.store.channel.updateMany({
      where: { platform: toDbPlatform(channel.platform), externalId: channel.ref, removedAt: null },
      data: { purposes: [], removedAt: now },
    });
    return count === 1;
  }
}
