// Messages that must arrive (notifications, digests, reminders) are written here in the same
// transaction as the change that causes them, then sent by the OutboxWorker with retries.
// The dedupe key makes enqueueing idempotent: the same event never queues a message twice.
import { toLocale, type Locale, type Translate } from '../i18n.ts';
import type { MessageRef } from '../messages/message-ref.ts';
import { fromDbPlatform, toDbPlatform, type DbPlatform, type PlatformName } from '../platform.ts';
import type { Reply } from '../framework/reply.ts';
import type { Store, Tx } from '../store.ts';
import { MemberRouting, type RoutingOptions } from './routing.ts';
import type { FieldCipher } from '../crypto.ts';

export interface OutboxTarget {
  platform: PlatformName;
  /** user: a direct message; channel: a channel post; thread: `channelRef/threadRef`. */
  kind: 'user' | 'channel' | 'thread';
  ref: string;
}

export interface OutboxItem {
  id: string;
  dedupeKey: string;
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

export type NewOutboxItem = Pick<OutboxItem, 'dedupeKey' | 'target' | 'locale' | 'reply'> & {
  /** A DM to this member wherever they are: routing may move it to another of their accounts. */
  memberId?: string;
};

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

  /** Options other than the defaults are for tests that cannot wait minutes for back-off. */
  constructor(
    private readonly store: Store,
    private readonly defaultLocale: Locale,
    options: OutboxOptions = {},
    /** Seals payloads at rest (they carry people's text: relays, updates); see sealPayload. */
    private readonly cipher?: FieldCipher,
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
    await tx.outboxMessage.createMany({
      data: items.map((item) => ({
        dedupeKey: item.dedupeKey,
        platform: toDbPlatform(item.target.platform),
        targetKind: item.target.kind,
        targetRef: item.target.ref,
        locale: item.locale,
        payload: sealPayload(item.reply, this.cipher),
        memberId: item.memberId,
      })),
      skipDuplicates: true,
    });
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
      for (const row of due) {
        // Only the worker whose update still sees the old time owns the message.
        const { count } = await tx.outboxMessage.updateMany({
          where: { id: row.id, nextAttemptAt: row.nextAttemptAt, status: 'PENDING' },
          data: { nextAttemptAt: leaseUntil },
        });
        if (count === 1) claimed.push(toItem(row, this.cipher));
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
    const { count } = await this.store.outboxMessage.updateMany({
      where: { status: 'PENDING', nextAttemptAt: { gt: now } },
      data: { nextAttemptAt: now, outcomeUnknown: true },
    });
    return count;
  }

  /** Sent, with the ref of the message the platform created (none for deliverers without refs). */
  async markSent(id: string, messageRef?: MessageRef): Promise<void> {
    await this.store.outboxMessage.update({
      where: { id },
      data: { status: 'SENT', sentAt: new Date(), lastError: null, messageRef: messageRef ?? null },
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
    await this.store.outboxMessage.update({
      where: { id: item.id },
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

  /** Messages still to be sent on these platforms, due now or later. */
  async pendingCount(running: PlatformName[]): Promise<number> {
    return this.store.outboxMessage.count({ where: { status: 'PENDING', platform: { in: running.map(toDbPlatform) } } });
  }
}

/**
 * The reply as stored: encrypted when a cipher is given ({ sealed }), because relayed messages
 * and copied updates are sensitive text. Rows written before (plain JSON) are read as they are.
 */
function sealPayload(reply: Reply, cipher?: FieldCipher): object {
  return cipher ? { sealed: cipher.encrypt(JSON.stringify(reply)) } : (reply as object);
}

function openPayload(payload: unknown, cipher?: FieldCipher): Reply {
  const sealed = (payload as { sealed?: unknown } | null)?.sealed;
  if (typeof sealed === 'string' && cipher) return JSON.parse(cipher.decrypt(sealed)) as Reply;
  return payload as Reply;
}

function toItem(row: {
  id: string;
  dedupeKey: string;
  platform: DbPlatform;
  targetKind: string;
  targetRef: string;
  locale: string;
  payload: unknown;
  attempts: number;
  outcomeUnknown: boolean;
  createdAt: Date;
}, cipher?: FieldCipher): OutboxItem {
  return {
    id: row.id,
    dedupeKey: row.dedupeKey,
    target: { platform: fromDbPlatform(row.platform), kind: row.targetKind as OutboxTarget['kind'], ref: row.targetRef },
    locale: toLocale(row.locale) ?? 'nl',
    reply: openPayload(row.payload, cipher),
    attempts: row.attempts,
    outcomeUnknown: row.outcomeUnknown,
    createdAt: row.createdAt,
  };
}
