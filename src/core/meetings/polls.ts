// Date polls (/overleg peiling): 1 to 5 moments, invitees vote for every moment that suits
// them (a button per moment, pressed again to take the vote back), the organiser's table is
// edited in place after each vote, and the organiser's pick becomes a meeting with
// invitations. Runs inside the handler's unit of work, like MeetingManager.
import { translator, type Locale, type Translate } from '../i18n.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { toDbPlatform, type PlatformName } from '../platform.ts';
import type { Reply } from '../framework/reply.ts';
import type { Store } from '../store.ts';

export const MAX_POLL_OPTIONS = 5;

export interface PollOptionView {
  id: string;
  position: number;
  startsAt: Date;
  voters: { memberId: string; name: string }[];
}

export interface PollView {
  id: string;
  number: number;
  /** `P-3` */
  code: string;
  title: string;
  organizer: { id: string; name: string };
  durationMinutes: number;
  location?: string;
  inviteeIds: string[];
  status: 'open' | 'chosen';
  meetingId?: string;
  options: PollOptionView[];
  channel?: { platform: PlatformName; ref: string };
}

export interface NewPoll {
  organizerId: string;
  title: string;
  starts: Date[];
  durationMinutes: number;
  location?: string;
  inviteeIds: string[];
  channel?: { platform: PlatformName; ref: string };
}

export type PollMessage = (t: Translate, locale: Locale, poll: PollView) => Reply;

export type VoteResult = { kind: 'voted'; poll: PollView; mine: PollOptionView[] } | { kind: 'missing' | 'not-invited' | 'closed' };

const include = {
  organizer: { select: { id: true, displayName: true } },
  options: { orderBy: { position: 'asc' }, include: { votes: { orderBy: { createdAt: 'asc' }, include: { member: { select: { displayName: true } } } } } },
} as const;

/** The outbox key of the organiser's live table (edited after every vote). */
export function tableKey(pollId: string): string {
  return `poll:${pollId}:table`;
}

export class PollManager {
  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
  ) {}

  /** Stores the poll and queues the invitees' ballots and the organiser's table. */
  async create(input: NewPoll, ballot: PollMessage, table: PollMessage): Promise<PollView> {
    const row = await this.store.meetingPoll.create({
      data: {
        title: input.title,
        organizerId: input.organizerId,
        durationMinutes: input.durationMinutes,
        location: input.location,
        inviteeIds: input.inviteeIds,
        channelPlatform: input.channel ? toDbPlatform(input.channel.platform) : undefined,
        channelRef: input.channel?.ref,
        options: { createMany: { data: input.starts.map((startsAt, position) => ({ startsAt, position })) } },
      },
      include,
    });
    const poll = toView(row);
    await this.outbox.notifyMembers(this.store, poll.inviteeIds, `poll:${poll.id}:ballot`, (t, locale) => ballot(t, locale, poll));
    await this.outbox.notifyMembers(this.store, [poll.organizer.id], tableKey(poll.id), (t, locale) => table(t, locale, poll));
    return poll;
  }

  async get(id: string): Promise<PollView | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.store.meetingPoll.findUnique({ where: { id }, include });
    return row ? toView(row) : undefined;
  }

  /** The poll an option belongs to. */
  async byOption(optionId: string): Promise<{ poll: PollView; option: PollOptionView } | undefined> {
    if (!isUuid(optionId)) return undefined;
    const option = await this.store.meetingPollOption.findUnique({ where: { id: optionId }, select: { pollId: true } });
    const poll = option ? await this.get(option.pollId) : undefined;
    const found = poll?.options.find((candidate) => candidate.id === optionId);
    return poll && found ? { poll, option: found } : undefined;
  }

  /** A vote for this moment, or (pressed again) its withdrawal; the organiser's table follows. */
  async toggleVote(optionId: string, memberId: string, now: Date, table: PollMessage, organizerLocale: Locale): Promise<VoteResult> {
    const found = await this.byOption(optionId);
    if (!found) return { kind: 'missing' };
    if (!found.poll.inviteeIds.includes(memberId)) return { kind: 'not-invited' };
    if (found.poll.status !== 'open') return { kind: 'closed' };
    const removed = await this.store.meetingPollVote.deleteMany({ where: { optionId, memberId } });
    if (removed.count === 0) await this.store.meetingPollVote.createMany({ data: [{ optionId, memberId }], skipDuplicates: true });
    const poll = (await this.get(found.poll.id))!;
    await this.editTable(poll, `vote:${now.getTime()}:${memberId}`, table, organizerLocale);
    return { kind: 'voted', poll, mine: poll.options.filter((option) => option.voters.some((voter) => voter.memberId === memberId)) };
  }

  /** The organiser's pick closes the poll, once: the second press of two finds it closed. */
  async close(pollId: string, meetingId: string): Promise<boolean> {
    const { count } = await this.store.meetingPoll.updateMany({ where: { id: pollId, status: 'OPEN' }, data: { status: 'CHOSEN', meetingId } });
    return count === 1;
  }

  async editTable(poll: PollView, change: string, table: PollMessage, locale: Locale): Promise<void> {
    const key = `${tableKey(poll.id)}:member:${poll.organizer.id}`;
    await this.outbox.edit(this.store, { dedupeKey: `${key}:${change}`, of: { key }, locale, reply: table(translator(locale), locale, poll) });
  }
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

type Row = {
  id: string;
  number: number;
  title: string;
  durationMinutes: number;
  location: string | null;
  inviteeIds: string[];
  status: string;
  meetingId: string | null;
  channelPlatform: string | null;
  channelRef: string | null;
  organizer: { id: string; displayName: string };
  options: { id: string; position: number; startsAt: Date; votes: { memberId: string; member: { displayName: string } }[] }[];
};

function toView(row: Row): PollView {
  return {
    id: row.id,
    number: row.number,
    code: `P-${row.number}`,
    title: row.title,
    organizer: { id: row.organizer.id, name: row.organizer.displayName },
    durationMinutes: row.durationMinutes,
    location: row.location ?? undefined,
    inviteeIds: row.inviteeIds,
    status: row.status === 'OPEN' ? 'open' : 'chosen',
    meetingId: row.meetingId ?? undefined,
    options: row.options.map((option) => ({
      id: option.id,
      position: option.position,
      startsAt: option.startsAt,
      voters: option.votes.map((vote) => ({ memberId: vote.memberId, name: vote.member.displayName })),
    })),
    channel: row.channelPlatform && row.channelRef ? { platform: row.channelPlatform.toLowerCase() as PlatformName, ref: row.channelRef } : undefined,
  };
}
