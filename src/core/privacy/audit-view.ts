// The audit log as admins read it (/privacy audit): one line per entry with its time, what
// happened in words (verwijderd, geëxporteerd, rol gewijzigd…) and who, by name while the
// member exists. The actions are codes; their words live in the locale files.
import { hasTranslation, type Translate } from '../i18n.ts';
import type { Store } from '../store.ts';

export interface AuditLine {
  at: Date;
  action: string;
  /** Who did it: a name, or "verwijderd lid" / "het systeem". */
  by: string;
  /** About whom, when it was about a member other than the actor. */
  about?: string;
}

/** `privacy.actions.<code with dots as underscores>`, or the code when it has no words yet. */
export function actionLabel(t: Translate, action: string): string {
  const key = `privacy.actions.${action.replace(/[.]/g, '_')}`;
  return hasTranslation('nl', key) ? t(key) : action;
}

/** How an export names someone else: by role, never by name. */
export function roleOf(t: Translate, role: string | undefined): string {
  return role ? t('privacy.export.byRole', { role: t(`roles.${role.toLowerCase()}`) }) : t('privacy.erasedMember');
}

/** Every id this member had: accounts folded into it keep their old id in earlier entries. */
export async function memberAliases(store: Store, memberId: string): Promise<string[]> {
  const ids = new Set([memberId]);
  const links = await store.auditLog.findMany({ where: { action: 'member.link-account', subject: memberId }, select: { details: true } });
  for (const link of links) {
    const merged = (link.details as { merged?: unknown } | null)?.merged;
    if (typeof merged === 'string') ids.add(merged);
  }
  return [...ids];
}

export async function auditLines(store: Store, t: Translate, query: { memberIds?: string[]; since?: Date; limit: number }): Promise<AuditLine[]> {
  const about = query.memberIds ? { OR: [{ actorId: { in: query.memberIds } }, { subject: { in: query.memberIds } }] } : {};
  const rows = await store.auditLog.findMany({
    where: { ...about, ...(query.since ? { createdAt: { gte: query.since } } : {}) },
    orderBy: [{ createdAt: 'desc' }, { seq: 'desc' }],
    take: query.limit,
  });
  const ids = [...new Set(rows.flatMap((row) => [row.actorId, row.subject]).filter((id): id is string => !!id))];
  const names = new Map((await store.member.findMany({ where: { id: { in: ids } }, select: { id: true, displayName: true } })).map((m) => [m.id, m.displayName]));
  const nameOf = (id: string | null) => (id ? (names.get(id) ?? t('privacy.erasedMember')) : t('privacy.audit.system'));
  return rows.map((row) => ({
    at: row.createdAt,
    action: actionLabel(t, row.action),
    by: nameOf(row.actorId),
    about: row.subject && row.subject !== row.actorId && isMemberSubject(row.subject) ? nameOf(row.subject) : row.subject && isRequestNumber(row.subject) ? row.subject : undefined,
  }));
}

/** Subjects are member ids (uuids); other subjects (a table name for retention) are not people. */
function isMemberSubject(subject: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subject);
}

/** An advice request's number (A-2026-0001): which request was seen or handled; it names nobody. */
function isRequestNumber(subject: string): boolean {
  return /^A-\d{4}-\d{4,}$/.test(subject);
}
