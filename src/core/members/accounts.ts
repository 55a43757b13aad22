// One person, several chat accounts: a code asked for on one platform and typed on the other
// joins the second account to the first member, so profile, organisation and role follow the
// person across Slack, Discord and the console.
import { randomInt } from 'node:crypto';
import { recordAudit } from '../audit.ts';
import { toDbPlatform, type PlatformName } from '../platform.ts';
import type { Store, Tx } from '../store.ts';
import type { MemberManager, MemberView } from './members.ts';

/** No 0/O, 1/I/L: people copy codes by eye from one app into another. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 8;
export const LINK_CODE_LIFETIME_MS = 15 * 60 * 1000;

const ROLE_ORDER = ['MEMBER', 'ADVISER', 'COORDINATOR', 'ADMIN'] as const;

export type LinkOutcome =
  | { status: 'linked'; member: MemberView }
  | { status: 'alreadyLinked' }
  | { status: 'invalidCode' }
  | { status: 'platformTaken'; platform: PlatformName };

export class AccountLinker {
  constructor(
    private readonly store: Store,
    private readonly members: MemberManager,
  ) {}

  /** A fresh single-use code for this member; earlier codes stop working. */
  async createCode(memberId: string, now = new Date()): Promise<{ code: string; expiresAt: Date }> {
    const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const expiresAt = new Date(now.getTime() + LINK_CODE_LIFETIME_MS);
    await this.store.$transaction([
      this.store.accountLinkCode.deleteMany({ where: { memberId } }),
      this.store.accountLinkCode.create({ data: { code, memberId, expiresAt } }),
    ]);
    return { code: formatCode(code), expiresAt };
  }

  /**
   * Joins the account that typed the code to the member who asked for it. The typing
   * account's member is folded in: its updates, messages and requests move over, the higher
   * role and any approval are kept, and the emptied member is removed.
   */
  async redeem(platform: PlatformName, externalId: string, typed: string, now = new Date()): Promise<LinkOutcome> {
    const code = typed.toUpperCase().replace(/[^A-Z0-9]/g, '');
    const typing = await this.members.resolve(platform, externalId);
    const outcome = await this.store.$transaction(async (tx): Promise<LinkOutcome> => {
      const found = await tx.accountLinkCode.findUnique({ where: { code } });
      if (!found || found.expiresAt < now) return { status: 'invalidCode' };
      if (found.memberId === typing.id) return { status: 'alreadyLinked' };
      const taken = await tx.platformIdentity.count({ where: { memberId: found.memberId, platform: toDbPlatform(platform) } });
      if (taken > 0) return { status: 'platformTaken', platform };
      await tx.accountLinkCode.delete({ where: { code } });
      await foldMember(tx, typing.id, found.memberId);
      // The folded member's own audit entries keep its id (the chain forbids rewriting them):
      // `merged` lets the audit view of this member find them (src/core/privacy/audit-view.ts).
      await recordAudit(tx, { actorId: found.memberId, action: 'member.link-account', subject: found.memberId, details: { platform, merged: typing.id } });
      return { status: 'linked', member: typing };
    });
    return outcome.status === 'linked' ? { status: 'linked', member: await this.members.resolve(platform, externalId) } : outcome;
  }
}

/** Moves everything of `from` to `into` and removes `from`. */
async function foldMember(tx: Tx, from: string, into: string): Promise<void> {
  // One after the other: a transaction is one connection, and pg wants one query at a time.
  const source = await tx.member.findUniqueOrThrow({ where: { id: from } });
  const target = await tx.member.findUniqueOrThrow({ where: { id: into } });
  await tx.platformIdentity.updateMany({ where: { memberId: from }, data: { memberId: into } });
  await tx.update.updateMany({ where: { authorId: from }, data: { authorId: into } });
  await tx.threadMessage.updateMany({ where: { authorId: from }, data: { authorId: into } });
  await tx.linkRequest.updateMany({ where: { memberId: from }, data: { memberId: into } });
  await tx.linkRequest.updateMany({ where: { decidedById: from }, data: { decidedById: into } });
  // DMs still on their way follow the person (they would go with the removed member otherwise).
  await tx.outboxMessage.updateMany({ where: { memberId: from }, data: { memberId: into } });
  const role = ROLE_ORDER[Math.max(ROLE_ORDER.indexOf(source.role), ROLE_ORDER.indexOf(target.role))]!;
  await tx.member.update({
    where: { id: into },
    data: {
      role,
      approvedAt: target.approvedAt ?? source.approvedAt,
      organisationId: target.organisationId ?? source.organisationId,
      locale: target.locale ?? source.locale,
      preferredPlatform: target.preferredPlatform ?? source.preferredPlatform,
      lastPlatform: target.lastPlatform ?? source.lastPlatform,
    },
  });
  await tx.member.delete({ where: { id: from } });
}

/** K7Q2-M9XD: two groups of four are easier to read and type. */
function formatCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}
