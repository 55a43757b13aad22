// The parts for what exists in the core today: profile, accounts, link codes and requests,
// updates, thread messages, messages waiting for the member, audit entries about them.
// Other people never appear by name in an export: a decision is "by a coordinator", not by whom.
import type { Translate } from '../i18n.ts';
import { fromDbPlatform } from '../platform.ts';
import type { EraseContext, PartContext, PrivacyPart, PrivacyRegistry } from './parts.ts';
import { actionLabel, roleOf } from './audit-view.ts';
import { ERASED_MEMBER_ID, ensureErasedMember } from './erased-member.ts';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** Decrypted, or as stored when it is legacy plain text. */
function readSealed(ctx: Pick<PartContext, 'cipher'>, stored: string): string {
  if (!stored.startsWith('v1:')) return stored;
  try {
    return ctx.cipher.decrypt(stored);
  } catch {
    return stored;
  }
}

const explain = (area: string) => (t: Translate) => t(`privacy.areas.${area}.explain`);

const profile: PrivacyPart = {
  area: 'profile',
  covers: ['Member'],
  explain: explain('profile'),
  async export(ctx, memberId) {
    const member = await ctx.store.member.findUnique({ where: { id: memberId }, include: { organisation: true } });
    if (!member) return undefined;
    return {
      name: member.displayName,
      role: ctx.t(`roles.${member.role.toLowerCase()}`),
      organisation: member.organisation?.name ?? null,
      approvedAt: iso(member.approvedAt),
      language: member.locale,
      messagesVia: member.preferredPlatform ? fromDbPlatform(member.preferredPlatform) : null,
      lastPlatform: member.lastPlatform ? fromDbPlatform(member.lastPlatform) : null,
      since: iso(member.createdAt),
    };
  },
  async erase(ctx, memberId) {
    // Identities and link codes cascade with it; what still names the member as author is
    // handled by the parts before this one.
    const { count } = await ctx.store.member.deleteMany({ where: { id: memberId } });
    return count;
  },
};

const identities: PrivacyPart = {
  area: 'accounts',
  covers: ['PlatformIdentity', 'AccountLinkCode'],
  explain: explain('accounts'),
  async export(ctx, memberId) {
    const rows = await ctx.store.platformIdentity.findMany({ where: { memberId }, orderBy: { createdAt: 'asc' } });
    const codes = await ctx.store.accountLinkCode.findMany({ where: { memberId }, select: { expiresAt: true, createdAt: true } });
    return {
      accounts: rows.map((row) => ({ platform: fromDbPlatform(row.platform), id: row.externalId, name: row.displayName, since: iso(row.createdAt) })),
      // The code itself is a secret that still works until it expires: only that there is one.
      openLinkCodes: codes.map((code) => ({ created: iso(code.createdAt), expires: iso(code.expiresAt) })),
    };
  },
  async erase(ctx, memberId) {
    const accounts = await ctx.store.platformIdentity.findMany({ where: { memberId }, select: { platform: true, externalId: true } });
    // Messages to these accounts (not routed by member) would name them after the member is gone.
    // (Not counted: the member is told about accounts, not about the bot's bookkeeping.)
    // Edits of earlier messages to them too (H14: an adviser's DMs about others' requests).
    for (const account of accounts) {
      await ctx.store.outboxMessage.deleteMany({ where: { platform: account.platform, targetKind: 'user', targetRef: account.externalId } });
    }
    let count = (await ctx.store.accountLinkCode.deleteMany({ where: { memberId } })).count;
    count += (await ctx.store.platformIdentity.deleteMany({ where: { memberId } })).count;
    return count;
  },
};

const linkRequests: PrivacyPart = {
  area: 'linkRequests',
  covers: ['LinkRequest'],
  explain: explain('linkRequests'),
  async export(ctx, memberId) {
    const mine = await ctx.store.linkRequest.findMany({ where: { memberId }, include: { organisation: true, decidedBy: true }, orderBy: { createdAt: 'asc' } });
    const decided = await ctx.store.linkRequest.count({ where: { decidedById: memberId } });
    return {
      requests: mine.map((row) => ({
        organisation: row.organisation.name,
        status: ctx.t(`profile.statuses.${row.status.toLowerCase()}`),
        asked: iso(row.createdAt),
        decided: iso(row.decidedAt),
        decidedBy: row.decidedBy ? roleOf(ctx.t, row.decidedBy.role) : null,
      })),
      // Decisions about other people: how many, not about whom.
      decisionsAboutOthers: decided,
    };
  },
  async erase(ctx, memberId) {
    const removed = await ctx.store.linkRequest.deleteMany({ where: { memberId } });
    const decisions = await ctx.store.linkRequest.updateMany({ where: { decidedById: memberId }, data: { decidedById: null } });
    return removed.count + decisions.count;
  },
};

const updates: PrivacyPart = {
  area: 'updates',
  covers: ['Update'],
  explain: explain('updates'),
  async export(ctx, memberId) {
    const rows = await ctx.store.update.findMany({ where: { authorId: memberId }, include: { organisation: true, gemeente: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({
      posted: iso(row.createdAt),
      theme: row.theme,
      organisation: row.organisation?.name ?? null,
      gemeente: row.gemeente?.name ?? null,
      text: readSealed(ctx, row.body),
      edited: iso(row.editedAt),
      withdrawn: iso(row.withdrawnAt),
    }));
  },
  async erase(ctx, memberId) {
    const rows = await ctx.store.update.findMany({ where: { authorId: memberId }, select: { id: true } });
    for (const row of rows) await ctx.blankPost({ updateId: row.id });
    if (rows.length === 0) return 0;
    if (ctx.updates === 'remove') {
      return (await ctx.store.update.deleteMany({ where: { authorId: memberId } })).count;
    }
    // Kept for the alliance's record, under "verwijderd lid": no author, no withdrawer.
    await ensureErasedMember(ctx.store, ctx.defaultLocale);
    await ctx.store.update.updateMany({ where: { withdrawnById: memberId }, data: { withdrawnById: ERASED_MEMBER_ID } });
    return (await ctx.store.update.updateMany({ where: { authorId: memberId }, data: { authorId: ERASED_MEMBER_ID } })).count;
  },
};

const threadMessages: PrivacyPart = {
  area: 'messages',
  covers: ['ThreadMessage'],
  explain: explain('messages'),
  async export(ctx, memberId) {
    const rows = await ctx.store.threadMessage.findMany({ where: { authorId: memberId }, include: { thread: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({
      written: iso(row.createdAt),
      platform: fromDbPlatform(row.platform),
      about: row.thread.subjectType ? `${row.thread.subjectType} ${row.thread.subjectId ?? ''}`.trim() : null,
      text: readSealed(ctx, row.bodyEncrypted),
    }));
  },
  async erase(ctx, memberId) {
    const rows = await ctx.store.threadMessage.findMany({ where: { authorId: memberId }, select: { id: true } });
    for (const row of rows) {
      // The bot's relayed copies of this message, wherever it relayed them.
      const copies = await ctx.store.outboxMessage.findMany({ where: { dedupeKey: { endsWith: `:relay:${row.id}` }, action: 'post' }, select: { dedupeKey: true } });
      for (const copy of copies) await ctx.blankPost({ key: copy.dedupeKey });
    }
    return (await ctx.store.threadMessage.deleteMany({ where: { authorId: memberId } })).count;
  },
};

const messagesToMember: PrivacyPart = {
  area: 'outbox',
  covers: ['OutboxMessage'],
  explain: explain('outbox'),
  async export(ctx, memberId) {
    const rows = await ctx.store.outboxMessage.findMany({ where: { memberId }, select: { status: true, createdAt: true, sentAt: true, platform: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({ queued: iso(row.createdAt), sent: iso(row.sentAt), platform: fromDbPlatform(row.platform), status: row.status.toLowerCase() }));
  },
  async erase(ctx, memberId) {
    const names = await ctx.store.member.findUnique({ where: { id: memberId }, select: { displayName: true, identities: { select: { displayName: true } } } });
    const removed = (await ctx.store.outboxMessage.deleteMany({ where: { memberId } })).count;
    return removed + (await scrubOutbox(ctx, [names?.displayName, ...(names?.identities.map((i) => i.displayName) ?? [])]));
  },
};

/**
 * Messages to others that name the member (a link request's notice to the coordinators): the
 * content of sent ones is wiped now instead of after a day, waiting ones are dropped. Only rows
 * that still hold content are read: sent content is wiped daily, so these are few.
 */
async function scrubOutbox(ctx: EraseContext, names: (string | null | undefined)[]): Promise<number> {
  const wanted = names.filter((name): name is string => !!name && name.length >= 2);
  if (wanted.length === 0) return 0;
  const rows = await ctx.store.outboxMessage.findMany({ where: { NOT: { payload: { equals: { wiped: true } } } }, select: { id: true, status: true, payload: true } });
  let count = 0;
  for (const row of rows) {
    const sealed = (row.payload as { sealed?: unknown } | null)?.sealed;
    const text = typeof sealed === 'string' ? readSealed(ctx, sealed) : JSON.stringify(row.payload);
    if (!wanted.some((name) => text.includes(name))) continue;
    if (row.status === 'SENT') await ctx.store.outboxMessage.update({ where: { id: row.id }, data: { payload: { wiped: true } } });
    else await ctx.store.outboxMessage.delete({ where: { id: row.id } });
    count++;
  }
  return count;
}

const auditEntries: PrivacyPart = {
  area: 'audit',
  covers: ['AuditLog'],
  explain: explain('audit'),
  async export(ctx, memberId) {
    const ids = ctx.memberIds.includes(memberId) ? ctx.memberIds : [memberId, ...ctx.memberIds];
    const rows = await ctx.store.auditLog.findMany({ where: { OR: [{ actorId: { in: ids } }, { subject: { in: ids } }] }, orderBy: { createdAt: 'asc' } });
    const actors = await ctx.store.member.findMany({ where: { id: { in: rows.map((row) => row.actorId).filter((id): id is string => !!id) } }, select: { id: true, role: true } });
    const roles = new Map(actors.map((actor) => [actor.id, actor.role]));
    return rows.map((row) => ({
      when: iso(row.createdAt),
      action: actionLabel(ctx.t, row.action),
      by: row.actorId && ids.includes(row.actorId) ? ctx.t('privacy.export.you') : roleOf(ctx.t, row.actorId ? roles.get(row.actorId) : undefined),
    }));
  },
  // Kept: the log proves who did what and may not be rewritten (its hash chain). The entries
  // hold ids and codes only; once the member is gone, the id points at nobody.
  async erase() {
    return 0;
  },
};

export function registerCoreParts(registry: PrivacyRegistry): void {
  for (const part of [identities, linkRequests, updates, threadMessages, messagesToMember, auditEntries, profile]) registry.register(part);
}

export type { EraseContext };
