// A direct message to a member goes out once, on one platform, chosen when it is sent: the
// platform they chose (`/profiel platform`), else the one they used last, else any other
// platform they have an account on, as long as some instance serves that platform.
//
// Several instances may share one database and each runs its own platforms. So the choice is
// not "what runs in this process" but "what some instance ran recently": every outbox pass
// records the platforms its process runs (PlatformPresence), and a platform counts as
// available while that record is younger than the presence window. A message routed to a
// platform another instance serves is left for that instance (its own claim picks it up);
// only when none of the member's platforms has been seen for the whole window is the message
// marked UNDELIVERABLE, and never before it has waited that long itself, so an instance that
// starts a few seconds after another cannot lose messages it would have sent. When the
// instance that served a platform dies, its presence goes stale and the message moves to
// another platform of the member after the window.
import { translator, toLocale, type Locale, type Translate } from '../i18n.ts';
import { fromDbPlatform, platforms, toDbPlatform, type DbPlatform, type PlatformName } from '../platform.ts';
import type { Reply } from '../framework/reply.ts';
import type { Store, Tx } from '../store.ts';
import type { NewOutboxItem } from './outbox.ts';

export interface RoutingOptions {
  /** How long a platform counts as running after an instance last said so (default 90 s). */
  presenceWindowMs?: number;
  /** How often a process records its running platforms (default 20 s). */
  heartbeatMs?: number;
  /** Member messages looked at per pass (default 100). */
  batch?: number;
}

/** What a member's DM can be routed by. */
export interface RouteCandidate {
  identities: { platform: PlatformName; externalId: string }[];
  preferred?: PlatformName;
  last?: PlatformName;
}

/** A message that could not be delivered, as admins see it. */
export interface UndeliverableView {
  id: string;
  member: { id: string; displayName: string };
  /** The platforms the member has an account on (none of them was running). */
  platforms: PlatformName[];
  createdAt: Date;
}

/**
 * The member's accounts in the order they should be tried: the chosen platform, the last used
 * one, then the others in the order they were linked.
 */
export function routeOrder(candidate: RouteCandidate): { platform: PlatformName; externalId: string }[] {
  const rank = (platform: PlatformName) => (platform === candidate.preferred ? 0 : platform === candidate.last ? 1 : 2);
  return [...candidate.identities].sort((a, b) => rank(a.platform) - rank(b.platform));
}

/** The account to send on, among the platforms available; undefined when none is. */
export function chooseRoute(candidate: RouteCandidate, available: ReadonlySet<PlatformName>) {
  return routeOrder(candidate).find((identity) => available.has(identity.platform));
}

const memberRouteSelect = {
  preferredPlatform: true,
  lastPlatform: true,
  identities: { select: { platform: true, externalId: true }, orderBy: { createdAt: 'asc' } },
} as const;

type MemberRouteRow = { preferredPlatform: DbPlatform | null; lastPlatform: DbPlatform | null; identities: { platform: DbPlatform; externalId: string }[] };

function toCandidate(row: MemberRouteRow): RouteCandidate {
  return {
    identities: row.identities.map((identity) => ({ platform: fromDbPlatform(identity.platform), externalId: identity.externalId })),
    preferred: row.preferredPlatform ? fromDbPlatform(row.preferredPlatform) : undefined,
    last: row.lastPlatform ? fromDbPlatform(row.lastPlatform) : undefined,
  };
}

export class MemberRouting {
  private readonly presenceWindowMs: number;
  private readonly heartbeatMs: number;
  private readonly batch: number;
  private lastHeartbeat = 0;

  constructor(
    private readonly store: Store,
    options: RoutingOptions = {},
  ) {
    this.presenceWindowMs = options.presenceWindowMs ?? 90_000;
    this.heartbeatMs = options.heartbeatMs ?? 20_000;
    this.batch = options.batch ?? 100;
  }

  /**
   * One message per member, in their language, queued with the best route known now (every
   * platform counted as available); `route` chooses again when it is sent.
   */
  async itemsFor(tx: Tx, memberIds: string[], dedupeKey: string, defaultLocale: Locale, build: (t: Translate, locale: Locale) => Reply): Promise<NewOutboxItem[]> {
    const members = await tx.member.findMany({ where: { id: { in: memberIds } }, select: { id: true, locale: true, ...memberRouteSelect } });
    return members.map((member) => {
      const locale = toLocale(member.locale) ?? defaultLocale;
      // A member always has an account (members are created from one); should none be left,
      // the message waits out the window like any other and is then marked undeliverable.
      const first = routeOrder(toCandidate(member))[0];
      return {
        dedupeKey: `${dedupeKey}:member:${member.id}`,
        target: { platform: first?.platform ?? 'console', kind: 'user' as const, ref: first?.externalId ?? '' },
        locale,
        reply: build(translator(locale), locale),
        memberId: member.id,
      };
    });
  }

  /**
   * Before the worker claims: records this process's platforms, then moves each due member
   * message to the best platform some instance runs, or marks it undeliverable when none of
   * the member's platforms has run for the whole window. Returns how many were marked.
   *
   * `announce`: a worker that runs on its timer records its platforms on every pass, so other
   * instances know before any message comes. One that is only drained by hand (tests, the end
   * of console input) records them only when it has member messages to route; that is enough
   * for the undeliverable decision, since every instance passes within the window.
   */
  async route(running: readonly PlatformName[], now = new Date(), announce = true): Promise<number> {
    if (announce) await this.heartbeat(running, now);
    const rows = await this.store.outboxMessage.findMany({
      where: { status: 'PENDING', memberId: { not: null }, nextAttemptAt: { lte: now } },
      orderBy: { createdAt: 'asc' },
      take: this.batch,
      select: { id: true, platform: true, targetRef: true, nextAttemptAt: true, outcomeUnknown: true, createdAt: true, member: { select: memberRouteSelect } },
    });
    if (rows.length === 0) return 0;
    if (!announce) await this.heartbeat(running, now);
    const available = await this.availablePlatforms(running, now);
    let marked = 0;
    for (const row of rows) {
      // Only while nobody holds the lease: the claim moves nextAttemptAt, so a row another
      // worker took in the meantime is left alone.
      const unclaimed = { id: row.id, status: 'PENDING' as const, nextAttemptAt: row.nextAttemptAt };
      const current = fromDbPlatform(row.platform);
      // An attempt that may have arrived stays where it was, as long as that platform runs:
      // elsewhere it would be a second copy.
      if (row.outcomeUnknown && available.has(current)) continue;
      const route = row.member ? chooseRoute(toCandidate(row.member), available) : undefined;
      if (route) {
        if (route.platform === current && route.externalId === row.targetRef) continue;
        await this.store.outboxMessage.updateMany({
          where: unclaimed,
          data: { platform: toDbPlatform(route.platform), targetRef: route.externalId, outcomeUnknown: false },
        });
      } else if (now.getTime() - row.createdAt.getTime() >= this.presenceWindowMs) {
        const { count } = await this.store.outboxMessage.updateMany({
          where: unclaimed,
          data: { status: 'UNDELIVERABLE', lastError: 'none of the member’s platforms is running' },
        });
        marked += count;
      }
    }
    return marked;
  }

  /** Messages no platform could take, newest first, for admins. */
  async undeliverable(limit = 20): Promise<UndeliverableView[]> {
    const rows = await this.store.outboxMessage.findMany({
      where: { status: 'UNDELIVERABLE', memberId: { not: null } },
      orderBy: { createdAt: 'desc' },
      take: limit,
      select: { id: true, createdAt: true, member: { select: { id: true, displayName: true, identities: { select: { platform: true } } } } },
    });
    return rows.map((row) => ({
      id: row.id,
      member: { id: row.member!.id, displayName: row.member!.displayName },
      platforms: [...new Set(row.member!.identities.map((identity) => fromDbPlatform(identity.platform)))],
      createdAt: row.createdAt,
    }));
  }

  async undeliverableCount(): Promise<number> {
    return this.store.outboxMessage.count({ where: { status: 'UNDELIVERABLE' } });
  }

  /** The platforms this process runs, and those another instance ran within the window. */
  async availablePlatforms(running: readonly PlatformName[], now = new Date()): Promise<Set<PlatformName>> {
    const recent = await this.store.platformPresence.findMany({ where: { seenAt: { gt: new Date(now.getTime() - this.presenceWindowMs) } } });
    return new Set([...running, ...recent.map((row) => fromDbPlatform(row.platform))]);
  }

  /** Says "these platforms run here", at most every heartbeatMs (a write per pass would add up). */
  private async heartbeat(running: readonly PlatformName[], now: Date): Promise<void> {
    if (now.getTime() - this.lastHeartbeat < this.heartbeatMs) return;
    for (const platform of running.filter((name) => platforms.includes(name))) {
      const db = toDbPlatform(platform);
      await this.store.platformPresence.upsert({ where: { platform: db }, create: { platform: db, seenAt: now }, update: { seenAt: now } });
    }
    this.lastHeartbeat = now.getTime();
  }
}
