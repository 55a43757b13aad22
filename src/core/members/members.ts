// Who is who: platform accounts, the member behind them, their organisation and role.
// New accounts become members automatically; belonging to an organisation needs approval by a
// coordinator or admin (link requests). Accounts listed in ADMINS are admins from the start.
import { toLocale, type Locale, type Translate } from '../i18n.ts';
import { toDbPlatform, type PlatformName } from '../platform.ts';
import type { Store } from '../store.ts';
import { recordAudit } from '../audit.ts';
import { normalise } from '../text.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { Reply } from '../framework/reply.ts';

export type RoleName = 'member' | 'adviser' | 'coordinator' | 'admin';
export type OrganisationKindName = 'movisie' | 'consortium' | 'gemeente';

export interface OrganisationView {
  id: string;
  slug: string;
  name: string;
  shortName?: string;
  kind: OrganisationKindName;
}

export interface MemberView {
  id: string;
  displayName: string;
  role: RoleName;
  approved: boolean;
  locale?: Locale;
  /** Where direct messages go; undefined: automatic (the platform used last). */
  preferredPlatform?: PlatformName;
  organisation?: OrganisationView;
  identities: { platform: PlatformName; externalId: string }[];
}

export interface LinkRequestView {
  id: string;
  member: { id: string; displayName: string };
  organisation: OrganisationView;
  status: 'pending' | 'approved' | 'rejected';
  createdAt: Date;
}

// The access ladder lives with the other preconditions; re-exported for existing callers.
export { mayAccess } from '../framework/preconditions.ts';

const memberInclude = { organisation: true, identities: true } as const;

export class MemberManager {
  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly admins: ReadonlySet<string>,
  ) {}

  /** The member behind a platform account, created on first contact. */
  async resolve(platform: PlatformName, externalId: string, displayName?: string): Promise<MemberView> {
    const where = { platform_externalId: { platform: toDbPlatform(platform), externalId } };
    let identity = await this.store.platformIdentity.findUnique({ where, include: { member: { include: memberInclude } } });
    if (!identity) {
      // Two first events of one person at once: both create a member, one identity wins and the
      // other member is removed again. No statement fails, so this is safe inside a transaction.
      const created = await this.store.member.create({ data: { displayName: displayName ?? externalId } });
      const { count } = await this.store.platformIdentity.createMany({
        data: [{ platform: toDbPlatform(platform), externalId, displayName, memberId: created.id }],
        skipDuplicates: true,
      });
      if (count === 0) await this.store.member.delete({ where: { id: created.id } });
      identity = await this.store.platformIdentity.findUniqueOrThrow({ where, include: { member: { include: memberInclude } } });
    }
    let member = identity.member;
    // The platform of the latest request is where DMs go when the member chose none; written
    // only when it changes, so a request costs no extra write.
    if (member.lastPlatform !== toDbPlatform(platform)) {
      member = await this.store.member.update({ where: { id: member.id }, data: { lastPlatform: toDbPlatform(platform) }, include: memberInclude });
    }
    if (this.admins.has(`${platform}:${externalId}`) && (member.role !== 'ADMIN' || !member.approvedAt)) {
      member = await this.store.member.update({
        where: { id: member.id },
        data: { role: 'ADMIN', approvedAt: member.approvedAt ?? new Date() },
        include: memberInclude,
      });
    }
    return toMemberView(member);
  }

  async get(memberId: string): Promise<MemberView> {
    return toMemberView(await this.store.member.findUniqueOrThrow({ where: { id: memberId }, include: memberInclude }));
  }

  async setLocale(memberId: string, locale: Locale): Promise<void> {
    await this.store.member.update({ where: { id: memberId }, data: { locale } });
  }

  /**
   * Where the member's DMs go: a platform they have an account on, or undefined for automatic.
   * False when they have no account there.
   */
  async setPreferredPlatform(memberId: string, platform: PlatformName | undefined): Promise<boolean> {
    if (platform) {
      const has = await this.store.platformIdentity.count({ where: { memberId, platform: toDbPlatform(platform) } });
      if (has === 0) return false;
    }
    await this.store.member.update({ where: { id: memberId }, data: { preferredPlatform: platform ? toDbPlatform(platform) : null } });
    return true;
  }

  async listOrganisations(kind?: OrganisationKindName): Promise<OrganisationView[]> {
    const rows = await this.store.organisation.findMany({
      where: kind ? { kind: kind.toUpperCase() as 'GEMEENTE' } : undefined,
      orderBy: [{ kind: 'asc' }, { name: 'asc' }],
    });
    return rows.map(toOrganisationView);
  }

  /**
   * An organisation by slug, abbreviation or (part of its) name, ignoring case, accents and
   * the word "gemeente". Returns the candidates when the words fit more than one.
   */
  async findOrganisation(query: string): Promise<{ match?: OrganisationView; candidates: OrganisationView[] }> {
    const all = await this.listOrganisations();
    const wanted = normalise(query);
    if (!wanted) return { candidates: [] };
    const exact = all.find((org) => [org.slug, org.shortName ?? '', org.name].some((name) => normalise(name) === wanted));
    if (exact) return { match: exact, candidates: [exact] };
    const partial = all.filter((org) => normalise(`${org.name} ${org.shortName ?? ''}`).includes(wanted));
    return partial.length === 1 ? { match: partial[0], candidates: partial } : { candidates: partial };
  }

  /**
   * Asks to be recognised as part of an organisation; coordinators and admins get a message
   * with buttons to decide. Asking again while a request is open returns that request.
   */
  async requestLink(
    memberId: string,
    organisationId: string,
    notice: (t: Translate, request: LinkRequestView) => Reply,
  ): Promise<{ request: LinkRequestView; created: boolean }> {
    return this.store.$transaction(async (tx) => {
      const open = await tx.linkRequest.findFirst({
        where: { memberId, status: 'PENDING' },
        include: { member: true, organisation: true },
      });
      if (open && open.organisationId === organisationId) return { request: toRequestView(open), created: false };
      if (open) await tx.linkRequest.update({ where: { id: open.id }, data: { status: 'REJECTED', decidedAt: new Date() } });
      const created = await tx.linkRequest.create({
        data: { memberId, organisationId },
        include: { member: true, organisation: true },
      });
      const view = toRequestView(created);
      const deciders = await tx.member.findMany({ where: { role: { in: ['COORDINATOR', 'ADMIN'] } }, select: { id: true } });
      await this.outbox.notifyMembers(tx, deciders.map((d) => d.id), `link-request:${view.id}`, (t) => notice(t, view));
      return { request: view, created: true };
    });
  }

  /**
   * Gives a member another role (admins only; the command checks). Roles above member come
   * with approval: an admin vouches for them. The last admin cannot give up the role, so the
   * alliance is never locked out. Unknown accounts and configured admins are refused: the reply
   * may only claim a change that happened.
   */
  async setRole(
    target: { platform: PlatformName; externalId: string },
    role: RoleName,
    actorId: string,
    notice: (t: Translate, role: RoleName) => Reply,
  ): Promise<{ member: MemberView; changed: boolean } | { refused: 'lastAdmin' | 'configuredAdmin' | 'unknown' }> {
    // ADMINS (and the console user) are made admin again on their next message: a lower role
    // would be a change that does not last, so none is made.
    if (role !== 'admin' && this.admins.has(`${target.platform}:${target.externalId}`)) return { refused: 'configuredAdmin' };
    // A console id is typed by hand: one the bot never heard from is a typo, not a person, and
    // must not create a member. On Slack and Discord the person was picked or mentioned, so
    // the account exists on the platform even if it never spoke to the bot.
    const identity = await this.store.platformIdentity.findUnique({
      where: { platform_externalId: { platform: toDbPlatform(target.platform), externalId: target.externalId } },
      select: { memberId: true },
    });
    if (!identity && target.platform === 'console') return { refused: 'unknown' };
    const member = identity ? await this.get(identity.memberId) : await this.resolve(target.platform, target.externalId);
    if (member.role === role) return { member, changed: false };
    return this.store.$transaction(async (tx) => {
      if (member.role === 'admin' && (await tx.member.count({ where: { role: 'ADMIN' } })) <= 1) return { refused: 'lastAdmin' as const };
      const updated = await tx.member.update({
        where: { id: member.id },
        data: { role: role.toUpperCase() as 'ADMIN', ...(role !== 'member' && !member.approved ? { approvedAt: new Date() } : {}) },
        include: memberInclude,
      });
      await recordAudit(tx, { actorId, action: 'member.role', subject: member.id, details: { from: member.role, to: role } });
      await this.outbox.notifyMembers(tx, [member.id], `role:${member.id}:${role}:${Date.now()}`, (t) => notice(t, role));
      return { member: toMemberView(updated), changed: true };
    });
  }

  /** The member's own request that waits for a decision, if any. */
  async openRequest(memberId: string): Promise<LinkRequestView | undefined> {
    const row = await this.store.linkRequest.findFirst({ where: { memberId, status: 'PENDING' }, include: { member: true, organisation: true } });
    return row ? toRequestView(row) : undefined;
  }

  async pendingRequests(): Promise<LinkRequestView[]> {
    const rows = await this.store.linkRequest.findMany({
      where: { status: 'PENDING' },
      include: { member: true, organisation: true },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toRequestView);
  }

  /**
   * Approves or rejects a link request once; a second click (or a second coordinator) finds
   * it decided and changes nothing. The requester hears the outcome; with `decided`, the
   * notice every coordinator and admin got (with its buttons) is edited in place to say who
   * decided what, so nobody acts on a request that was already decided.
   */
  async decide(
    requestId: string,
    deciderId: string,
    approve: boolean,
    outcome: (t: Translate, request: LinkRequestView) => Reply,
    decided?: (t: Translate, request: LinkRequestView, deciderName: string) => Reply,
  ): Promise<{ request?: LinkRequestView; changed: boolean }> {
    return this.store.$transaction(async (tx) => {
      const { count } = await tx.linkRequest.updateMany({
        where: { id: requestId, status: 'PENDING' },
        data: { status: approve ? 'APPROVED' : 'REJECTED', decidedById: deciderId, decidedAt: new Date() },
      });
      const row = await tx.linkRequest.findUnique({ where: { id: requestId }, include: { member: true, organisation: true } });
      if (!row || count === 0) return { request: row ? toRequestView(row) : undefined, changed: false };
      if (approve) {
        await tx.member.update({
          where: { id: row.memberId },
          data: { organisationId: row.organisationId, approvedAt: new Date() },
        });
      }
      await recordAudit(tx, {
        actorId: deciderId,
        action: approve ? 'link-request.approve' : 'link-request.reject',
        subject: row.memberId,
        details: { organisation: row.organisation.slug },
      });
      const view = toRequestView(row);
      await this.outbox.notifyMembers(tx, [row.memberId], `link-decision:${row.id}`, (t) => outcome(t, view));
      if (decided) {
        const decider = await tx.member.findUnique({ where: { id: deciderId }, select: { displayName: true } });
        // The notices were queued under `link-request:<id>:<platform>:<account>` (requestLink).
        await this.outbox.editEach(tx, `link-request:${row.id}:`, 'decided', (t) => decided(t, view, decider?.displayName ?? '?'));
      }
      return { request: view, changed: true };
    });
  }
}

type OrganisationRow = { id: string; slug: string; name: string; shortName: string | null; kind: string };

function toOrganisationView(row: OrganisationRow): OrganisationView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    shortName: row.shortName ?? undefined,
    kind: row.kind.toLowerCase() as OrganisationKindName,
  };
}

function toMemberView(row: {
  id: string;
  displayName: string;
  role: string;
  approvedAt: Date | null;
  locale: string | null;
  preferredPlatform: string | null;
  organisation: OrganisationRow | null;
  identities: { platform: string; externalId: string }[];
}): MemberView {
  return {
    id: row.id,
    displayName: row.displayName,
    role: row.role.toLowerCase() as RoleName,
    approved: row.approvedAt !== null,
    locale: toLocale(row.locale),
    preferredPlatform: row.preferredPlatform ? (row.preferredPlatform.toLowerCase() as PlatformName) : undefined,
    organisation: row.organisation ? toOrganisationView(row.organisation) : undefined,
    identities: row.identities.map((identity) => ({
      platform: identity.platform.toLowerCase() as PlatformName,
      externalId: identity.externalId,
    })),
  };
}

function toRequestView(row: {
  id: string;
  status: string;
  createdAt: Date;
  member: { id: string; displayName: string };
  organisation: OrganisationRow;
}): LinkRequestView {
  return {
    id: row.id,
    member: { id: row.member.id, displayName: row.member.displayName },
    organisation: toOrganisationView(row.organisation),
    status: row.status.toLowerCase() as LinkRequestView['status'],
    createdAt: row.createdAt,
  };
}
