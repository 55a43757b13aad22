// News updates from the consortium organisations, Movisie and gemeenten: stored once, listed
// for everyone, whichever platform they were posted on.
import type { PlatformName } from '../platform.ts';
import type { Store } from '../store.ts';
import type { Theme } from '../themes.ts';
import { ensureChannel } from '../channels.ts';

export interface UpdateView {
  id: string;
  theme?: string;
  body: string;
  createdAt: Date;
  author: string;
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

/** Thread.subjectType of an update's discussion (Reply.discussion, ThreadManager). */
export const UPDATE_SUBJECT = 'update';

export class UpdateManager {
  constructor(private readonly store: Store) {}

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
          body: update.body,
          channelId,
        },
        include,
      });
      return toView(row);
    });
  }

  async list(filter: { theme?: Theme; organisationId?: string; authorId?: string; limit?: number } = {}): Promise<UpdateView[]> {
    const rows = await this.store.update.findMany({
      where: {
        theme: filter.theme,
        authorId: filter.authorId,
        ...(filter.organisationId
          ? { OR: [{ organisationId: filter.organisationId }, { gemeenteId: filter.organisationId }] }
          : {}),
      },
      orderBy: { createdAt: 'desc' },
      take: filter.limit ?? 10,
      include,
    });
    return rows.map(toView);
  }

  /**
   * How many replies people wrote in the discussion of each of these updates (on every
   * platform it was discussed on). Updates without a discussion or replies are left out.
   */
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

function toView(row: {
  id: string;
  theme: string | null;
  body: string;
  createdAt: Date;
  author: { displayName: string };
  organisation: { name: string } | null;
  gemeente: { name: string } | null;
}): UpdateView {
  return {
    id: row.id,
    theme: row.theme ?? undefined,
    body: row.body,
    createdAt: row.createdAt,
    author: row.author.displayName,
    organisation: row.organisation?.name,
    gemeente: row.gemeente?.name,
  };
}
