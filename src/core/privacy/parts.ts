// What the bot holds about a member, area by area. Each area is one part that can explain
// itself, export the member's data (decrypted, readable, nobody else's personal data) and
// erase it. A feature with its own tables registers its own part (advice, meetings, digests…):
// the export, the deletion and the completeness test (test/privacy/completeness.test.ts)
// then include it without any change here.
import type { FieldCipher } from '../crypto.ts';
import type { Locale, Translate } from '../i18n.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { Store } from '../store.ts';

export interface PartContext {
  store: Store;
  cipher: FieldCipher;
  outbox: Outbox;
  defaultLocale: Locale;
  /** The language of the export: labels, roles and states in it are written in it. */
  t: Translate;
  /** Every member id that was this person (accounts folded together keep their old ids in the audit log). */
  memberIds: string[];
}

export interface EraseContext extends Omit<PartContext, 't'> {
  /** Updates: removed, or kept under "verwijderd lid" (the alliance's setting). */
  updates: 'anonymise' | 'remove';
  /** The member's accounts as they were before any part ran (the accounts part removes them early). */
  accounts: { platform: string; externalId: string }[];
  /** Queues the edit that makes one of the bot's posts say "verwijderd" (where the platform allows it). */
  blankPost(of: { key: string } | { updateId: string }): Promise<void>;
}

export interface PrivacyPart {
  /** Stable key: the export's section name and `privacy.areas.<area>` in the locale files. */
  area: string;
  /**
   * The Prisma models whose rows about a member this part exports and erases. The
   * completeness test fails for a model with a member column that no part covers.
   */
  covers: readonly string[];
  /** One or two plain sentences: what this is, why it is kept, how long. */
  explain(t: Translate): string;
  /** The member's data in this area, ready for JSON; undefined or [] when there is none. */
  export(ctx: PartContext, memberId: string): Promise<unknown>;
  /** Removes or anonymises it; returns how many records it touched. Runs in one transaction with the other parts. */
  erase(ctx: EraseContext, memberId: string): Promise<number>;
}

/** The parts in the order they are exported and erased (the profile itself last). */
export class PrivacyRegistry {
  private readonly parts: PrivacyPart[] = [];

  register(part: PrivacyPart): void {
    if (this.parts.some((known) => known.area === part.area)) throw new Error(`privacy part ${part.area} registered twice`);
    // The profile goes last: erasing it cascades over whatever still points at the member.
    const profile = this.parts.findIndex((known) => known.area === 'profile');
    if (profile === -1 || part.area === 'profile') this.parts.push(part);
    else this.parts.splice(profile, 0, part);
  }

  /** In erasing order: the profile last. */
  all(): readonly PrivacyPart[] {
    return this.parts;
  }

  /** In reading order (export, /privacy): the profile first. */
  forDisplay(): readonly PrivacyPart[] {
    return [...this.parts.filter((part) => part.area === 'profile'), ...this.parts.filter((part) => part.area !== 'profile')];
  }

  covered(): Set<string> {
    return new Set(this.parts.flatMap((part) => part.covers));
  }
}
