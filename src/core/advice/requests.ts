// Advice requests: asking, routing to an adviser, the adviser's decisions (accept, hand over,
// ask the requester, close) and the requester's rating. Every change is one conditional update
// in the database, so of two presses at the same moment exactly one changes anything, and
// the DMs about the request change in every copy (outbox edits) in the same transaction.
// Free text is encrypted at rest; who may see a request is decided here (mayView).
import { recordAudit } from '../audit.ts';
import type { ConversationManager } from '../conversations/conversations.ts';
import type { FieldCipher } from '../crypto.ts';
import { translator, type Locale } from '../i18n.ts';
import type { MemberManager, MemberView } from '../members/members.ts';
import { toDbPlatform, type PlatformName } from '../platform.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { Store, Tx } from '../store.ts';
import { nextRequestNumber, normaliseNumber } from './numbers.ts';
import { acceptedForRequester, closedForAdviser, closedForRequester, offerNotice, questionForRequester, reopenButton, type Outcome } from './notices.ts';
import { chooseAdviser, isAway, type AdviserLoad } from './routing.ts';
import { DateTime } from 'luxon';
import { WorkingCalendar } from '../calendar/working-time.ts';
import { adviceStats, type StatsRow } from './stats.ts';
import { AdviceFollowUp, type FollowUpCounts } from './follow-up.ts';
import { defaultTargets, slaState, waitedMinutes, type AdviceTargets, type SlaState } from './targets.ts';

export const ADVICE_SUBJECT = 'advies';
export type AdviceStatus = 'queued' | 'assigned' | 'accepted' | 'waiting' | 'closed';
export const OPEN_STATUSES: AdviceStatus[] = ['queued', 'assigned', 'accepted', 'waiting'];
const ASSIGNED_STATUSES: AdviceStatus[] = ['assigned', 'accepted', 'waiting'];
export type Contact = 'chat' | 'telefoon' | 'email';

export interface AdviceView {
  id: string;
  number: string;
  requesterId: string;
  requesterName: string;
  theme: string;
  urgent: boolean;
  status: AdviceStatus;
  question: string;
  organisation?: string;
  contact?: Contact;
  assigneeId?: string;
  assigneeName?: string;
  createdAt: Date;
  acceptedAt?: Date;
  waitingSince?: Date;
  pausedMinutes: number;
  /** Which offer the adviser's DMs belong to (bumped at every new offer). */
  offerSeq: number;
  lastActivityAt: Date;
  closedAt?: Date;
  summary?: string;
  rating?: number;
  comment?: string;
}

export interface AdviceEventView {
  action: string;
  actorName?: string;
  toName?: string;
  /** Of someone since erased: their role then (`adviser`, `coordinator`…), shown instead of a name. */
  actorRole?: string;
  toRole?: string;
  reason?: string;
  at: Date;
}

export interface AdviserView extends AdviserLoad {
  name: string;
  role: string;
}

export interface NewRequest {
  requesterId: string;
  theme: string;
  urgent: boolean;
  question: string;
  organisation?: string;
  contact?: Contact;
}

/** What a decision on a request came to; `taken`: someone else decided first. */
export type Decision =
  | { kind: 'done'; request: AdviceView }
  | { kind: 'missing' }
  | { kind: 'taken'; by: string; request: AdviceView }
  | { kind: 'closed'; request: AdviceView }
  | { kind: 'notNow'; request: AdviceView };

const include = { requester: true, assignee: true } as const;
type Row = Awaited<ReturnType<Store['adviceRequest']['findUniqueOrThrow']>> & { requester: { displayName: string }; assignee: { displayName: string } | null };

export class AdviceManager {
  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly cipher: FieldCipher,
    private readonly conversations: ConversationManager,
    private readonly members: MemberManager,
    private readonly defaultLocale: Locale,
    private readonly timezone: string,
    readonly calendar = new WorkingCalendar({ zone: timezone }),
    readonly targets: AdviceTargets = defaultTargets,
  ) {
    this.followUps = new AdviceFollowUp(store, outbox, this, calendar, targets, timezone);
  }

  private readonly followUps: AdviceFollowUp;

  /** Reminders, escalations, nudges and automatic closing, as due at `now` (the scheduler's job). */
  followUp(now: Date): Promise<FollowUpCounts> {
    return this.followUps.run(now);
  }

  /** Counts per month and theme (coordinators): never content. */
  stats(now: Date): Promise<StatsRow[]> {
    return adviceStats(this.store, this.calendar, this.targets, 6, now);
  }

  /** Where a request stands against its first-response target. */
  sla(request: AdviceView, now: Date): { state: SlaState; workingHours: number } {
    return { state: slaState(this.targets, this.calendar, request, now), workingHours: Math.floor(waitedMinutes(this.calendar, request, now) / 60) };
  }

  // ---- advisers -------------------------------------------------------------------------

  /** Sets (or replaces) an adviser's themes and capacity. */
  async setAdviser(memberId: string, themes: string[], capacity: number | undefined, actorId: string): Promise<void> {
    await this.store.adviser.upsert({
      where: { memberId },
      create: { memberId, themes, ...(capacity ? { capacity } : {}) },
      update: { themes, ...(capacity ? { capacity } : {}) },
    });
    await recordAudit(this.store, { actorId, action: 'advice.adviser', subject: memberId, details: { themes: themes.join(','), capacity: capacity ?? null } });
  }

  /** Away until the end of `until` (null: back). False when they are no adviser. */
  async setAway(memberId: string, until: Date | null, actorId: string): Promise<boolean> {
    const { count } = await this.store.adviser.updateMany({ where: { memberId }, data: { awayUntil: until } });
    if (count && actorId !== memberId) await recordAudit(this.store, { actorId, action: 'advice.away', subject: memberId, details: { until: until?.toISOString() ?? null } });
    return count === 1;
  }

  async adviser(memberId: string): Promise<AdviserView | undefined> {
    return (await this.advisers()).find((adviser) => adviser.memberId === memberId);
  }

  /** Every adviser with their open load, by name. */
  async advisers(): Promise<AdviserView[]> {
    const rows = await this.store.adviser.findMany({ include: { member: true } });
    const loads = await this.store.adviceRequest.groupBy({ by: ['assigneeId'], where: { status: { in: ASSIGNED_STATUSES }, assigneeId: { not: null } }, _count: { _all: true } });
    const open = new Map(loads.map((load) => [load.assigneeId, load._count._all]));
    return rows
      .map((row) => ({
        memberId: row.memberId,
        name: row.member.displayName,
        role: row.member.role.toLowerCase(),
        themes: row.themes,
        capacity: row.capacity,
        awayUntil: row.awayUntil ?? undefined,
        lastAssignedAt: row.lastAssignedAt ?? undefined,
        open: open.get(row.memberId) ?? 0,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The member behind an account, without creating one for a console id nobody typed yet. */
  async memberOf(platform: PlatformName, externalId: string): Promise<MemberView | undefined> {
    const identity = await this.store.platformIdentity.findUnique({ where: { platform_externalId: { platform: toDbPlatform(platform), externalId } }, select: { memberId: true } });
    if (identity) return this.members.get(identity.memberId);
    // On Slack and Discord the person was picked or mentioned: the account exists there.
    return platform === 'console' ? undefined : this.members.resolve(platform, externalId);
  }

  // ---- asking and routing ---------------------------------------------------------------

  /** A new request, numbered and routed in one transaction; the DMs go through the outbox. */
  async ask(input: NewRequest, now: Date): Promise<AdviceView> {
    return this.store.$transaction(async (tx) => {
      const year = DateTime.fromJSDate(now).setZone(this.timezone).year;
      const number = await nextRequestNumber(tx, year);
      const row = await tx.adviceRequest.create({
        data: {
          number,
          requesterId: input.requesterId,
          theme: input.theme,
          urgent: input.urgent,
          status: 'queued',
          questionEncrypted: this.cipher.encrypt(input.question),
          organisationEncrypted: input.organisation ? this.cipher.encrypt(input.organisation) : null,
          contact: input.contact ?? null,
          createdAt: now,
          lastActivityAt: now,
        },
      });
      await this.recordEvent(tx, row.id, input.requesterId, 'created', now);
      return this.route(tx, row.id, now, input.requesterId);
    });
  }

  /**
   * Offers the request to the best adviser, or to the coordinators' queue. Serialised with an
   * advisory lock, so two requests at the same moment see each other's load.
   */
  private async route(tx: Tx, id: string, now: Date, actorId: string | undefined, exclude: string[] = [], reason: 'nobody' | 'handedBack' = 'nobody'): Promise<AdviceView> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('advice-routing'))`;
    const current = await this.row(tx, id);
    const chosen = reason === 'nobody' ? chooseAdviser(await this.advisers(), current.theme, current.urgent, now, exclude) : undefined;
    const offerSeq = current.offerSeq + 1;
    await tx.adviceRequest.update({
      where: { id },
      data: chosen ? { status: 'assigned', assigneeId: chosen.memberId, assignedAt: now, offerSeq } : { status: 'queued', assigneeId: null, assignedAt: null, offerSeq },
    });
    if (chosen) await tx.adviser.update({ where: { memberId: chosen.memberId }, data: { lastAssignedAt: now } });
    await this.recordEvent(tx, id, actorId, chosen ? 'assigned' : 'queued', now, chosen?.memberId);
    const request = await this.view(tx, id);
    const coordinators = chosen && !request.urgent ? [] : await this.coordinatorIds(tx);
    const recipients = [...new Set([...(chosen ? [chosen.memberId] : []), ...coordinators])];
    const outcome: Outcome = chosen ? { kind: 'offered' } : { kind: 'queued', reason };
    await this.outbox.notifyMembers(tx, recipients, `${offerKey(id, offerSeq)}`, (t, locale) => offerNotice(t, locale, this.timezone, request, outcome));
    return request;
  }

  // ---- decisions ------------------------------------------------------------------------

  /**
   * Oppakken: the assignee, or a coordinator (taking it over), accepts. One conditional
   * update: a second press, or a second person at the same moment, finds it taken.
   */
  async accept(actor: MemberView, id: string, now: Date): Promise<Decision> {
    return this.store.$transaction(async (tx) => {
      const before = await this.find(tx, id);
      if (!before || !this.mayAct(actor, before)) return { kind: 'missing' };
      const { count } = await tx.adviceRequest.updateMany({
        // Coordinators may take over an offer to someone else; advisers only their own.
        where: { id, status: { in: ['queued', 'assigned', 'waiting'] }, acceptedAt: null, ...(isCoordinator(actor) ? {} : { assigneeId: actor.id }) },
        data: { status: 'accepted', assigneeId: actor.id, acceptedAt: now, lastActivityAt: now, waitingSince: null, ...pausedUntil(this.calendar, before, now) },
      });
      if (count === 0) return this.notChanged(tx, id);
      await this.recordEvent(tx, id, actor.id, 'accepted', now);
      if (isCoordinator(actor) && before.assigneeId !== actor.id) await recordAudit(tx, { actorId: actor.id, action: 'advice.accept', subject: before.number });
      const request = await this.view(tx, id);
      await this.editOffers(tx, request, `accepted`, { kind: 'accepted', by: actor.displayName });
      await this.outbox.notifyMembers(tx, [request.requesterId], `advice:${id}:accepted:${request.assigneeId}`, (t) => acceptedForRequester(t, request, actor.displayName));
      await this.conversations.open({ subject: { type: ADVICE_SUBJECT, id: request.number }, participants: [request.requesterId, actor.id], title: request.number });
      return { kind: 'done', request };
    });
  }

  /** Overdragen: to a colleague (an adviser), or back to the coordinators' queue. */
  async handOver(actor: MemberView, id: string, to: MemberView | undefined, reason: string, now: Date): Promise<Decision | { kind: 'notAdviser' }> {
    return this.store.$transaction(async (tx) => {
      const before = await this.find(tx, id);
      if (!before || !this.mayAct(actor, before)) return { kind: 'missing' };
      if (before.status === 'closed') return { kind: 'closed', request: before };
      if (to && !(await tx.adviser.findUnique({ where: { memberId: to.id } }))) return { kind: 'notAdviser' };
      const { count } = await tx.adviceRequest.updateMany({ where: { id, status: before.status, assigneeId: before.assigneeId ?? null, offerSeq: before.offerSeq }, data: { lastActivityAt: now } });
      if (count === 0) return this.notChanged(tx, id);
      await this.recordEvent(tx, id, actor.id, 'handedOver', now, to?.id, reason);
      if (isCoordinator(actor) && actor.id !== before.assigneeId) await recordAudit(tx, { actorId: actor.id, action: 'advice.handover', subject: before.number, details: { to: to?.id ?? 'queue' } });
      await this.editOffers(tx, before, `handover:${before.offerSeq}`, { kind: 'handedOver', by: actor.displayName, to: to?.displayName }, true);
      if (to) {
        const offerSeq = before.offerSeq + 1;
        await tx.adviceRequest.update({ where: { id }, data: { status: 'assigned', assigneeId: to.id, assignedAt: now, acceptedAt: null, offerSeq } });
        await tx.adviser.update({ where: { memberId: to.id }, data: { lastAssignedAt: now } });
        await this.recordEvent(tx, id, actor.id, 'assigned', now, to.id);
        const request = await this.view(tx, id);
        await this.outbox.notifyMembers(tx, [to.id], offerKey(id, offerSeq), (t, locale) => offerNotice(t, locale, this.timezone, request, { kind: 'offered' }));
        return { kind: 'done', request };
      }
      return { kind: 'done', request: await this.route(tx, id, now, actor.id, [], 'handedBack') };
    });
  }

  /** Vraag stellen: waiting for the requester, the clock stands still until they write. */
  async askRequester(actor: MemberView, id: string, now: Date): Promise<Decision> {
    return this.store.$transaction(async (tx) => {
      const before = await this.find(tx, id);
      if (!before || !this.mayAct(actor, before)) return { kind: 'missing' };
      if (before.status === 'closed') return { kind: 'closed', request: before };
      if (before.status === 'waiting') return { kind: 'notNow', request: before };
      // Asking is not the first response: the first-response clock stands still while the
      // requester is to answer, and runs on afterwards. The conversation opens to ask in.
      const { count } = await tx.adviceRequest.updateMany({
        where: { id, status: before.status, offerSeq: before.offerSeq, ...(isCoordinator(actor) ? {} : { assigneeId: actor.id }) },
        data: { status: 'waiting', assigneeId: actor.id, waitingSince: now, lastActivityAt: now },
      });
      if (count === 0) return this.notChanged(tx, id);
      if (isCoordinator(actor) && actor.id !== before.assigneeId) await recordAudit(tx, { actorId: actor.id, action: 'advice.ask', subject: before.number });
      if (!before.acceptedAt) await this.conversations.open({ subject: { type: ADVICE_SUBJECT, id: before.number }, participants: [before.requesterId, actor.id], title: before.number });
      await this.recordEvent(tx, id, actor.id, 'waiting', now);
      const request = await this.view(tx, id);
      await this.editOffers(tx, request, `waiting:${now.getTime()}`, { kind: 'waiting', by: actor.displayName, accepted: !!request.acceptedAt });
      await this.outbox.notifyMembers(tx, [request.requesterId], `advice:${id}:question:${now.getTime()}`, (t) => questionForRequester(t, request, actor.displayName));
      return { kind: 'done', request };
    });
  }

  /** Afsluiten with a summary: the requester gets it, with the rating buttons. */
  async close(actor: MemberView, id: string, summary: string, now: Date): Promise<Decision> {
    return this.store.$transaction(async (tx) => {
      const before = await this.find(tx, id);
      if (!before || !this.mayAct(actor, before)) return { kind: 'missing' };
      const { count } = await tx.adviceRequest.updateMany({
        where: { id, status: { in: OPEN_STATUSES } },
        data: { status: 'closed', closedAt: now, lastActivityAt: now, summaryEncrypted: this.cipher.encrypt(summary), waitingSince: null, ...pausedUntil(this.calendar, before, now) },
      });
      if (count === 0) return this.notChanged(tx, id);
      await this.recordEvent(tx, id, actor.id, 'closed', now);
      if (isCoordinator(actor) && actor.id !== before.assigneeId) await recordAudit(tx, { actorId: actor.id, action: 'advice.close', subject: before.number });
      const request = await this.view(tx, id);
      await this.editOffers(tx, request, `closed:${now.getTime()}`, { kind: 'closed', by: actor.displayName });
      await this.outbox.notifyMembers(tx, [request.requesterId], closedKey(id, now), (t) => closedForRequester(t, request, actor.displayName, this.targets.reopenDays));
      // The adviser's own copy, with Heropenen (the edited offer DM is also the coordinators').
      if (request.assigneeId && request.assigneeId !== request.requesterId) {
        await this.outbox.notifyMembers(tx, [request.assigneeId], `advice:${id}:adviserClosed:${now.getTime()}`, (t) => closedForAdviser(t, request, actor.displayName, this.targets.reopenDays));
      }
      return { kind: 'done', request };
    });
  }

  /** The requester's rating (1–5), once; the rating message loses its buttons everywhere. */
  async rate(actor: MemberView, id: string, score: number): Promise<Decision> {
    return this.store.$transaction(async (tx) => {
      const before = await this.find(tx, id);
      if (!before || before.requesterId !== actor.id) return { kind: 'missing' };
      const { count } = await tx.adviceRequest.updateMany({ where: { id, status: 'closed', rating: null }, data: { rating: score } });
      if (count === 0) return before.status === 'closed' ? { kind: 'taken', by: actor.displayName, request: before } : { kind: 'notNow', request: before };
      await this.recordEvent(tx, id, actor.id, 'rated', new Date());
      const request = await this.view(tx, id);
      const adviser = request.assigneeName ?? '—';
      await this.outbox.editEach(tx, `advice:${id}:closed:`, `rated`, (t) => closedForRequester(t, request, adviser, this.targets.reopenDays, score));
      return { kind: 'done', request };
    });
  }

  /** The requester's optional comment with the rating. */
  async comment(actor: MemberView, id: string, text: string): Promise<Decision> {
    const before = await this.find(this.store, id);
    if (!before || before.requesterId !== actor.id) return { kind: 'missing' };
    if (before.status !== 'closed') return { kind: 'notNow', request: before };
    await this.store.adviceRequest.update({ where: { id }, data: { ratingCommentEncrypted: this.cipher.encrypt(text) } });
    return { kind: 'done', request: await this.view(this.store, id) };
  }

  /**
   * A coordinator joins the conversation of an accepted request: they get a place in it (the
   * conversations model adds nothing twice), and the requester and adviser are told.
   */
  async join(actor: MemberView, typed: string, now: Date): Promise<Decision> {
    return this.store.$transaction(async (tx) => {
      const number = normaliseNumber(typed);
      const row = number ? await tx.adviceRequest.findUnique({ where: { number }, include }) : null;
      const request = row ? this.toView(row as Row) : undefined;
      if (!request || !isCoordinator(actor)) return { kind: 'missing' };
      if (request.status === 'closed') return { kind: 'closed', request };
      if (!request.assigneeId || !(request.acceptedAt || request.status === 'waiting')) return { kind: 'notNow', request };
      if (actor.id === request.assigneeId || actor.id === request.requesterId) return { kind: 'taken', by: actor.displayName, request };
      const joined = await tx.adviceEvent.count({ where: { requestId: request.id, action: 'joined', actorId: actor.id } });
      if (joined) return { kind: 'taken', by: actor.displayName, request };
      await this.recordEvent(tx, request.id, actor.id, 'joined', now);
      await recordAudit(tx, { actorId: actor.id, action: 'advice.join', subject: request.number });
      await this.conversations.open({ subject: { type: ADVICE_SUBJECT, id: request.number }, participants: [request.requesterId, request.assigneeId, actor.id], title: request.number });
      await this.outbox.notifyMembers(tx, [request.requesterId, request.assigneeId], `advice:${request.id}:joined:${actor.id}`, (t) => ({ visibility: 'ephemeral', text: t('advice.join.told', { number: request.number, name: actor.displayName }) }));
      return { kind: 'done', request };
    });
  }

  /** Closed for inactivity by the follow-up: both sides are told, every DM shows it. */
  async closeInactive(tx: Tx, before: AdviceView, now: Date): Promise<void> {
    const { count } = await tx.adviceRequest.updateMany({ where: { id: before.id, status: before.status, lastActivityAt: before.lastActivityAt }, data: { status: 'closed', closedAt: now, waitingSince: null, ...pausedUntil(this.calendar, before, now) } });
    if (count === 0) return;
    await this.recordEvent(tx, before.id, undefined, 'autoClosed', now);
    const request = await this.view(tx, before.id);
    await this.editOffers(tx, request, `autoclosed:${now.getTime()}`, { kind: 'closed', by: translator(this.defaultLocale)('advice.show.system') });
    const people = [request.requesterId, ...(request.assigneeId ? [request.assigneeId] : [])];
    await this.outbox.notifyMembers(tx, people, `advice:${request.id}:autoclosed:${now.getTime()}`, (t) => ({ visibility: 'ephemeral', text: t('advice.followUp.autoClosed', { number: request.number, days: this.targets.reopenDays }), buttons: [reopenButton(t, request)] }));
  }

  /**
   * Heropenen: the requester or the adviser, within the reopen period; the adviser picks up
   * where they were (the conversation is still there) and the other side is told.
   */
  async reopen(actor: MemberView, typed: string, now: Date): Promise<Decision | { kind: 'tooLate'; request: AdviceView }> {
    return this.store.$transaction(async (tx) => {
      const number = normaliseNumber(typed);
      const row = number ? await tx.adviceRequest.findUnique({ where: { number }, include }) : null;
      const before = row ? this.toView(row as Row) : undefined;
      if (!before || !(before.requesterId === actor.id || before.assigneeId === actor.id)) return { kind: 'missing' };
      if (before.status !== 'closed') return { kind: 'notNow', request: before };
      if (!before.closedAt || now.getTime() - before.closedAt.getTime() > this.targets.reopenDays * 86_400_000) return { kind: 'tooLate', request: before };
      const status = before.assigneeId ? 'accepted' : 'queued';
      const { count } = await tx.adviceRequest.updateMany({ where: { id: before.id, status: 'closed' }, data: { status, closedAt: null, lastActivityAt: now } });
      if (count === 0) return this.notChanged(tx, before.id);
      await this.recordEvent(tx, before.id, actor.id, 'reopened', now);
      const request = await this.view(tx, before.id);
      if (!request.assigneeId) return { kind: 'done', request: await this.route(tx, request.id, now, actor.id) };
      const offerSeq = request.offerSeq + 1;
      await tx.adviceRequest.update({ where: { id: request.id }, data: { offerSeq } });
      const other = actor.id === request.requesterId ? request.assigneeId : request.requesterId;
      await this.outbox.notifyMembers(tx, [request.assigneeId], offerKey(request.id, offerSeq), (t, locale) => ({
        ...offerNotice(t, locale, this.timezone, request, { kind: 'accepted', by: request.assigneeName ?? '—' }),
        text: t('advice.reopened.notice', { name: actor.displayName }),
      }));
      if (other !== request.assigneeId) {
        await this.outbox.notifyMembers(tx, [other], `advice:${request.id}:reopened:${now.getTime()}`, (t) => ({ visibility: 'ephemeral', text: t('advice.reopened.toRequester', { number: request.number, name: actor.displayName }) }));
      }
      return { kind: 'done', request };
    });
  }

  /** A message in the request's conversation: activity, and the requester's answer resumes the clock. */
  async conversationMessage(number: string, authorId: string, now: Date): Promise<void> {
    const row = await this.store.adviceRequest.findUnique({ where: { number } });
    if (!row) return;
    if (row.status === 'waiting' && row.requesterId === authorId) {
      const { count } = await this.store.adviceRequest.updateMany({ where: { id: row.id, status: 'waiting' }, data: { status: row.acceptedAt ? 'accepted' : 'assigned', waitingSince: null, lastActivityAt: now, ...pausedUntil(this.calendar, this.toView(row as Row), now) } });
      if (count) {
        await this.recordEvent(this.store, row.id, authorId, 'resumed', now);
        const request = await this.view(this.store, row.id);
        await this.editOffers(this.store, request, `resumed:${now.getTime()}`, request.acceptedAt ? { kind: 'accepted', by: request.assigneeName ?? '—' } : { kind: 'offered' });
      }
      return;
    }
    await this.store.adviceRequest.update({ where: { id: row.id }, data: { lastActivityAt: now } });
  }

  // ---- reading --------------------------------------------------------------------------

  /**
   * A request by its number, for someone allowed to see it; undefined both when it does not
   * exist and when they may not see it (a number reveals nothing). A view by anyone but the
   * requester and the assignee is audited.
   */
  async show(actor: MemberView, typed: string): Promise<{ request: AdviceView; history: AdviceEventView[]; transcript: { author: string; platform: string; text: string; at: Date }[] } | undefined> {
    const number = normaliseNumber(typed);
    if (!number) return undefined;
    const row = await this.store.adviceRequest.findUnique({ where: { number }, include });
    if (!row) return undefined;
    const request = this.toView(row);
    if (!mayView(actor, request)) return undefined;
    if (actor.id !== request.requesterId && actor.id !== request.assigneeId) {
      await recordAudit(this.store, { actorId: actor.id, action: 'advice.view', subject: request.number });
    }
    return { request, history: await this.history(request.id), transcript: await this.transcript(request.number) };
  }

  /** A request by id, for button handlers (undefined when missing or not theirs to see). */
  async get(actor: MemberView, id: string): Promise<AdviceView | undefined> {
    const request = await this.find(this.store, id);
    return request && mayView(actor, request) ? request : undefined;
  }

  /** The requests a member asked, newest first. */
  async askedBy(memberId: string): Promise<AdviceView[]> {
    const rows = await this.store.adviceRequest.findMany({ where: { requesterId: memberId }, include, orderBy: { createdAt: 'desc' }, take: 20 });
    return rows.map((row) => this.toView(row));
  }

  /** An adviser's open requests, oldest first. */
  async assignedTo(memberId: string): Promise<AdviceView[]> {
    const rows = await this.store.adviceRequest.findMany({ where: { assigneeId: memberId, status: { in: ASSIGNED_STATUSES } }, include, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => this.toView(row));
  }

  /** Every open request, oldest first (coordinators). */
  async allOpen(): Promise<AdviceView[]> {
    const rows = await this.store.adviceRequest.findMany({ where: { status: { in: OPEN_STATUSES } }, include, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => this.toView(row));
  }

  async history(id: string): Promise<AdviceEventView[]> {
    const rows = await this.store.adviceEvent.findMany({ where: { requestId: id }, include: { actor: true }, orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }] });
    const names = await this.names(rows.flatMap((row) => (row.toMemberId ? [row.toMemberId] : [])));
    return rows.map((row) => ({
      action: row.action,
      actorName: row.actor?.displayName,
      toName: row.toMemberId ? names.get(row.toMemberId) : undefined,
      actorRole: row.actorRole ?? undefined,
      toRole: row.toRole ?? undefined,
      reason: row.reasonEncrypted ? this.cipher.decrypt(row.reasonEncrypted) : undefined,
      at: row.createdAt,
    }));
  }

  /** The conversation's messages in order, each once (stored in the place it was written). */
  async transcript(number: string) {
    const rows = await this.store.threadMessage.findMany({ where: { thread: { subjectType: ADVICE_SUBJECT, subjectId: number } }, include: { author: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({ author: row.author?.displayName ?? '—', platform: row.platform.toLowerCase(), text: this.cipher.decrypt(row.bodyEncrypted), at: row.createdAt }));
  }

  // ---- helpers --------------------------------------------------------------------------

  /** Those who act on a request: its assignee, and coordinators and admins (the queue is theirs). */
  private mayAct(actor: MemberView, request: AdviceView): boolean {
    return request.assigneeId === actor.id || isCoordinator(actor);
  }

  /** Why a conditional update changed nothing: someone else was first, or it is closed. */
  private async notChanged(tx: Tx, id: string): Promise<Decision> {
    const request = await this.view(tx, id);
    if (request.status === 'closed') return { kind: 'closed', request };
    if (request.status === 'accepted' || request.status === 'waiting') return { kind: 'taken', by: request.assigneeName ?? '—', request };
    return { kind: 'notNow', request };
  }

  /** Every copy of the current offer's DM (or of all offers) shows the outcome instead of the decided buttons. */
  private async editOffers(tx: Tx, request: AdviceView, suffix: string, outcome: Outcome, allOffers = false): Promise<void> {
    const seq = await tx.adviceRequest.findUniqueOrThrow({ where: { id: request.id }, select: { offerSeq: true } });
    const prefix = allOffers ? `advice:${request.id}:offer:` : `${offerKey(request.id, seq.offerSeq)}:`;
    await this.outbox.editEach(tx, prefix, suffix, (t, locale) => offerNotice(t, locale, this.timezone, request, outcome));
  }

  async coordinatorIds(tx: Tx): Promise<string[]> {
    const rows = await tx.member.findMany({ where: { role: { in: ['COORDINATOR', 'ADMIN'] } }, select: { id: true } });
    return rows.map((row) => row.id);
  }

  async recordEvent(tx: Tx, requestId: string, actorId: string | undefined, action: string, at: Date, toMemberId?: string, reason?: string): Promise<void> {
    await tx.adviceEvent.create({ data: { requestId, actorId: actorId ?? null, action, toMemberId: toMemberId ?? null, reasonEncrypted: reason ? this.cipher.encrypt(reason) : null, createdAt: at } });
  }

  private async names(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.store.member.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true } });
    return new Map(rows.map((row) => [row.id, row.displayName]));
  }

  private async row(tx: Tx, id: string): Promise<Row> {
    return (await tx.adviceRequest.findUniqueOrThrow({ where: { id }, include })) as Row;
  }

  private async find(tx: Tx, id: string): Promise<AdviceView | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    const row = await tx.adviceRequest.findUnique({ where: { id }, include });
    return row ? this.toView(row as Row) : undefined;
  }

  private async view(tx: Tx, id: string): Promise<AdviceView> {
    return this.toView(await this.row(tx, id));
  }

  /** A request as it is now, inside the caller's transaction (the follow-up scan). */
  load(tx: Tx, id: string): Promise<AdviceView> {
    return this.view(tx, id);
  }

  private toView(row: Row): AdviceView {
    return {
      id: row.id,
      number: row.number,
      requesterId: row.requesterId,
      requesterName: row.requester?.displayName ?? '—',
      theme: row.theme,
      urgent: row.urgent,
      status: row.status as AdviceStatus,
      question: this.cipher.decrypt(row.questionEncrypted),
      organisation: row.organisationEncrypted ? this.cipher.decrypt(row.organisationEncrypted) : undefined,
      contact: (row.contact ?? undefined) as Contact | undefined,
      assigneeId: row.assigneeId ?? undefined,
      assigneeName: row.assignee?.displayName,
      createdAt: row.createdAt,
      acceptedAt: row.acceptedAt ?? undefined,
      waitingSince: row.waitingSince ?? undefined,
      pausedMinutes: row.pausedMinutes,
      offerSeq: row.offerSeq,
      lastActivityAt: row.lastActivityAt,
      closedAt: row.closedAt ?? undefined,
      summary: row.summaryEncrypted ? this.cipher.decrypt(row.summaryEncrypted) : undefined,
      rating: row.rating ?? undefined,
      comment: row.ratingCommentEncrypted ? this.cipher.decrypt(row.ratingCommentEncrypted) : undefined,
    };
  }
}

export function isCoordinator(member: MemberView): boolean {
  return member.role === 'coordinator' || member.role === 'admin';
}

/** The requester, the assignee, coordinators and admins; nobody else (other advisers neither). */
export function mayView(actor: MemberView, request: Pick<AdviceView, 'requesterId' | 'assigneeId'>): boolean {
  return actor.id === request.requesterId || actor.id === request.assigneeId || isCoordinator(actor);
}

export function offerKey(id: string, seq: number): string {
  return `advice:${id}:offer:${seq}`;
}

function closedKey(id: string, at: Date): string {
  return `advice:${id}:closed:${at.getTime()}`;
}

/** The working minutes spent waiting so far, added to the paused minutes. */
function pausedUntil(calendar: WorkingCalendar, request: Pick<AdviceView, 'waitingSince' | 'pausedMinutes'>, now: Date): { pausedMinutes?: number } {
  if (!request.waitingSince) return {};
  return { pausedMinutes: request.pausedMinutes + Math.round(calendar.workingMinutesBetween(request.waitingSince, now)) };
}

export { isAway };
