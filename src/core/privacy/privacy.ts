// AVG rights in chat: a member's export and deletion, and the audit log for admins. The data
// itself is spread over parts (parts.ts); this manager runs them and records what it did.
import { recordAudit, verifyAuditChain, type ChainReport } from '../audit.ts';
import type { FieldCipher } from '../crypto.ts';
import { inChannel, type Reply } from '../framework/reply.ts';
import { toLocale, translator, type Locale, type Translate } from '../i18n.ts';
import type { Outbox, OutboxTarget } from '../outbox/outbox.ts';
import { fromDbPlatform, toDbPlatform, type PlatformName } from '../platform.ts';
import type { Store } from '../store.ts';
import type { UpdateChannels } from '../updates/channels.ts';
import { auditLines, memberAliases, type AuditLine } from './audit-view.ts';
import { registerAllParts } from './all-parts.ts';
import { ERASED_MEMBER_ID } from './erased-member.ts';
import { PrivacyRegistry, type EraseContext, type PartContext } from './parts.ts';
import { scrubAfterErasures, type ScrubReport } from './scrub.ts';

export interface PrivacyOptions {
  defaultLocale: Locale;
  /** What happens to a deleted member's updates (default: kept, under "verwijderd lid"). */
  updatesOnErase?: 'anonymise' | 'remove';
  /** The alliance's time zone (meetings that have begun are kept, later ones cancelled). */
  timezone?: string;
}

export interface PersonView {
  id: string;
  displayName: string;
}

export interface ErasureReport {
  /** Records touched per area (only areas with something in them). */
  counts: Record<string, number>;
  /** The bot's posts that will be changed to "verwijderd" on the platforms. */
  posts: number;
}

export class PrivacyManager {
  readonly registry = new PrivacyRegistry();

  constructor(
    private readonly store: Store,
    private readonly cipher: FieldCipher,
    private readonly outbox: Outbox,
    private readonly updateChannels: UpdateChannels,
    private readonly options: PrivacyOptions,
  ) {
    registerAllParts(this.registry, options.timezone);
  }

  /** The member behind an account, without creating one: someone the bot never met has no data. */
  async findPerson(target: { platform: PlatformName; externalId: string }): Promise<PersonView | undefined> {
    const identity = await this.store.platformIdentity.findUnique({
      where: { platform_externalId: { platform: toDbPlatform(target.platform), externalId: target.externalId } },
      include: { member: true },
    });
    return identity ? { id: identity.member.id, displayName: identity.member.displayName } : undefined;
  }

  async exists(memberId: string): Promise<boolean> {
    return memberId !== ERASED_MEMBER_ID && (await this.store.member.count({ where: { id: memberId } })) > 0;
  }

  /** Everything about the member as readable JSON, in the language `t` writes; audited. */
  async exportData(memberId: string, actorId: string, t: Translate, now: Date): Promise<string> {
    const ctx: PartContext = { store: this.store, cipher: this.cipher, outbox: this.outbox, defaultLocale: this.options.defaultLocale, t, memberIds: await memberAliases(this.store, memberId) };
    const parts: Record<string, { explanation: string; data: unknown }> = {};
    for (const part of this.registry.forDisplay()) {
      parts[part.area] = { explanation: part.explain(t), data: (await part.export(ctx, memberId)) ?? null };
    }
    await recordAudit(this.store, { actorId, action: 'privacy.export', subject: memberId });
    return `${JSON.stringify({ about: t('privacy.export.about'), exportedAt: now.toISOString(), parts }, null, 2)}\n`;
  }

  /**
   * Deletes or anonymises the member's data, area by area, in the caller's transaction.
   * Undefined when the member is gone already (a second delete changes nothing). When someone
   * else (an admin) asked, the member is told on each of their accounts what was removed.
   */
  async erase(memberId: string, actorId: string, tell?: (t: Translate, counts: Record<string, number>) => string): Promise<ErasureReport | undefined> {
    if (!(await this.exists(memberId))) return undefined;
    const accounts = await this.store.platformIdentity.findMany({ where: { memberId }, include: { member: true } });
    let posts = 0;
    const ctx: EraseContext = {
      store: this.store,
      cipher: this.cipher,
      outbox: this.outbox,
      defaultLocale: this.options.defaultLocale,
      memberIds: await memberAliases(this.store, memberId),
      updates: this.options.updatesOnErase ?? 'anonymise',
      accounts: accounts.map((account) => ({ platform: account.platform, externalId: account.externalId })),
      blankPost: async (of) => {
        posts += 'updateId' in of ? await this.blankUpdate(of.updateId) : await this.blankMessage(of.key);
      },
    };
    const counts: Record<string, number> = {};
    for (const part of this.registry.all()) {
      const count = await part.erase(ctx, memberId);
      if (count > 0) counts[part.area] = count;
    }
    await recordAudit(this.store, { actorId, action: 'privacy.erase', subject: memberId, details: { ...counts, posts } });
    if (tell) {
      for (const account of accounts) {
        const locale = toLocale(account.member.locale) ?? this.options.defaultLocale;
        const target: OutboxTarget = { platform: fromDbPlatform(account.platform), kind: 'user', ref: account.externalId };
        await this.outbox.enqueue(this.store, { dedupeKey: `privacy:erased:${memberId}:${account.id}`, target, locale, reply: { visibility: 'ephemeral', text: tell(translator(locale), counts) } });
      }
    }
    return { counts, posts };
  }

  /** A DM to the member wherever they are (routing picks the platform), in their language. */
  async sendToMember(memberId: string, dedupeKey: string, build: (t: Translate, locale: Locale) => Reply): Promise<void> {
    await this.outbox.notifyMembers(this.store, [memberId], dedupeKey, build);
  }

  /** One line per entry, newest first; optionally about one member, since a day. */
  async audit(t: Translate, actorId: string, query: { memberId?: string; since?: Date; limit?: number }): Promise<AuditLine[]> {
    const memberIds = query.memberId ? await memberAliases(this.store, query.memberId) : undefined;
    const lines = await auditLines(this.store, t, { memberIds, since: query.since, limit: query.limit ?? 50 });
    // Reading the log is itself an admin action worth keeping (after the read: not in its own answer).
    await recordAudit(this.store, { actorId, action: 'privacy.audit-view', subject: query.memberId });
    return lines;
  }

  /**
   * The nightly step after deletions: when someone was erased since the last scrub, rewrites
   * the database files so the erased rows' bytes are gone too (scrub.ts). Must run outside a
   * unit of work (VACUUM cannot run in a transaction). Undefined when there was nothing to do.
   */
  /** After deletions, the erased rows leave the database files too (scrub.ts); nightly. */
  scrubAfterErasures(now: Date): Promise<ScrubReport | undefined> {
    return scrubAfterErasures(this.store, now);
  }

  verifyChain(): Promise<ChainReport> {
    return verifyAuditChain(this.store);
  }

  private async blankUpdate(updateId: string): Promise<number> {
    return this.updateChannels.changeEverywhere(updateId, 'erased', (t) => inChannel({ text: t('privacy.erasedPost') }));
  }

  private async blankMessage(key: string): Promise<number> {
    const row = await this.store.outboxMessage.findUnique({ where: { dedupeKey: key }, select: { locale: true } });
    const locale = toLocale(row?.locale) ?? this.options.defaultLocale;
    const changed = await this.outbox.edit(this.store, { dedupeKey: `${key}:erased`, of: { key }, locale, reply: inChannel({ text: translator(locale)('privacy.erasedPost') }) });
    return changed ? 1 : 0;
  }
}
