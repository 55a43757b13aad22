// Updates channels (`/update kanaal`): channels on any platform where every update posted
// anywhere appears as the bot's own top-level post, with a discussion thread. They are the
// channels with the purpose `updates` in the channel registry (src/core/channels.ts).
import type { ChannelRef, ChannelRegistry } from '../channels.ts';
import type { Reply } from '../framework/reply.ts';
import type { Locale } from '../i18n.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { Store } from '../store.ts';
import type { ThreadManager } from '../threads/threads.ts';
import { toLocale, translator, type Translate } from '../i18n.ts';
import { UPDATE_SUBJECT } from './updates.ts';

export type ChannelPlace = ChannelRef;

export class UpdateChannels {
  constructor(
    private readonly store: Store,
    private readonly registry: ChannelRegistry,
    private readonly outbox: Outbox,
    private readonly threads: ThreadManager,
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
        dedupeKey: `${copyKeyPrefix(updateId)}${channel.id}`,
        target: { platform: channel.platform, kind: 'channel' as const, ref: channel.ref },
        locale: this.defaultLocale,
        reply: { ...reply, visibility: 'channel' as const },
      })),
    );
    return others.length;
  }

  /**
   * The author's private confirmation of a posted update (a direct message, so it outlasts an
   * ephemeral answer that Slack forgets on reload), with the buttons to edit or withdraw it.
   * In the handler's unit of work; once per update.
   */
  async confirm(updateId: string, authorId: string, build: (t: Translate, locale: Locale) => Reply): Promise<void> {
    await this.outbox.notifyMembers(this.store, [authorId], confirmationKey(updateId), build);
  }

  /**
   * Changes every message that shows this update: each copy in an updates channel by its
   * outbox key (a copy still waiting goes out first and is then changed, never the other way
   * round), and every other post of the bot that carries its discussion by its ref (the
   * original post in the channel it was posted in; also a copy whose outbox row was pruned).
   * `change` names this change in the keys (`edit:3`, `withdrawn`), so it is queued once.
   * Returns how many messages will change.
   */
  async changeEverywhere(updateId: string, change: string, build: (t: Translate, locale: Locale) => Reply): Promise<number> {
    const copies = await this.store.outboxMessage.findMany({
      where: { dedupeKey: { startsWith: copyKeyPrefix(updateId) }, action: 'post' },
      select: { dedupeKey: true, locale: true, messageRef: true },
    });
    for (const copy of copies) {
      const locale = toLocale(copy.locale) ?? this.defaultLocale;
      await this.outbox.edit(this.store, { dedupeKey: `${copy.dedupeKey}:${change}`, of: { key: copy.dedupeKey }, locale, reply: build(translator(locale), locale) });
    }
    const copied = new Set(copies.map((copy) => copy.messageRef));
    const posts = (await this.threads.posts({ type: UPDATE_SUBJECT, id: updateId })).filter((post) => !copied.has(post.ref));
    const locale = this.defaultLocale;
    for (const post of posts) {
      await this.outbox.edit(this.store, {
        dedupeKey: `update-post:${updateId}:${post.ref}:${change}`,
        of: { ref: post.ref },
        target: { platform: post.platform, kind: 'channel', ref: post.channelRef },
        locale,
        reply: build(translator(locale), locale),
      });
    }
    return copies.length + posts.length;
  }

  /** The author's confirmation gets new content (after a withdrawal: no buttons any more). */
  async changeConfirmation(updateId: string, change: string, build: (t: Translate, locale: Locale) => Reply): Promise<void> {
    await this.outbox.editEach(this.store, confirmationKey(updateId), change, build);
  }
}

function copyKeyPrefix(updateId: string): string {
  return `update-copy:${updateId}:`;
}

function confirmationKey(updateId: string): string {
  return `update-confirm:${updateId}`;
}
