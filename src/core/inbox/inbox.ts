// Every command, button press and form submission that a platform hands the bot is written here
// before it is acknowledged, so that what the bot said "got it" to is never lost:
//   RECEIVED   stored (and, on Slack, acknowledged right after); nothing done yet
//   DONE       the handler's work and this mark were committed in one transaction; the reply is kept
//              (a command that only read skips it: run again after a crash, it changes nothing)
//   ANSWERED   the person has the reply; request and reply are wiped, the key stays for dedupe
//   FAILED     the person was told it did not work (try again): never done later behind their back
// A process that dies leaves RECEIVED or DONE rows; InboxRecovery finishes them once their lease
// has run out (on this instance after a restart, or on another instance that shares the database).
// The key is the platform's event id, so the same event twice is handled once.
import type { FieldCipher } from '../crypto.ts';
import type { Reply } from '../framework/reply.ts';
import { fromDbPlatform, toDbPlatform, type DbPlatform, type PlatformName } from '../platform.ts';
import { GroupCommit } from '../group-commit.ts';
import type { Store } from '../store.ts';

/** What the Bot needs to run the request again after a crash (all of it is encrypted). */
export interface StoredRequest {
  kind: 'text' | 'command' | 'action';
  requester: { platform: PlatformName; userId: string; displayName?: string; locale?: string };
  place: { platform: PlatformName; channelRef?: string; channelName?: string; threadRef?: string };
  command?: string;
  subcommand?: string;
  text?: string;
  values?: Record<string, unknown>;
  actionId?: string;
  value?: string;
  /** The adapter's own way to answer later (a Slack response_url, a Discord interaction token). */
  route?: unknown;
}

export type Receipt = 'new' | 'duplicate';

export interface UnfinishedEvent {
  key: string;
  platform: PlatformName;
  status: 'received' | 'done';
  acknowledged: boolean;
  receivedAt: Date;
  request: StoredRequest;
  reply?: Reply;
}

/** A claimed row is left alone by other instances for this long (handlers take seconds at most). */
export const INBOX_LEASE_MS = 2 * 60_000;
/** Older unfinished events are not run any more: nobody is waiting for them (logged instead). */
export const INBOX_RECOVERY_WINDOW_MS = 24 * 60 * 60_000;

type InboxRow = {
  key: string;
  platform: DbPlatform;
  acknowledged: boolean;
  requestEncrypted: string;
  leaseUntil: Date;
  receivedAt: Date;
};

/**
 * The event's work was committed by someone else first (recovery on another instance, or this
 * one's, after the lease ran out): this attempt's transaction is rolled back, nothing twice.
 */
export class AlreadyDoneError extends Error {
  constructor(readonly key: string) {
    super('inbox event already done');
  }
}

export class Inbox {
  /** Events received together (a burst) are stored in one multi-row insert. */
  readonly #receipts = new GroupCommit<InboxRow, Receipt>((rows) => this.#insert(rows));
  /** Answers given while one such update is on its way go together in the next. */
  readonly #answers = new GroupCommit<string, void>((keys) => this.#markAnswered(keys));
  /**
   * Events this process is working on (received, queued for a handler, or being finished):
   * their leases are renewed while they wait, so no recovery pass takes them as abandoned.
   * Under a burst the queue before the handlers took longer than the 2-minute lease, and a
   * recovery pass ran the same command a second time.
   */
  readonly #held = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly cipher: FieldCipher,
  ) {}

  /** Stores the event once; a second delivery of the same key is a duplicate. */
  receive(key: string, request: StoredRequest, options: { acknowledged: boolean }, now = new Date()): Promise<Receipt> {
    return this.#receipts.add({
      key,
      platform: toDbPlatform(request.requester.platform),
      acknowledged: options.acknowledged,
      requestEncrypted: this.cipher.encrypt(JSON.stringify(request)),
      leaseUntil: new Date(now.getTime() + INBOX_LEASE_MS),
      receivedAt: now,
    });
  }

  /** One insert for the group; a key already stored, or twice in the group, is a duplicate. */
  async #insert(rows: InboxRow[]): Promise<Receipt[]> {
    const created = await this.store.inboxEvent.createManyAndReturn({ data: rows, skipDuplicates: true, select: { key: true } });
    const fresh = new Set(created.map((row) => row.key));
    // The first of two deliveries in one group is the new one.
    return rows.map((row) => (fresh.delete(row.key) ? 'new' : 'duplicate'));
  }

  /** The platform has been told "got it" (a Discord deferral): finish it after a crash. */
  async acknowledged(key: string): Promise<void> {
    await this.store.inboxEvent.updateMany({ where: { key }, data: { acknowledged: true } });
  }

  /**
   * Marks the work done; called inside the handler's unit of work, so both commit or neither.
   * Throws AlreadyDoneError when another attempt got there first: the row lock makes a second
   * concurrent attempt wait for the first and then find nothing to mark, and its rollback
   * undoes its work. The lease starts again, for the time it takes to give the answer.
   */
  async complete(key: string, reply: Reply): Promise<void> {
    const { count } = await this.store.inboxEvent.updateMany({
      where: { key, status: 'RECEIVED' },
      data: { status: 'DONE', replyEncrypted: this.cipher.encrypt(JSON.stringify(reply)), finishedAt: new Date(), leaseUntil: new Date(Date.now() + INBOX_LEASE_MS) },
    });
    if (count !== 1) throw new AlreadyDoneError(key);
  }

  /** This process works on the event: its lease is renewed until `release`. */
  hold(key: string): void {
    this.#held.set(key, (this.#held.get(key) ?? 0) + 1);
  }

  release(key: string): void {
    const left = (this.#held.get(key) ?? 1) - 1;
    if (left > 0) this.#held.set(key, left);
    else this.#held.delete(key);
  }

  /** Extends the leases of the events this process holds (run well within the lease). */
  async renewHeld(): Promise<number> {
    if (this.#held.size === 0) return 0;
    const { count } = await this.store.inboxEvent.updateMany({
      where: { key: { in: [...this.#held.keys()] }, status: { in: ['RECEIVED', 'DONE'] } },
      data: { leaseUntil: new Date(Date.now() + INBOX_LEASE_MS) },
    });
    return count;
  }

  /** The person has their answer: only the key stays, to recognise a replay. */
  answered(key: string): Promise<void> {
    return this.#answers.add(key);
  }

  /** One update for the answers given together (a burst: one statement instead of one each). */
  async #markAnswered(keys: string[]): Promise<void[]> {
    await this.store.inboxEvent.updateMany({
      where: { key: keys.length === 1 ? keys[0] : { in: keys }, status: { in: ['RECEIVED', 'DONE'] } },
      data: { status: 'ANSWERED', requestEncrypted: null, replyEncrypted: null, finishedAt: new Date() },
    });
    return keys.map(() => undefined);
  }

  /**
   * Nothing was done (the input was refused, a form is to be filled in, access denied): the
   * event leaves no trace, so the same form submitted again, corrected, is handled.
   */
  async forget(key: string): Promise<void> {
    await this.store.inboxEvent.deleteMany({ where: { key, status: 'RECEIVED' } });
  }

  /** The person was told it failed and to try again: it must not happen later by itself. */
  async fail(key: string): Promise<void> {
    await this.store.inboxEvent.updateMany({
      where: { key, status: { in: ['RECEIVED', 'DONE'] } },
      data: { status: 'FAILED', requestEncrypted: null, replyEncrypted: null, finishedAt: new Date() },
    });
  }

  /**
   * Takes unfinished events of these platforms whose lease ran out (their process died) and
   * leases them to the caller; another instance's live work is never taken. With a later
   * `leaseCutoff` and `receivedBefore` (this process's start) a single instance takes over
   * everything an earlier process of its own left.
   */
  async claimUnfinished(platforms: PlatformName[], limit = 20, filter: { leaseCutoff?: Date; receivedBefore?: Date } = {}): Promise<UnfinishedEvent[]> {
    if (platforms.length === 0) return [];
    const rows = await this.store.inboxEvent.findMany({
      where: {
        status: { in: ['RECEIVED', 'DONE'] },
        platform: { in: platforms.map(toDbPlatform) },
        // Never what this process is still working on, whatever its lease says.
        ...(this.#held.size ? { key: { notIn: [...this.#held.keys()] } } : {}),
        leaseUntil: { lte: filter.leaseCutoff ?? new Date() },
        receivedAt: { gte: new Date(Date.now() - INBOX_RECOVERY_WINDOW_MS), ...(filter.receivedBefore ? { lt: filter.receivedBefore } : {}) },
      },
      orderBy: { receivedAt: 'asc' },
      take: limit,
    });
    const claimed: UnfinishedEvent[] = [];
    for (const row of rows) {
      // Only the instance whose update still sees the old lease owns the event.
      const { count } = await this.store.inboxEvent.updateMany({
        where: { key: row.key, leaseUntil: row.leaseUntil, status: row.status },
        data: { leaseUntil: new Date(Date.now() + INBOX_LEASE_MS) },
      });
      if (count === 1) claimed.push(this.toUnfinished(row));
    }
    return claimed;
  }

  /** Unfinished events too old to run: counted, failed (nobody waits for them any more). */
  async expire(now = new Date()): Promise<number> {
    const { count } = await this.store.inboxEvent.updateMany({
      where: { status: { in: ['RECEIVED', 'DONE'] }, receivedAt: { lt: new Date(now.getTime() - INBOX_RECOVERY_WINDOW_MS) } },
      data: { status: 'FAILED', requestEncrypted: null, replyEncrypted: null, finishedAt: now },
    });
    return count;
  }

  /** Finished keys older than any platform's retries can go. */
  async prune(olderThan: Date): Promise<number> {
    const { count } = await this.store.inboxEvent.deleteMany({ where: { status: { in: ['ANSWERED', 'FAILED'] }, receivedAt: { lt: olderThan } } });
    return count;
  }

  private toUnfinished(row: {
    key: string;
    platform: DbPlatform;
    status: string;
    acknowledged: boolean;
    receivedAt: Date;
    requestEncrypted: string | null;
    replyEncrypted: string | null;
  }): UnfinishedEvent {
    return {
      key: row.key,
      platform: fromDbPlatform(row.platform),
      status: row.status === 'DONE' ? 'done' : 'received',
      acknowledged: row.acknowledged,
      receivedAt: row.receivedAt,
      request: JSON.parse(this.cipher.decrypt(row.requestEncrypted ?? '')) as StoredRequest,
      reply: row.replyEncrypted ? (JSON.parse(this.cipher.decrypt(row.replyEncrypted)) as Reply) : undefined,
    };
  }
}
