// Who `genodigden:` names: people (platform mentions; on the console `@naam`), an organisation
// or gemeente by name, `adviseurs` (every adviser), or several of these separated by commas or
// spaces. Every part must name someone we know, or the whole list is refused: an invitation
// that silently skipped a misspelt organisation is worse than a clear "wie is dat?".
import { toDbPlatform, type PlatformName } from '../platform.ts';
import type { Store } from '../store.ts';
import type { MemberManager } from '../members/members.ts';
import { ChannelMembersUnavailableError, type ChannelMembersLookup } from './channel-members.ts';

/** More than this and the meeting is refused: DMs to a whole alliance are a digest's job. */
export const MAX_INVITEES = 500;

export type InviteeResult =
  /** `notMembers`: people in the channel (`kanaal`) who are no approved member, so not invited. */
  | { ok: true; memberIds: string[]; notMembers: number }
  | { ok: false; reason: 'unknown'; words: string[] }
  | { ok: false; reason: 'too-many'; count: number }
  /** `kanaal` on a platform whose adapter cannot list a channel's people. */
  | { ok: false; reason: 'channel-unsupported' }
  /** `kanaal` typed in a DM: there is no channel to invite. */
  | { ok: false; reason: 'channel-in-dm' }
  /** `kanaal` while the platform refuses to list members (Discord's Server Members Intent off). */
  | { ok: false; reason: 'channel-members-intent' };

/** Where the list was typed: `kanaal` means this channel. */
export interface InviteePlace {
  platform: PlatformName;
  channelRef?: string;
}

const ROLE_WORDS = new Set(['adviseurs', 'advisers']);
const CHANNEL_WORDS = new Set(['kanaal', 'channel']);

export class InviteeResolver {
  constructor(
    private readonly store: Store,
    private readonly members: MemberManager,
  ) {}

  /** How each platform lists a channel's people (set by the app from its adapters). */
  readonly channels = new Map<PlatformName, ChannelMembersLookup>();

  /** The members `text` names, without the organiser, each once. */
  async resolve(text: string | undefined, where: InviteePlace, organizerId: string): Promise<InviteeResult> {
    const ids = new Set<string>();
    const unknown: string[] = [];
    let notMembers = 0;
    for (const part of splitParts(text ?? '')) {
      const found = await this.part(part, where.platform);
      if (found === 'channel') {
        const channel = await this.channel(where);
        if (!channel.ok) return channel;
        notMembers = channel.notMembers;
        for (const id of channel.memberIds) ids.add(id);
      } else if (!found) unknown.push(part);
      else for (const id of found) ids.add(id);
    }
    if (unknown.length) return { ok: false, reason: 'unknown', words: unknown };
    ids.delete(organizerId);
    if (ids.size > MAX_INVITEES) return { ok: false, reason: 'too-many', count: ids.size };
    return { ok: true, memberIds: [...ids], notMembers };
  }

  /** Everyone in the channel who is an approved member; the others are only counted. */
  private async channel(place: InviteePlace): Promise<InviteeResult> {
    if (!place.channelRef) return { ok: false, reason: 'channel-in-dm' };
    const lookup = this.channels.get(place.platform);
    if (!lookup) return { ok: false, reason: 'channel-unsupported' };
    let people: string[];
    try {
      people = [...new Set(await lookup(place.channelRef))];
    } catch (error) {
      if (error instanceof ChannelMembersUnavailableError) return { ok: false, reason: 'channel-members-intent' };
      throw error;
    }
    const rows = await this.store.platformIdentity.findMany({
      where: { platform: toDbPlatform(place.platform), externalId: { in: people }, member: { approvedAt: { not: null } } },
      select: { memberId: true },
    });
    return { ok: true, memberIds: rows.map((row) => row.memberId), notMembers: people.length - rows.length };
  }

  private async part(part: string, platform: PlatformName): Promise<string[] | 'channel' | undefined> {
    const word = part.toLowerCase();
    if (CHANNEL_WORDS.has(word)) return 'channel';
    if (ROLE_WORDS.has(word)) return this.ids({ role: 'ADVISER' });
    const mention = /^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(part);
    if (mention) return this.account(platform, mention[1]!);
    if (platform === 'console' && /^@[A-Za-z0-9._-]+$/.test(part)) return this.account('console', word.slice(1));
    const { match } = await this.members.findOrganisation(part);
    return match ? this.ids({ organisationId: match.id }) : undefined;
  }

  /** A platform account we have seen; never created here (a typo must not invite a ghost). */
  private async account(platform: PlatformName, externalId: string): Promise<string[] | undefined> {
    const identity = await this.store.platformIdentity.findUnique({
      where: { platform_externalId: { platform: toDbPlatform(platform), externalId } },
      select: { memberId: true },
    });
    return identity ? [identity.memberId] : undefined;
  }

  /** Approved members only: someone whose link is not decided is not (yet) of the organisation. */
  private async ids(where: { role?: 'ADVISER'; organisationId?: string }): Promise<string[]> {
    const rows = await this.store.member.findMany({ where: { ...where, approvedAt: { not: null } }, select: { id: true } });
    return rows.map((row) => row.id);
  }
}

/**
 * Mentions and words apart; an organisation may have several words ("Den Haag", "Stichting
 * Kezban"), so between commas the words that are no mention or keyword stay together.
 */
export function splitParts(text: string): string[] {
  const parts: string[] = [];
  for (const chunk of text.split(/[,;]/)) {
    let words: string[] = [];
    const flush = () => {
      if (words.length) parts.push(words.join(' '));
      words = [];
    };
    for (const token of chunk.split(/\s+/).filter(Boolean)) {
      const lower = token.toLowerCase();
      if (token.startsWith('<@') || token.startsWith('@') || ROLE_WORDS.has(lower) || CHANNEL_WORDS.has(lower)) {
        flush();
        parts.push(token);
      } else {
        words.push(token);
      }
    }
    flush();
  }
  return parts;
}
