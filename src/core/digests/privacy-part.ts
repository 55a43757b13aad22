// What the digests keep about a member: who subscribed a channel (`createdById`, told when
// the digest pauses). Export: the subscriptions they made. Erase: the link to them goes
// (createdById set to null) but the channel keeps its digest, because the subscription is the
// channel's, not theirs: everyone there reads it, and a coordinator can stop it. Afterwards a
// pause is told to nobody, as for a subscription whose maker was never known.
import type { Translate } from '../i18n.ts';
import { fromDbPlatform } from '../platform.ts';
import type { PrivacyPart } from '../privacy/parts.ts';

const ids = (memberIds: string[], memberId: string) => [...new Set([memberId, ...memberIds])];

export const digestsPrivacyPart: PrivacyPart = {
  area: 'digests',
  covers: ['DigestSubscription'],
  explain: (t: Translate) => t('privacy.areas.digests.explain'),
  async export(ctx, memberId) {
    const rows = await ctx.store.digestSubscription.findMany({ where: { createdById: { in: ids(ctx.memberIds, memberId) } }, include: { channel: true }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => ({
      platform: fromDbPlatform(row.channel.platform),
      channel: row.channel.name ?? row.channel.externalId,
      frequency: row.frequency,
      since: row.createdAt.toISOString(),
    }));
  },
  async erase(ctx, memberId) {
    const { count } = await ctx.store.digestSubscription.updateMany({ where: { createdById: { in: ids(ctx.memberIds, memberId) } }, data: { createdById: null } });
    return count;
  },
};
