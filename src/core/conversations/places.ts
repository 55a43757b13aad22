// Where the participants of a private conversation meet. On a chat platform where two or more
// of them have an account, they share one place (a group place: the adapter makes it when it
// sends the opening message, e.g. a Slack group DM or a Discord private thread); otherwise each
// has their own (their DMs; the console's lines for them). What the two openings say, and how
// a group opening becomes personal ones when the platform cannot make the group place.
import type { Reply } from '../framework/reply.ts';
import { translator, type Locale } from '../i18n.ts';
import type { PlatformName } from '../platform.ts';

/** Thread.relayToKind of a group place: the place belongs to everyone in it. */
export const GROUP_PLACE = 'group';
/** Prefix of the outbox key of a group opening (the worker's fallback is registered on it). */
export const GROUP_KEY = 'conv-group:';

/** One account of one participant. */
export interface Participant {
  memberId: string;
  name: string;
  locale: Locale;
  /** The names of the other participants (for the personal opening). */
  others: string[];
  platform: PlatformName;
  userId: string;
}

/**
 * The platforms on which the participants share a place: chat platforms where at least two
 * different members have an account (one person alone keeps their DM, as before).
 */
export function groupPlatforms(participants: readonly Participant[]): Map<PlatformName, Participant[]> {
  const byPlatform = new Map<PlatformName, Participant[]>();
  for (const participant of participants) {
    if (participant.platform === 'console') continue;
    byPlatform.set(participant.platform, [...(byPlatform.get(participant.platform) ?? []), participant]);
  }
  for (const [platform, group] of byPlatform) {
    if (new Set(group.map((participant) => participant.memberId)).size < 2) byPlatform.delete(platform);
  }
  return byPlatform;
}

/**
 * The opening of a shared place. It carries the conversation as its discussion, so the adapter
 * can report the place it made for it; the how-to line is a section of its own, so a fallback
 * to personal places can say how to answer in a DM instead.
 */
export function groupReply(locale: Locale, subject: { type: string; id: string }, title: string, names: readonly string[]): Reply {
  const t = translator(locale);
  return {
    visibility: 'channel',
    title: t('conversation.openedTitle', { title }),
    text: t('conversation.with', { names: names.join(', ') || '—' }),
    sections: [{ text: t('conversation.howGroup') }],
    footer: t('safety.formNotice'),
    discussion: { subjectType: subject.type, subjectId: subject.id },
  };
}

/** The group opening as a DM to one of its participants: the same text, answered in the DM. */
export function personalFromGroup(reply: Reply, locale: Locale): Reply {
  const { discussion: _discussion, ...rest } = reply;
  return { ...rest, sections: [{ text: translator(locale)('conversation.howReply') }] };
}
