// Messages that must arrive (notifications, digests, reminders) are written here in the same
// transaction as the change that causes them, then sent by the OutboxWorker with retries.
// The dedupe key makes enqueueing idempotent: the same event never queues a message twice.
// Besides posts, a row can edit or delete an earlier message (named by its outbox key or its
// ref), be planned for later (sendAt) in a group that is cancelled or moved together, and
// remember the parts of a split reply already sent. Payloads are encrypted at rest.
import type { FieldCipher } from '../crypto.ts';
import { translator, toLocale, type Locale, type Translate } from '../i18n.ts';
import { platformOfRef, type MessageRef } from '../messages/message-ref.ts';
import { fromDbPlatform, toDbPlatform, type DbPlatform, type PlatformName } from '../platform.ts';
import type { Reply } from '../framework/reply.ts';
import type { Store, Tx } from '../store.ts';
import { MemberRouting, type RoutingOptions } from './routing.ts';

export interface OutboxTarget {
  platform: PlatformName;
  /**
   * user: a direct message; channel: a channel post; thread: `channelRef/threadRef`;
   * group: a private place for several people on one platform that the adapter makes (or
   * finds) when it sends the message: `parentChannel/user,user,…` (groupTargetRef), the parent
   * empty where the platform needs none. The adapter reports the place it made through the
   * Bot (Bot.groupPlaceOpened) before the message can be answered, and throws
   * PlaceRefusedError when the platform cannot make one (the one who queued it falls back).
   */
  kind: 'user' | 'channel' | 'thread' | 'group';
  ref: string;
}

/** The ref of a `group` target: the parent channel (may be empty) and the people in it. */
export function groupTargetRef(parent: string | undefined, userIds: readonly string[]): string {
  return `${parent ?? ''}/${userIds.join(',')}`;
}

export function parseGroupTargetRef(ref: string): { parent?: string; userIds: string[] } {
  const slash = ref.indexOf('/');
  const parent = slash > 0 ? ref.slice(0, slash) : undefined;
  return { parent, userIds: ref.slice(slash + 1).split(',').filter(Boolean) };
}

/**
 * What to do when an adapter could not make a group place (PlaceRefusedError): the feature
 * that queued it falls back (per-person places), and marks the row done. Registered per
 * dedupe key prefix.
 */
export type PlaceRefusedHandler = (item: OutboxItem, reason: string) => Promise<void>;

/** post: a new message; edit: new content for an earlier one; delete: take an earlier one away. */
export type OutboxAction = 'post' | 'edit' | 'delete';

/** The earlier message an edit or delete acts on: an outbox message's key, or a ref. */
export type EarlierMessage = { key: string } | { ref: MessageRef };

export interface OutboxItem {
  id: string;
  dedupeKey: string;
  /** Absent: a post (items built by hand in tests and older code). */
  action?: OutboxAction;
  /**
   * edit/delete: the ref of the message to change, filled in by the worker once that message
   * was sent; `ofParts` holds all its parts when it was split (the first is `of`).
   */
  of?: MessageRef;
  ofParts?: MessageRef[];
  /** post: the refs of the parts of a split reply already sent (a retry goes on after them). */
  partRefs?: MessageRef[];
  target: OutboxTarget;
  locale: Locale;
  reply: Reply;
  attempts: number;
  /**
   * An earlier attempt may have reached the platform (it timed out, the connection broke, or
   * the platform answered 5xx): the adapter looks for that message before posting again.
   */
  outcomeUnknown: boolean;
  /** When it was queued: the start of the window in which an earlier post can be found. */
  createdAt: Date;
}

export interface Planning {
  /** Not sent before this moment (a reminder); now when absent. */
  sendAt?: Date;
  /** Messages planned together, to cancel or move together (e.g. `meeting:O-12:reminder`). */
  groupKey?: string;
}

export type NewOutboxItem = Pick<OutboxItem, 'dedupeKey' | 'target' | 'locale' | 'reply'> &
  Planning & {
    /** A DM to this member wherever they are: routing may move it to another of their accounts. */
    memberId?: string;
  };

export interface NewEdit extends Planning {
  dedupeKey: string;
  of: EarlierMessage;
  reply: Reply;
  /** Defaults to the earlier message's language (or the default). */
  locale?: Locale;
  /** Only for `of: { ref }`: where the message is (the console names it in its header). */
  target?: OutboxTarget;
}

export type NewDelete = Omit<NewEdit, 'reply'>;

/** What the worker does with an edit or delete now. */
export type EarlierState =
  | { state: 'ready'; of: MessageRef; parts: MessageRef[] }
  /** The earlier message is still to be sent: an edit never runs before the post it edits. */
  | { state: 'wait'; until: Date }
  /** Nothing to act on (never sent, cancelled, failed, already deleted, or a newer edit went). */
  | { state: 'skip'; reason: string };

export interface OutboxOptions {
  /** Tries before a message is marked FAILED. */
  maxAttempts?: number;
  /** The wait after the n-th failed try when the platform named none (exponential by default). */
  backoffMs?: (attempts: number) => number;
  /** How long a claimed message is hidden from other workers while it is being sent. */
  leaseMs?: number;
  /** Where member DMs go (routing.ts); tests shorten the presence window. */
  routing?: RoutingOptions;
}

// 2 s, 4 s, … up to an hour between tries: 30 tries span about 19 hours, so an outage of a
// platform for an afternoon loses nothing. (10 tries gave up after 17 minutes, and under the
// chaos test's 30% failures, where a retry whose outcome is unknown needs a lookup and a post to
// succeed, one message in a few hundred ran out of tries.)
const DEFAULTS: Required<OutboxOptions> = {
  maxAttempts: 30,
  backoffMs: (attempts) => Math.min(2 ** attempts * 1000, 3_600_000),
  leaseMs: 60_000,
  routing: {},
};

export class Outbox {
  private readonly options: Required<OutboxOptions>;
  /** Chooses the platform of each member DM when it is sent (the worker asks before claiming). */
  readonly routing: MemberRouting;
  /**
   * Messages queued (or moved) by this process so far, whether committed or not: the Bot kicks
   * the worker after a command only when this moved, and the timer pass catches the rest.
   */
  queued = 0;
  private readonly refusalHandlers: { prefix: string; handle: PlaceRefusedHandler }[] = [];
  private readonly goneHandlers: { prefix: string; handle: PlaceRefusedHandler }[] = [];

  /** Options other than the defaults are for tests that cannot wait minutes for back-off. */
  constructor(
    private readonly store: Store,
    private readonly defaultLocale: Locale,
    private readonly cipher: FieldCipher,
    options: OutboxOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.routing = new MemberRouting(store, this.options.routing);
  }

  /**
   * Queues a message that belongs to no database change (e.g. an answer that came too late for
   * the platform's own reply): it is sent and retried like any other. Once per dedupe key.
   */
  async send(item: NewOutboxItem): Promise<void> {
    await this.enqueue(this.store, item);
  }

  async enqueue(tx: Tx, item: NewOutboxItem): Promise<void> {
    await this.enqueueMany(tx, [item]);
  }

  /** Several messages in one statement (a digest to many people); each once per dedupe key. */
  async enqueueMany(tx: Tx, items: readonly NewOutboxItem[]): Promise<void> {
    if (items.length === 0) return;
    this.queued++;
    await tx.outboxMessage.createMany({
      data: items.map((item) => ({
        dedupeKey: item.dedupeKey,
        platform: toDbPlatform(item.target.platform),
        targetKind: item.target.kind,
        targetRef: item.target.ref,
        locale: item.locale,
        payload: this.seal(item.reply),
        memberId: item.memberId,
        ...planned(item),
      })),
      skipDuplicates: true,
    });
  }

  /**
   * New content for an earlier message, once per dedupe key. When the earlier one is an
   * outbox message still waiting, the edit waits for it (the worker checks): the post goes out
   * with its old content and is then edited, so the order is always post, then edit. False
   * when the earlier key was never queued (nothing to edit).
   */
  async edit(tx: Tx, edit: NewEdit): Promise<boolean> {
    return this.change(tx, 'edit', edit, edit.reply);
  }

  /** Takes an earlier message away (all its parts), once per dedupe key; as `edit` otherwise. */
  async delete(tx: Tx, removal: NewDelete): Promise<boolean> {
    return this.change(tx, 'delete', removal, { visibility: 'ephemeral' });
  }

  /**
   * Edits every message posted under keys starting with `prefix` (e.g. the same notice to
   * each coordinator on each platform), each in its own recipient's language. The edit's key
   * is the earlier key plus `suffix`. Returns how many edits were queued.
   */
  async editEach(tx: Tx, prefix: string, suffix: string, build: (t: Translate, locale: Locale) => Reply): Promise<number> {
    const rows = await tx.outboxMessage.findMany({ where: { dedupeKey: { startsWith: prefix }, action: 'post' }, select: { dedupeKey: true, locale: true } });
    for (const row of rows) {
      const locale = toLocale(row.locale) ?? this.defaultLocale;
      await this.edit(tx, { dedupeKey: `${row.dedupeKey}:${suffix}`, of: { key: row.dedupeKey }, locale, reply: build(translator(locale), locale) });
    }
    return rows.length;
  }

  private async change(tx: Tx, action: 'edit' | 'delete', change: NewDelete, reply: Reply): Promise<boolean> {
    let where: { platform: DbPlatform; targetKind: string; targetRef: string; locale: string };
    if ('key' in change.of) {
      const earlier = await tx.outboxMessage.findUnique({ where: { dedupeKey: change.of.key } });
      if (!earlier) return false;
      where = { platform: earlier.platform, targetKind: earlier.targetKind, targetRef: earlier.targetRef, locale: change.locale ?? earlier.locale };
    } else {
      const platform = platformOfRef(change.of.ref);
      if (!platform) throw new Error('outbox: not a message ref');
      const target = change.target ?? { platform, kind: 'user', ref: '' };
      where = { platform: toDbPlatform(platform), targetKind: target.kind, targetRef: target.ref, locale: change.locale ?? this.defaultLocale };
    }
    this.queued++;
    await tx.outboxMessage.createMany({
      data: [
        {
          dedupeKey: change.dedupeKey,
          ...where,
          action,
          ...('key' in change.of ? { ofKey: change.of.key } : { ofRef: change.of.ref }),
          payload: this.seal(reply),
          ...planned(change),
        },
      ],
      skipDuplicates: true,
    });
    return true;
  }

  /** Group places queued under keys with this prefix fall back through `handle` when refused. */
  onPlaceRefused(prefix: string, handle: PlaceRefusedHandler): void {
    this.refusalHandlers.push({ prefix, handle });
  }

  /**
   * An adapter could not make the group place of this message: its feature falls back (and
   * marks the row done). False when no feature registered for it (the worker retries then).
   */
  async placeRefused(item: OutboxItem, reason: string): Promise<boolean> {
    const handler = this.refusalHandlers.find((candidate) => item.dedupeKey.startsWith(candidate.prefix));
    if (!handler) return false;
    await handler.handle(item, reason);
    return true;
  }

  /**
   * Posts queued under keys with this prefix go to `handle` when the bot can no longer post in
   * their channel (ChannelGoneError); the handler marks the row done.
   */
  onChannelGone(prefix: string, handle: PlaceRefusedHandler): void {
    this.goneHandlers.push({ prefix, handle });
  }

  /** The bot cannot post in this message's channel: its feature handles it; false when none registered. */
  async channelGone(item: OutboxItem, reason: string): Promise<boolean> {
    const handler = this.goneHandlers.find((candidate) => item.dedupeKey.startsWith(candidate.prefix));
    if (!handler) return false;
    await handler.handle(item, reason);
    return true;
  }

  /** Planned messages of this group that have not gone yet never go. Returns how many. */
  async cancelGroup(tx: Tx, groupKey: string): Promise<number> {
    const { count } = await tx.outboxMessage.updateMany({ where: { groupKey, status: 'PENDING' }, data: { status: 'CANCELLED' } });
    return count;
  }

  /** Planned messages of every group whose key starts with `prefix` never go. Returns how many. */
  async cancelGroups(tx: Tx, prefix: string): Promise<number> {
    const { count } = await tx.outboxMessage.updateMany({ where: { groupKey: { startsWith: prefix }, status: 'PENDING' }, data: { status: 'CANCELLED' } });
    return count;
  }

  /** Planned messages of this group that have not gone yet go at `sendAt` instead. Returns how many. */
  async rescheduleGroup(tx: Tx, groupKey: string, sendAt: Date): Promise<number> {
    this.queued++;
    const { count } = await tx.outboxMessage.updateMany({ where: { groupKey, status: 'PENDING' }, data: { sendAt, nextAttemptAt: sendAt } });
    return count;
  }

  /**
   * Whether an edit or delete can go now. An edit that a newer edit of the same message already
   * overtook is skipped (two workers may take them out of order); so is anything after a delete.
   */
  async earlierState(item: OutboxItem, now = new Date()): Promise<EarlierState> {
    const row = await this.store.outboxMessage.findUnique({ where: { id: item.id }, select: { ofKey: true, ofRef: true } });
    const same = row?.ofKey ? { ofKey: row.ofKey } : { ofRef: row?.ofRef ?? '' };
    const later = await this.store.outboxMessage.findFirst({
      where: { ...same, status: 'SENT', id: { not: item.id }, OR: [{ action: 'delete' }, { action: 'edit', createdAt: { gt: item.createdAt } }] },
      select: { action: true },
    });
    if (later) return { state: 'skip', reason: later.action === 'delete' ? 'message was deleted' : 'a newer edit was sent' };
    if (row?.ofRef) return { state: 'ready', of: row.ofRef as MessageRef, parts: [row.ofRef as MessageRef] };
    const earlier = row?.ofKey ? await this.store.outboxMessage.findUnique({ where: { dedupeKey: row.ofKey } }) : null;
    if (!earlier) return { state: 'skip', reason: 'earlier message is gone from the outbox' };
    if (earlier.status === 'PENDING') {
      const due = earlier.nextAttemptAt > now ? earlier.nextAttemptAt : now;
      return { state: 'wait', until: new Date(due.getTime() + 1000) };
    }
    if (earlier.status !== 'SENT' || !earlier.messageRef) return { state: 'skip', reason: `earlier message was never sent (${earlier.status.toLowerCase()})` };
    const parts = earlier.partRefs.length ? (earlier.partRefs as MessageRef[]) : [earlier.messageRef as MessageRef];
    return { state: 'ready', of: earlier.messageRef as MessageRef, parts };
  }

  /** An edit waiting for its post: tried again then, without counting as a failed attempt. */
  async waitUntil(id: string, until: Date): Promise<void> {
    await this.store.outboxMessage.update({ where: { id }, data: { nextAttemptAt: until } });
  }

  /** A part of a split reply was sent: a retry starts after it. */
  async recordParts(id: string, partRefs: readonly MessageRef[]): Promise<void> {
    await this.store.outboxMessage.update({ where: { id }, data: { partRefs: [...partRefs] } });
  }

  /**
   * One direct message to each member, in their own language, on the platform routing chooses
   * when it is sent (their choice, else the one they used last, else one that runs).
   */
  async notifyMembers(tx: Tx, memberIds: string[], dedupeKey: string, build: (t: Translate, locale: Locale) => Reply) {
    await this.enqueueMany(tx, await this.routing.itemsFor(tx, memberIds, dedupeKey, this.defaultLocale, build));
  }

  /** Takes up to `limit` due messages for the running platforms and leases them. */
  async claimDue(running: PlatformName[], limit = 20, now = new Date()): Promise<OutboxItem[]> {
    if (running.length === 0) return [];
    const platforms = running.map(toDbPlatform);
    const leaseUntil = new Date(now.getTime() + this.options.leaseMs);
    return this.store.$transaction(async (tx) => {
      const due = await tx.outboxMessage.findMany({
        where: { status: 'PENDING', platform: { in: platforms }, nextAttemptAt: { lte: now } },
        orderBy: { createdAt: 'asc' },
        take: limit,
      });
      const claimed: OutboxItem[] = [];
      const claimedIds: string[] = [];
      for (const row of due) {
        // An earlier one claimed in this same batch goes first (the worker sends in order).
        if (await waitsForEarlier(tx, row, claimedIds, now)) continue;
        // Only the worker whose update still sees the old time owns the message.
        const { count } = await tx.outboxMessage.updateMany({
          where: { id: row.id, nextAttemptAt: row.nextAttemptAt, status: 'PENDING' },
          data: { nextAttemptAt: leaseUntil },
        });
        if (count === 1) {
          claimed.push(toItem(row, this.open(row.payload)));
          claimedIds.push(row.id);
        }
      }
      return claimed;
    });
  }

  /**
   * After a restart of the only instance (the embedded database is locked to one process):
   * messages the dead process had claimed, or was waiting to retry, are due now, and each is
   * checked for on the platform before it is sent again, since the process may have died just
   * after the platform posted it. Returns how many.
   */
  async takeOverAfterRestart(now = new Date()): Promise<number> {
    // A planned message whose time has not come is not taken over: it would go early.
    const { count } = await this.store.outboxMessage.updateMany({
      where: { status: 'PENDING', nextAttemptAt: { gt: now }, OR: [{ sendAt: null }, { sendAt: { lte: now } }] },
      data: { nextAttemptAt: now, outcomeUnknown: true },
    });
    return count;
  }

  /**
   * Sent, with the ref of the message the platform created (none for deliverers without refs).
   * `note`: done without sending (an edit of a message someone deleted), and why.
   */
  async markSent(id: string, messageRef?: MessageRef, note?: string): Promise<void> {
    await this.store.outboxMessage.update({
      where: { id },
      data: { status: 'SENT', sentAt: new Date(), lastError: note ?? null, messageRef: messageRef ?? null },
    });
  }

  /**
   * Schedules another try with back-off, or gives up after maxAttempts. `outcomeUnknown`: this
   * attempt may have posted the message; once set it stays set, because a later failure (a
   * 429, say) does not tell whether an earlier attempt arrived.
   */
  async markFailed(item: OutboxItem, error: string, retryAfterMs?: number, now = new Date(), outcomeUnknown = false): Promise<void> {
    const attempts = item.attempts + 1;
    const backoff = retryAfterMs ?? this.options.backoffMs(attempts);
    // Only while still pending: a message cancelled during this attempt stays cancelled.
    await this.store.outboxMessage.updateMany({
      where: { id: item.id, status: 'PENDING' },
      data: {
        attempts,
        lastError: error.slice(0, 500),
        outcomeUnknown: item.outcomeUnknown || outcomeUnknown,
        status: attempts >= this.options.maxAttempts ? 'FAILED' : 'PENDING',
        nextAttemptAt: new Date(now.getTime() + backoff),
      },
    });
  }

  /** The ref of the message sent for this dedupe key, once it was sent (to edit or delete it later). */
  async messageRef(dedupeKey: string): Promise<MessageRef | undefined> {
    const row = await this.store.outboxMessage.findUnique({ where: { dedupeKey }, select: { messageRef: true } });
    return (row?.messageRef ?? undefined) as MessageRef | undefined;
  }

  /** Sent messages older than this are only history; pending and failed ones stay. */
  async pruneSent(olderThan: Date): Promise<number> {
    const { count } = await this.store.outboxMessage.deleteMany({ where: { status: 'SENT', sentAt: { lt: olderThan } } });
    return count;
  }

  /**
   * Sent messages older than this keep only what a later edit or delete needs (where and
   * their refs): their content is wiped. Returns how many.
   */
  async wipeSentPayloads(olderThan: Date): Promise<number> {
    const { count } = await this.store.outboxMessage.updateMany({
      where: { status: 'SENT', sentAt: { lt: olderThan }, NOT: { payload: { equals: WIPED } } },
      data: { payload: WIPED },
    });
    return count;
  }

  /** Messages still to be sent on these platforms, due now or later. */
  async pendingCount(running: PlatformName[]): Promise<number> {
    return this.store.outboxMessage.count({ where: { status: 'PENDING', platform: { in: running.map(toDbPlatform) } } });
  }

  /** The reply as stored: encrypted, so message text is never readable in the table. */
  private seal(reply: Reply): object {
    return { sealed: this.cipher.encrypt(JSON.stringify(reply)) };
  }

  private open(payload: unknown): Reply {
    const sealed = (payload as { sealed?: unknown } | null)?.sealed;
    // Rows queued before payloads were encrypted hold the reply itself.
    return typeof sealed === 'string' ? (JSON.parse(this.cipher.decrypt(sealed)) as Reply) : (payload as Reply);
  }
}

/** The payload of a sent message once its content is no longer needed. */
const WIPED = { wiped: true };

/** After this many failed tries an earlier message no longer holds up the later ones. */
const ORDER_HOLD_ATTEMPTS = 5;

/**
 * Messages to one place go in the order they were made: a post waits while an earlier post to
 * the same place is still to go (being retried after a failure, or claimed by another
 * instance), so a relayed conversation never reads out of order. Planned messages (a reminder
 * for next week) hold nothing up; neither does one that has failed for a while (about a
 * minute of back-off): one bad message must not silence a place for hours.
 */
async function waitsForEarlier(
  tx: Tx,
  row: { id: string; action: string; platform: DbPlatform; targetKind: string; targetRef: string; createdAt: Date },
  claimedBefore: readonly string[],
  now: Date,
): Promise<boolean> {
  if (row.action !== 'post') return false;
  const earlier = await tx.outboxMessage.findFirst({
    where: {
      id: { notIn: [row.id, ...claimedBefore] },
      status: 'PENDING',
      action: 'post',
      platform: row.platform,
      targetKind: row.targetKind,
      targetRef: row.targetRef,
      createdAt: { lt: row.createdAt },
      attempts: { lt: ORDER_HOLD_ATTEMPTS },
      OR: [{ sendAt: null }, { sendAt: { lte: now } }],
    },
    select: { id: true },
  });
  return earlier !== null;
}

function planned(item: Planning): { sendAt?: Date; nextAttemptAt?: Date; groupKey?: string } {
  return {
    ...(item.sendAt ? { sendAt: item.sendAt, nextAttemptAt: item.sendAt } : {}),
    ...(item.groupKey ? { groupKey: item.groupKey } : {}),
  };
}

function toItem(row: {
  id: string;
  dedupeKey: string;
  platform: DbPlatform;
  targetKind: string;
  targetRef: string;
  locale: string;
  action: string;
  partRefs: string[];
  attempts: number;
  outcomeUnknown: boolean;
  createdAt: Date;
}, reply: Reply): OutboxItem {
  return {
    id: row.id,
    dedupeKey: row.dedupeKey,
    action: row.action as OutboxAction,
    partRefs: row.partRefs as MessageRef[],
    target: { platform: fromDbPlatform(row.platform), kind: row.targetKind as OutboxTarget['kind'], ref: row.targetRef },
    locale: toLocale(row.locale) ?? 'nl',
    reply,
    attempts: row.attempts,
    outcomeUnknown: row.outcomeUnknown,
    createdAt: row.createdAt,
  };
}
