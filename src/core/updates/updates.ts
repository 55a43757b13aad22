// News updates from the consortium organisations, Movisie and gemeenten: stored once, listed
// for everyone, whichever platform they were posted on.
import type { PlatformName } from '../platform.ts';
import type { Store } from '../store.ts';
import type { Theme } from '../themes.ts';
import { ensureChannel } from '../channels.ts';
import type { FieldCipher } from '../crypto.ts';

export interface UpdateView {
  id: string;
  theme?: string;
  body: string;
  createdAt: Date;
  authorId: string;
  author: string;
  /** The last edit; shown as "(bewerkt)". */
  editedAt?: Date;
  /** How many times it was edited (each edit of each copy is queued once, under its number). */
  revision: number;
  /** Withdrawn: listed nowhere, every copy says so; the discussion stays. */
  withdrawnAt?: Date;
  organisation?: string;
  gemeente?: string;
}

export interface NewUpdate {
  authorId: string;
  organisationId?: string;
  gemeenteId?: string;
  theme?: Theme;
  body: string;
  channel?: { platform: PlatformName; ref: string; name?: string };
}

const include = { author: true, organisation: true, gemeente: true } as const;

/** What `list` filters on; all optional. `since`/`until`: posted in [since, until). */
export interface UpdateFilter {
  theme?: Theme;
  organisationId?: string;
  gemeenteId?: string;
  authorId?: string;
  since?: Date;
  until?: Date;
  /** Updates to pass over (the pages of `/update lijst`). */
  skip?: number;
  limit?: number;
}

/**
 * What an edit or withdrawal did: `changed` (the copies are to follow), `unchanged` (an edit
 * with the same text, e.g. a form submitted twice), or why nothing happened.
 */
export type UpdateChange =
  | { kind: 'changed'; update: UpdateView }
  | { kind: 'unchanged'; update: UpdateView }
  | { kind: 'missing' }
  | { kind: 'withdrawn'; update: UpdateView };

/** Thread.subjectType of an update's discussion (Reply.discussion, ThreadManager). */
export const UPDATE_SUBJECT = 'update';

export class UpdateManager {
  constructor(
    private readonly store: Store,
    private readonly cipher: FieldCipher,
  ) {}

  async post(update: NewUpdate): Promise<UpdateView> {
    return this.store.$transaction(async (tx) => {
      const channelId = update.channel
        ? await ensureChannel(tx, update.channel.platform, update.channel.ref, update.channel.name)
        : undefined;
      const row = await tx.update.create({
        data: {
          authorId: update.authorId,
          organisationId: update.organisationId,
          gemeenteId: update.gemeenteId,
          theme: update.theme,
          body: this.cipher.encrypt(update.body),
          channelId,
        },
        include,
      });
      return this.toView(row);
    });
  }

  async list(filter: UpdateFilter = {}): Promise<UpdateView[]> {
    const rows = await this.store.update.findMany({
      where: {
        // Withdrawn updates are gone from every list (their rows stay for the discussion).
        withdrawnAt: null,
        theme: filter.theme,
        authorId: filter.authorId,
        gemeenteId: filter.gemeenteId,
        ...(filter.since || filter.until ? { createdAt: { ...(filter.since ? { gte: filter.since } : {}), ...(filter.until ? { lt: filter.until } : {}) } } : {}),
        ...(filter.organisationId
          ? { OR: [{ organisationId: filter.organisationId }, { gemeenteId: filter.organisationId }] }
          : {}),
      },
      // The id breaks ties, so pages (`skip`) never repeat or miss an update of the same moment.
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: filter.skip,
      take: filter.limit ?? 10,
      include,
    });
    return rows.map((row) => this.toView(row));
  }

  /** One update, withdrawn or not; undefined when there is none with this id. */
  async get(id: string): Promise<UpdateView | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.store.update.findUnique({ where: { id }, include });
    return row ? this.toView(row) : undefined;
  }

  /**
   * New text for an update (stored encrypted), unless it was withdrawn. Only the revision read
   * here is changed: of two edits at the same moment, the second is told the update moved on
   * (it sees the newer text as `unchanged` or edits again on top of it when it differs).
   */
  async edit(id: string, body: string): Promise<UpdateChange> {
    for (let tries = 0; tries < 3; tries++) {
      const current = await this.get(id);
      if (!current) return { kind: 'missing' };
      if (current.withdrawnAt) return { kind: 'withdrawn', update: current };
      if (current.body === body) return { kind: 'unchanged', update: current };
      const { count } = await this.store.update.updateMany({
        where: { id, withdrawnAt: null, revision: current.revision },
        data: { body: this.cipher.encrypt(body), editedAt: new Date(), revision: { increment: 1 } },
      });
      if (count === 1) return { kind: 'changed', update: (await this.get(id))! };
    }
    throw new Error('update edit: the update kept changing');
  }

  /** Marks it withdrawn by this member, once: a second withdrawal reports `withdrawn`. */
  async withdraw(id: string, byMemberId: string): Promise<UpdateChange> {
    const current = await this.get(id);
    if (!current) return { kind: 'missing' };
    const { count } = await this.store.update.updateMany({ where: { id, withdrawnAt: null }, data: { withdrawnAt: new Date(), withdrawnById: byMemberId } });
    const after = (await this.get(id))!;
    return count === 1 ? { kind: 'changed', update: after } : { kind: 'withdrawn', update: after };
  }

  /**
   * How many replies people wrote in the discussion of each of these updates (on every
   * platform it was discussed on). Updates without a discussion or replies are left out.
   */
  /**
   * Encrypts the bodies of updates stored before bodies were encrypted; run at start-up. A
   * migration cannot do it (it has no key), and until this ran, plain rows are read as they
   * are (readBody). Returns how many rows it encrypted.
   */
  async encryptLegacyBodies(): Promise<number> {
    const plain = await this.store.update.findMany({ where: { NOT: { body: { startsWith: SEALED } } }, select: { id: true, body: true } });
    for (const row of plain) {
      // Only if still plain: another instance may have done it meanwhile.
      await this.store.update.updateMany({ where: { id: row.id, body: row.body }, data: { body: this.cipher.encrypt(row.body) } });
    }
    return plain.length;
  }

  /** The body as written: decrypted, or a legacy plain row as it is (also one that merely starts like ciphertext). */
  private readBody(stored: string): string {
    if (!stored.startsWith(SEALED)) return stored;
    try {
      return this.cipher.decrypt(stored);
    } catch {
      return stored;
    }
  }

  private toView(row: Parameters<typeof toView>[0]): UpdateView {
    return toView(row, this.readBody(row.body));
  }

  async replyCounts(updateIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (updateIds.length === 0) return counts;
    const threads = await this.store.thread.findMany({
      where: { subjectType: UPDATE_SUBJECT, subjectId: { in: updateIds } },
      select: { subjectId: true, _count: { select: { messages: true } } },
    });
    for (const thread of threads) {
      if (!thread.subjectId || thread._count.messages === 0) continue;
      counts.set(thread.subjectId, (counts.get(thread.subjectId) ?? 0) + thread._count.messages);
    }
    return counts;
  }
}

/** What every encrypted body starts with (FieldCipher's format version). */
const SEALED = 'v1:';

/** Button values and form states come from outside: only an id can name an update. */
function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function toView(row: {
  id: string;
  theme: string | null;
  body: string;
  createdAt: Date;
  authorId: string;
  editedAt: Date | null;
  revision: number;
  withdrawnAt: Date | null;
  author: { displayName: string };
  organisation: { name: string } | null;
  gemeente: { name: string } | null;
}, body: string): UpdateView {
  return {
    id: row.id,
    theme: row.theme ?? undefined,
    body,
    createdAt: row.createdAt,
    authorId: row.authorId,
    author: row.author.displayName,
    editedAt: row.editedAt ?? undefined,
    revision: row.revision,
    withdrawnAt: row.withdrawnAt ?? undefined,
    organisation: row.organisation?.name,
    gemeente: row.gemeente?.name,
  };
}
