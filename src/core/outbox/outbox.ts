// Messages that must arrive (notifications, digests, reminders) are written here in the same
// transaction as the change that causes them, then sent by the OutboxWorker with retries.
// The dedupe key makes enqueueing idempotent: the same event never queues a message twice.
import { translator, toLocale, type Locale, type Translate } from '../i18n.ts';
import { fromDbPlatform, toDbPlatform, type DbPlatform, type PlatformName } from '../platform.ts';
import type { Reply } from '../framework/reply.ts';
import type { Store, Tx } from '../store.ts';

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
}

export type NewOutboxItem = Pick<OutboxItem, 'dedupeKey' | 'target' | 'locale' | 'reply'>;

const MAX_ATTEMPTS = 10;
/** How long a claimed message is hidden from other workers while it is being sent. */
const LEASE_MS = 60_000;

export class Outbox {
  constructor(
    private readonly store: Store,
    private readonly defaultLocale: Locale,
  ) {}

  /**
   * Queues a message that belongs to no database change (e.g. an answer that came too late for
   * the platform's own reply): it is sent and retried like any other. Once per dedupe key.
   */
  async send(item: NewOutboxItem): Promise<void> {
    await this.enqueue(this.store, item);
  }

  async enqueue(tx: Tx, item: NewOutboxItem): Promise<void> {
    await tx.outboxMessage.createMany({
      data: [
        {
          dedupeKey: item.dedupeKey,
          platform: toDbPlatform(item.target.platform),
          targetKind: item.target.kind,
          targetRef: item.target.ref,
          locale: item.locale,
          payload: item.reply as object,
        },
      ],
      skipDuplicates: true,
    });
  }

  /** A direct message to each member on every platform they use, in their own language. */
  async notifyMembers(tx: Tx, memberIds: string[], dedupeKey: string, build: (t: Translate, locale: Locale) => Reply) {
    const members = await tx.member.findMany({ where: { id: { in: memberIds } }, include: { identities: true } });
    for (const member of members) {
      const locale = toLocale(member.locale) ?? this.defaultLocale;
      const reply = build(translator(locale), locale);
      for (const identity of member.identities) {
        await this.enqueue(tx, {
          dedupeKey: `${dedupeKey}:${identity.platform}:${identity.externalId}`,
          target: { platform: fromDbPlatform(identity.platform), kind: 'user', ref: identity.externalId },
          locale,
          reply,
        });
      }
    }
  }

  /** Takes up to `limit` due messages for the running platforms and leases them. */
  async claimDue(running: PlatformName[], limit = 20, now = new Date()): Promise<OutboxItem[]> {
    if (running.length === 0) return [];
    const platforms = running.map(toDbPlatform);
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
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
        if (count === 1) claimed.push(toItem(row));
      }
      return claimed;
    });
  }

  async markSent(id: string): Promise<void> {
    await this.store.outboxMessage.update({ where: { id }, data: { status: 'SENT', sentAt: new Date(), lastError: null } });
  }

  /** Schedules another try with exponential back-off, or gives up after MAX_ATTEMPTS. */
  async markFailed(item: OutboxItem, error: string, retryAfterMs?: number, now = new Date()): Promise<void> {
    const attempts = item.attempts + 1;
    const backoff = retryAfterMs ?? Math.min(2 ** attempts * 1000, 3_600_000);
    await this.store.outboxMessage.update({
      where: { id: item.id },
      data: {
        attempts,
        lastError: error.slice(0, 500),
        status: attempts >= MAX_ATTEMPTS ? 'FAILED' : 'PENDING',
        nextAttemptAt: new Date(now.getTime() + backoff),
      },
    });
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

function toItem(row: {
  id: string;
  dedupeKey: string;
  platform: DbPlatform;
  targetKind: string;
  targetRef: string;
  locale: string;
  payload: unknown;
  attempts: number;
}): OutboxItem {
  return {
    id: row.id,
    dedupeKey: row.dedupeKey,
    target: { platform: fromDbPlatform(row.platform), kind: row.targetKind as OutboxTarget['kind'], ref: row.targetRef },
    locale: toLocale(row.locale) ?? 'nl',
    reply: row.payload as Reply,
    attempts: row.attempts,
  };
}
