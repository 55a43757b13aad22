// H14: advice requests under the privacy rules. The export holds the member's own requests
// (decrypted, with their history and conversation) and their adviser profile; other people
// appear by role ("een adviseur"), never by name. Erasing keeps the requests for the statistics
// (theme, dates, status, rating) under "verwijderd lid", without question, summary, comment or
// conversation; where the member acted on others' requests, the history keeps their role.
import type { Reply } from '../framework/reply.ts';
import type { Translate } from '../i18n.ts';
import { fromDbPlatform } from '../platform.ts';
import { roleOf } from '../privacy/audit-view.ts';
import { ERASED_MEMBER_ID, ensureErasedMember } from '../privacy/erased-member.ts';
import type { EraseContext, PartContext, PrivacyPart } from '../privacy/parts.ts';
import type { RetentionRule } from '../privacy/retention.ts';
import type { Store, Tx } from '../store.ts';
import { ADVICE_SUBJECT, OPEN_STATUSES } from './requests.ts';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
const open = (ctx: Pick<PartContext, 'cipher'>, sealed: string | null) => (sealed ? ctx.cipher.decrypt(sealed) : null);

/** A member as the export names them: "jij", or their role. */
type Namer = (id: string | null | undefined) => string | null;

async function namer(ctx: PartContext, ids: (string | null | undefined)[]): Promise<Namer> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  const roles = new Map((await ctx.store.member.findMany({ where: { id: { in: wanted } }, select: { id: true, role: true } })).map((m) => [m.id, m.role]));
  return (id) => (!id ? null : ctx.memberIds.includes(id) ? ctx.t('privacy.export.you') : roleOf(ctx.t, roles.get(id)));
}

async function exportAdvice(ctx: PartContext, memberId: string) {
  const ids = ctx.memberIds.includes(memberId) ? ctx.memberIds : [memberId, ...ctx.memberIds];
  const rows = await ctx.store.adviceRequest.findMany({ where: { requesterId: { in: ids } }, include: { events: { orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }] } }, orderBy: { createdAt: 'asc' } });
  const messages = await ctx.store.threadMessage.findMany({
    where: { thread: { subjectType: ADVICE_SUBJECT, subjectId: { in: rows.map((row) => row.number) } } },
    include: { thread: { select: { subjectId: true } } },
    orderBy: { createdAt: 'asc' },
  });
  const name = await namer(ctx, [...rows.flatMap((row) => [row.assigneeId, ...row.events.flatMap((e) => [e.actorId, e.toMemberId])]), ...messages.map((m) => m.authorId)]);
  const byRole = (role: string | null) => (role ? ctx.t('privacy.export.byRole', { role: ctx.t(`roles.${role}`) }) : null);
  const requests = rows.map((row) => ({
    number: row.number,
    theme: row.theme,
    urgent: row.urgent,
    status: ctx.t(`advice.status.${row.status}`),
    asked: iso(row.createdAt),
    accepted: iso(row.acceptedAt),
    closed: iso(row.closedAt),
    question: open(ctx, row.questionEncrypted),
    organisation: open(ctx, row.organisationEncrypted),
    contact: row.contact,
    adviser: name(row.assigneeId),
    summary: open(ctx, row.summaryEncrypted),
    rating: row.rating,
    comment: open(ctx, row.ratingCommentEncrypted),
    history: row.events.map((event) => ({
      when: iso(event.createdAt),
      what: ctx.t(`advice.events.${event.action}`, { to: name(event.toMemberId) ?? byRole(event.toRole) ?? ctx.t('advice.show.queue') }),
      by: name(event.actorId) ?? byRole(event.actorRole) ?? ctx.t('privacy.audit.system'),
      reason: open(ctx, event.reasonEncrypted),
    })),
    conversation: messages
      .filter((message) => message.thread.subjectId === row.number)
      .map((message) => ({ when: iso(message.createdAt), by: name(message.authorId) ?? ctx.t('privacy.erasedMember'), platform: fromDbPlatform(message.platform), text: ctx.cipher.decrypt(message.bodyEncrypted) })),
  }));
  const profile = await ctx.store.adviser.findUnique({ where: { memberId } });
  // Requests of others they handled: how many, not whose (that is the requesters' data).
  const handledForOthers = await ctx.store.adviceRequest.count({ where: { assigneeId: { in: ids }, requesterId: { notIn: ids } } });
  if (requests.length === 0 && !profile && handledForOthers === 0) return undefined;
  return {
    requests,
    adviserProfile: profile ? { themes: profile.themes, capacity: profile.capacity, awayUntil: iso(profile.awayUntil), since: iso(profile.createdAt) } : null,
    handledForOthers,
  };
}

/** The member's role, kept on history rows of others' requests that they acted in. */
function eventRole(role: string): string {
  return role.toLowerCase();
}

async function eraseAdvice(ctx: EraseContext, memberId: string): Promise<number> {
  const member = await ctx.store.member.findUnique({ where: { id: memberId }, select: { role: true } });
  const role = eventRole(member?.role ?? 'member');
  const own = await ctx.store.adviceRequest.findMany({ where: { requesterId: memberId }, select: { id: true, number: true } });
  let count = 0;
  if (own.length > 0) {
    await ensureErasedMember(ctx.store, ctx.defaultLocale);
    const ids = own.map((row) => row.id);
    await forgetConversations(ctx, own);
    // Kept for the statistics (theme, dates, status, rating); the free text goes. The question
    // column may not be empty: it holds the word the bot shows for erased content, sealed.
    count += (
      await ctx.store.adviceRequest.updateMany({
        where: { id: { in: ids } },
        data: { requesterId: ERASED_MEMBER_ID, questionEncrypted: ctx.cipher.encrypt('—'), organisationEncrypted: null, summaryEncrypted: null, ratingCommentEncrypted: null },
      })
    ).count;
    // A request still open has nobody left to answer: closed now, out of every queue.
    const stillOpen = await ctx.store.adviceRequest.findMany({ where: { id: { in: ids }, status: { in: OPEN_STATUSES } }, select: { id: true } });
    if (stillOpen.length > 0) {
      const now = new Date();
      await ctx.store.adviceRequest.updateMany({ where: { id: { in: stillOpen.map((row) => row.id) } }, data: { status: 'closed', closedAt: now, waitingSince: null } });
      await ctx.store.adviceEvent.createMany({ data: stillOpen.map((row) => ({ requestId: row.id, action: 'closed', createdAt: now })) });
    }
    await ctx.store.adviceEvent.updateMany({ where: { requestId: { in: ids } }, data: { reasonEncrypted: null } });
    await ctx.store.adviceEvent.updateMany({ where: { requestId: { in: ids }, actorId: memberId }, data: { actorId: ERASED_MEMBER_ID } });
  }
  // Their steps in others' requests: no name, the role stays (the relation would otherwise
  // turn them into "the system").
  count += (await ctx.store.adviceEvent.updateMany({ where: { actorId: memberId }, data: { actorId: null, actorRole: role } })).count;
  count += (await ctx.store.adviceEvent.updateMany({ where: { toMemberId: memberId }, data: { toMemberId: null, toRole: 'adviser' } })).count;
  // Open requests they held go back to the coordinators' queue; closed ones just lose the name.
  const requeued = await ctx.store.adviceRequest.findMany({ where: { assigneeId: memberId, status: { in: OPEN_STATUSES } }, select: { id: true, number: true, theme: true, urgent: true }, orderBy: { createdAt: 'asc' } });
  await ctx.store.adviceRequest.updateMany({ where: { assigneeId: memberId, status: { in: OPEN_STATUSES } }, data: { status: 'queued', assigneeId: null, assignedAt: null, acceptedAt: null, waitingSince: null } });
  await tellCoordinators(ctx, memberId, requeued);
  await ctx.store.adviceRequest.updateMany({ where: { assigneeId: memberId }, data: { assigneeId: null } });
  count += (await ctx.store.adviser.deleteMany({ where: { memberId } })).count;
  // Their place in others' conversations (their DMs with the bot about it), once their own
  // messages in it are gone (the messages part): it names their account.
  if (ctx.accounts.length > 0) {
    await ctx.store.thread.deleteMany({ where: { subjectType: ADVICE_SUBJECT, relayToKind: 'user', relayToRef: { in: ctx.accounts.map((a) => a.externalId) }, messages: { none: {} } } });
  }
  return count;
}

/**
 * H18: the coordinators learn which requests are back in their queue, by number, theme and
 * urgency only (the question stays where it was; /advies mijn and toon show it to them), and
 * not whose they were: the adviser is being erased.
 */
async function tellCoordinators(ctx: EraseContext, memberId: string, requeued: { id: string; number: string; theme: string; urgent: boolean }[]): Promise<void> {
  if (requeued.length === 0) return;
  const coordinators = await ctx.store.member.findMany({ where: { role: { in: ['COORDINATOR', 'ADMIN'] }, id: { not: memberId } }, select: { id: true } });
  const key = `advice:requeued:${requeued[0]!.id}:${Date.now()}`;
  await ctx.outbox.notifyMembers(ctx.store, coordinators.map((row) => row.id), key, (t): Reply => ({
    visibility: 'ephemeral',
    title: t('advice.requeued.title', { count: requeued.length }),
    text: t('advice.requeued.text', { count: requeued.length }),
    sections: [{ text: requeued.map((row) => `- ${t('advice.requeued.line', { number: row.number, theme: row.theme, urgent: row.urgent ? ` ${t('advice.mine.urgent')}` : '' })}`).join('\n') }],
    footer: t('advice.requeued.footer'),
  }));
}

/**
 * The conversations of the member's requests, and every copy of their texts the bot made: the
 * relayed messages and the offers to advisers and coordinators (which quote the question) say
 * "verwijderd" on the platforms; their stored content goes.
 */
async function forgetConversations(ctx: EraseContext, own: { id: string; number: string }[]): Promise<void> {
  const places = await ctx.store.thread.findMany({ where: { subjectType: ADVICE_SUBJECT, subjectId: { in: own.map((row) => row.number) } }, select: { id: true } });
  // Relays are keyed by the place they went to (conversations.ts); the "verwijderd" edits that
  // the messages part queued already for the member's own messages stay.
  const copies = [...places.map((place) => ({ dedupeKey: { startsWith: `conv:${place.id}:relay:` } })), ...own.map((row) => ({ dedupeKey: { startsWith: `advice:${row.id}:` } }))];
  const found = await ctx.store.outboxMessage.findMany({ where: { OR: copies }, select: { id: true, dedupeKey: true, status: true, action: true } });
  const rows = found.filter((row) => !row.dedupeKey.endsWith(':erased'));
  for (const row of rows) {
    if (row.status !== 'SENT') await ctx.store.outboxMessage.delete({ where: { id: row.id } });
    else await ctx.store.outboxMessage.update({ where: { id: row.id }, data: { payload: { wiped: true } } });
  }
  for (const row of rows) if (row.status === 'SENT' && row.action === 'post') await ctx.blankPost({ key: row.dedupeKey });
  await ctx.store.thread.deleteMany({ where: { subjectType: ADVICE_SUBJECT, subjectId: { in: own.map((row) => row.number) } } });
}

export const advicePrivacyPart: PrivacyPart = {
  area: 'advice',
  covers: ['AdviceRequest', 'AdviceEvent', 'Adviser'],
  explain: (t: Translate) => t('privacy.areas.advice.explain'),
  export: exportAdvice,
  erase: eraseAdvice,
};

/**
 * Retention: a closed request goes a year after closing, with its history (cascade) and its
 * conversation (threads name it by number, without a foreign key: removed here).
 */
export const adviceRetentionRule: RetentionRule = {
  name: 'advice',
  model: 'adviceRequest',
  idColumn: 'id',
  ageColumn: 'closedAt',
  where: { status: 'closed' },
  days: 365,
  select: ['number'],
  async before(store: Store | Tx, rows: Record<string, unknown>[]) {
    await store.thread.deleteMany({ where: { subjectType: ADVICE_SUBJECT, subjectId: { in: rows.map((row) => String(row.number)) } } });
  },
};
