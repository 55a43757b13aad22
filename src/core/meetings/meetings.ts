// Meetings (/overleg): a draft the organiser checks, invitations by DM with the answer buttons
// and an .ics, answers that edit the invitation in place, and a waiting list when a meeting
// has a capacity. Runs inside the handler's unit of work: the meeting and the messages about
// it are one transaction, so an invitation never goes out for a meeting that was not stored.
import { lastStart, type OccurrenceException, type Recurrence, type RecurrenceFrequency } from './recurrence.ts';
import { translator, toLocale, type Locale, type Translate } from '../i18n.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { toDbPlatform, type PlatformName } from '../platform.ts';
import type { Reply } from '../framework/reply.ts';
import type { Store } from '../store.ts';
import type { MemberManager } from '../members/members.ts';
import { InviteeResolver } from './invitees.ts';
import { MeetingReminders, type ReminderMessage } from './reminders.ts';
import { MeetingFeeds } from './feed.ts';
import { PollManager } from './polls.ts';

export type Answer = 'yes' | 'no' | 'maybe' | 'none';
export type MeetingStatus = 'draft' | 'sent' | 'cancelled';

export interface InviteeView {
  memberId: string;
  name: string;
  answer: Answer;
  /** Said Ja while the meeting was full: waiting for a place. */
  waitlisted: boolean;
  locale?: Locale;
  /** The member's own reminder times (`/profiel herinneringen`); undefined: none chosen. */
  reminderMinutes?: number[];
  /** When they last changed them (ms): part of their reminders' outbox keys, so queueing anew never meets a cancelled key. */
  reminderVersion?: number;
}

export interface MeetingView {
  id: string;
  number: number;
  /** `O-12` */
  code: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location?: string;
  status: MeetingStatus;
  sequence: number;
  capacity?: number;
  /** Minutes before the start at which Ja and Misschien are reminded. */
  reminderMinutes: number[];
  /** Set with `herinnering:`: then they apply to everyone (see `reminderMinutesFor`). */
  remindersSet: boolean;
  cancelReason?: string;
  /** A series: its occurrences follow from `startsAt` (recurrence.ts). */
  recurrence?: Recurrence;
  /** Occurrences of the series moved or cancelled one by one (empty for a single meeting). */
  exceptions: OccurrenceException[];
  organizer: { id: string; name: string };
  invitees: InviteeView[];
}

export interface NewMeeting {
  organizerId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location?: string;
  capacity?: number;
  recurrence?: Recurrence;
  /** Minutes before the start (`herinnering:`); default 24 h and 1 h. */
  reminderMinutes?: number[];
  inviteeIds: string[];
  channel?: { platform: PlatformName; ref: string };
}

export interface Counts {
  yes: number;
  maybe: number;
  no: number;
  none: number;
  waiting: number;
}

/** Builds a message about a meeting for one invitee, in their language. */
export type InviteeMessage = (t: Translate, locale: Locale, meeting: MeetingView, invitee: InviteeView) => Reply;

export type AnswerResult =
  | { kind: 'answered'; meeting: MeetingView; invitee: InviteeView; promoted?: InviteeView }
  | { kind: 'missing' }
  | { kind: 'not-invited' }
  | { kind: 'cancelled' }
  | { kind: 'past' };

/** What a change tells each invitee: a new DM, and their invitation DM as it reads now. */
export interface Notices {
  notice: InviteeMessage;
  invitation: InviteeMessage;
  /** For the reminders queued anew after a move. */
  reminder: ReminderMessage;
}

export type ChangeResult = { kind: 'changed'; meeting: MeetingView } | { kind: 'missing' | 'cancelled' | 'past' };

/** One occurrence moved to a new moment, or (undefined) cancelled. */
export type OccurrenceChange = { startsAt: Date; endsAt: Date } | undefined;

export const meetingInclude = {
  organizer: { select: { id: true, displayName: true } },
  invitees: { include: { member: { select: { displayName: true, locale: true, reminderTimes: { select: { minutes: true, chosen: true, updatedAt: true } } } } }, orderBy: { createdAt: 'asc' } },
  exceptions: { orderBy: { originalStart: 'asc' } },
} as const;

/**
 * When this invitee is reminded: the meeting's own `herinnering:` wins (the organiser chose it
 * for this meeting); else the member's `/profiel herinneringen`; else the default 24 h and 1 h.
 */
export function reminderMinutesFor(meeting: Pick<MeetingView, 'reminderMinutes' | 'remindersSet'>, invitee: Pick<InviteeView, 'reminderMinutes'>): number[] {
  if (meeting.remindersSet || !invitee.reminderMinutes) return meeting.reminderMinutes;
  return invitee.reminderMinutes;
}

export function meetingCode(number: number): string {
  return `O-${number}`;
}

/** "O-12", "o-12", "O12" or "12" → 12. */
export function parseMeetingCode(text: string | undefined): number | undefined {
  const match = /^\s*(?:o-?)?(\d{1,9})\s*$/i.exec(text ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The outbox key of an invitee's invitation DM: answers and changes edit that message. */
export function invitationKey(meetingId: string, memberId: string): string {
  return `meeting:${meetingId}:invite:member:${memberId}`;
}

export class MeetingManager {
  /** Reads `genodigden:` into members. */
  readonly invitees: InviteeResolver;
  readonly reminders: MeetingReminders;
  /** Personal calendar feeds (`/overleg agenda`). */
  readonly feeds: MeetingFeeds;
  /** Date polls (`/overleg peiling`). */
  readonly polls: PollManager;

  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    members: MemberManager,
    private readonly defaultLocale: Locale,
    private readonly timezone: string,
  ) {
    this.invitees = new InviteeResolver(store, members);
    this.feeds = new MeetingFeeds(store, timezone);
    this.polls = new PollManager(store, outbox);
    this.reminders = new MeetingReminders(store, outbox, defaultLocale, timezone);
  }

  async createDraft(input: NewMeeting): Promise<MeetingView> {
    const row = await this.store.meeting.create({
      data: {
        title: input.title,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        location: input.location,
        capacity: input.capacity,
        repeat: input.recurrence?.frequency,
        repeatUntil: input.recurrence?.until,
        reminderMinutes: input.reminderMinutes,
        remindersSet: input.reminderMinutes !== undefined,
        organizerId: input.organizerId,
        channelPlatform: input.channel ? toDbPlatform(input.channel.platform) : undefined,
        channelRef: input.channel?.ref,
        invitees: { createMany: { data: input.inviteeIds.map((memberId) => ({ memberId })) } },
      },
      include: meetingInclude,
    });
    return toMeetingView(row);
  }

  /** A draft changed with Aanpassen: new details, the same number. False when it is no longer a draft. */
  async updateDraft(id: string, input: Omit<NewMeeting, 'organizerId' | 'channel'>): Promise<MeetingView | undefined> {
    const { count } = await this.store.meeting.updateMany({
      where: { id, status: 'DRAFT' },
      data: { title: input.title, startsAt: input.startsAt, endsAt: input.endsAt, location: input.location ?? null, capacity: input.capacity ?? null, repeat: input.recurrence?.frequency ?? null, repeatUntil: input.recurrence?.until ?? null, ...(input.reminderMinutes ? { reminderMinutes: input.reminderMinutes, remindersSet: true } : {}) },
    });
    if (count === 0) return undefined;
    await this.store.meetingInvitee.deleteMany({ where: { meetingId: id } });
    await this.store.meetingInvitee.createMany({ data: input.inviteeIds.map((memberId) => ({ meetingId: id, memberId })) });
    return this.get(id);
  }

  /** The moment picked after a clock-change question; the duration stays. */
  async setDraftStart(id: string, startsAt: Date): Promise<MeetingView | undefined> {
    const draft = await this.get(id);
    if (!draft || draft.status !== 'draft') return undefined;
    const endsAt = new Date(startsAt.getTime() + (draft.endsAt.getTime() - draft.startsAt.getTime()));
    const { count } = await this.store.meeting.updateMany({ where: { id, status: 'DRAFT' }, data: { startsAt, endsAt } });
    return count ? this.get(id) : undefined;
  }

  async get(id: string): Promise<MeetingView | undefined> {
    if (!isUuid(id)) return undefined;
    const row = await this.store.meeting.findUnique({ where: { id }, include: meetingInclude });
    return row ? toMeetingView(row) : undefined;
  }

  async byNumber(number: number): Promise<MeetingView | undefined> {
    const row = await this.store.meeting.findUnique({ where: { number }, include: meetingInclude });
    return row ? toMeetingView(row) : undefined;
  }

  /** Annuleren on the preview: the draft is gone. False when it was sent (or gone) already. */
  async discardDraft(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const { count } = await this.store.meeting.deleteMany({ where: { id, status: 'DRAFT' } });
    return count === 1;
  }

  /**
   * Versturen: the draft becomes a meeting and each invitee gets a DM. Only the press that
   * changes the status queues them, so a double click sends each invitation once.
   */
  async send(id: string, now: Date, build: InviteeMessage, reminder: ReminderMessage): Promise<MeetingView | undefined> {
    const { count } = await this.store.meeting.updateMany({ where: { id, status: 'DRAFT' }, data: { status: 'SENT', sentAt: now } });
    if (count === 0) return undefined;
    const meeting = (await this.get(id))!;
    for (const invitee of meeting.invitees) {
      await this.outbox.notifyMembers(this.store, [invitee.memberId], `meeting:${id}:invite`, (t, locale) => build(t, locale, meeting, invitee));
    }
    await this.reminders.queue(meeting, now, reminder);
    return meeting;
  }

  /**
   * An invitee answers (a button, or /overleg afmelden for Nee). A Ja when the meeting is full
   * goes on the waiting list; a Nee of someone with a place gives it to the first waiting, who
   * is told. The invitation DM of each of them is edited to show their answer.
   */
  async answer(id: string, memberId: string, answer: Exclude<Answer, 'none'>, now: Date, build: InviteeMessage, promotedNotice: InviteeMessage): Promise<AnswerResult> {
    const before = await this.get(id);
    if (!before || before.status === 'draft') return { kind: 'missing' };
    const mine = before.invitees.find((invitee) => invitee.memberId === memberId);
    if (!mine) return { kind: 'not-invited' };
    if (before.status === 'cancelled') return { kind: 'cancelled' };
    if (lastStart(before, this.timezone) <= now) return { kind: 'past' };
    // Serialises answers to one meeting (the row lock), so two Ja's never take the last place.
    await this.store.meeting.update({ where: { id }, data: { updatedAt: now } });
    const current = (await this.get(id))!;
    const hadPlace = current.invitees.some((i) => i.memberId === memberId && i.answer === 'yes' && !i.waitlisted);
    const seated = current.invitees.filter((i) => i.answer === 'yes' && !i.waitlisted && i.memberId !== memberId).length;
    const waitlist = answer === 'yes' && current.capacity !== undefined && !hadPlace && seated >= current.capacity;
    await this.store.meetingInvitee.update({
      where: { meetingId_memberId: { meetingId: id, memberId } },
      data: { answer, answeredAt: now, waitlistedAt: waitlist ? now : null },
    });
    let promotedId: string | undefined;
    if (hadPlace && answer !== 'yes') promotedId = await this.promoteFirstWaiting(id);
    const after = (await this.get(id))!;
    const invitee = after.invitees.find((i) => i.memberId === memberId)!;
    await this.reminders.follow(after, invitee, now);
    await this.editInvitation(after, invitee, `answer:${now.getTime()}`, build);
    const promoted = promotedId ? after.invitees.find((i) => i.memberId === promotedId) : undefined;
    if (promoted) {
      await this.reminders.follow(after, promoted, now);
      await this.editInvitation(after, promoted, `promoted:${now.getTime()}`, build);
      await this.outbox.notifyMembers(this.store, [promoted.memberId], `meeting:${id}:promoted:${now.getTime()}`, (t, locale) => promotedNotice(t, locale, after, promoted));
    }
    return { kind: 'answered', meeting: after, invitee, promoted };
  }

  private async promoteFirstWaiting(id: string): Promise<string | undefined> {
    const first = await this.store.meetingInvitee.findFirst({ where: { meetingId: id, answer: 'yes', waitlistedAt: { not: null } }, orderBy: { waitlistedAt: 'asc' } });
    if (!first) return undefined;
    await this.store.meetingInvitee.update({ where: { id: first.id }, data: { waitlistedAt: null } });
    return first.memberId;
  }

  /** The invitee's invitation DM shows `build`'s content now (once per `change`). */
  private async editInvitation(meeting: MeetingView, invitee: InviteeView, change: string, build: InviteeMessage): Promise<void> {
    const key = invitationKey(meeting.id, invitee.memberId);
    const locale = invitee.locale ?? this.defaultLocale;
    await this.outbox.edit(this.store, { dedupeKey: `${key}:${change}`, of: { key }, locale, reply: build(translator(locale), locale, meeting, invitee) });
  }

  /**
   * Moves a sent meeting: a higher SEQUENCE, every invitee told by a new DM (`notice`, with the
   * updated .ics) and their invitation DM edited (`invitation`). Answers stay unless
   * `askAgain` (the day changed): then everyone is asked again and the waiting list is empty.
   */
  async reschedule(id: string, startsAt: Date, endsAt: Date, askAgain: boolean, now: Date, build: Notices): Promise<ChangeResult> {
    const current = await this.changeable(id, now);
    if ('kind' in current) return current;
    await this.store.meeting.update({ where: { id }, data: { startsAt, endsAt, sequence: { increment: 1 } } });
    // A new first start gives the series new occurrences: exceptions of the old ones no longer fit.
    await this.store.meetingException.deleteMany({ where: { meetingId: id } });
    if (askAgain) await this.store.meetingInvitee.updateMany({ where: { meetingId: id }, data: { answer: 'none', answeredAt: null, waitlistedAt: null } });
    // The reminders name the time: those of the old time go, new ones are queued for the new.
    await this.reminders.drop(id);
    const result = await this.tellEveryone(id, 'moved', build);
    if (result.kind === 'changed') await this.reminders.queue(result.meeting, now, build.reminder);
    return result;
  }

  /** Cancels a sent meeting: a cancelling .ics to every invitee, and their invitation edited. */
  async cancel(id: string, reason: string | undefined, now: Date, build: Omit<Notices, 'reminder'>): Promise<ChangeResult> {
    const current = await this.changeable(id, now);
    if ('kind' in current) return current;
    await this.store.meeting.update({ where: { id }, data: { status: 'CANCELLED', cancelledAt: now, cancelReason: reason ?? null, sequence: { increment: 1 } } });
    await this.reminders.drop(id);
    return this.tellEveryone(id, 'cancelled', build);
  }

  /**
   * Moves (`change`) or cancels (undefined) one occurrence of a series, by the start it has in
   * the series: a higher SEQUENCE, every invitee told (`notice`: an .ics with RECURRENCE-ID)
   * and their invitation edited. Answers are for the series and stay. The reminders are queued
   * anew, so the moved occurrence's go at its new time and a cancelled one's never.
   */
  async changeOccurrence(id: string, originalStart: Date, change: OccurrenceChange, now: Date, build: Notices): Promise<ChangeResult> {
    const current = await this.changeable(id, now);
    if ('kind' in current) return current;
    const { sequence } = await this.store.meeting.update({ where: { id }, data: { sequence: { increment: 1 } }, select: { sequence: true } });
    const data = { startsAt: change?.startsAt ?? null, endsAt: change?.endsAt ?? null, cancelled: !change, sequence };
    await this.store.meetingException.upsert({
      where: { meetingId_originalStart: { meetingId: id, originalStart } },
      create: { meetingId: id, originalStart, ...data },
      update: data,
    });
    await this.reminders.drop(id);
    const result = await this.tellEveryone(id, change ? 'occurrence-moved' : 'occurrence-cancelled', build);
    if (result.kind === 'changed') await this.reminders.queue(result.meeting, now, build.reminder);
    return result;
  }

  /** A sent meeting that has not begun, locked for this change (two moves at once go one by one). */
  private async changeable(id: string, now: Date): Promise<MeetingView | { kind: 'missing' | 'cancelled' | 'past' }> {
    const meeting = await this.get(id);
    if (!meeting || meeting.status === 'draft') return { kind: 'missing' };
    if (meeting.status === 'cancelled') return { kind: 'cancelled' };
    if (lastStart(meeting, this.timezone) <= now) return { kind: 'past' };
    return meeting;
  }

  private async tellEveryone(id: string, change: 'moved' | 'cancelled' | 'occurrence-moved' | 'occurrence-cancelled', build: Omit<Notices, 'reminder'>): Promise<ChangeResult> {
    const meeting = (await this.get(id))!;
    const step = `${change}:${meeting.sequence}`;
    for (const invitee of meeting.invitees) {
      await this.editInvitation(meeting, invitee, step, build.invitation);
      await this.outbox.notifyMembers(this.store, [invitee.memberId], `meeting:${id}:${step}`, (t, locale) => build.notice(t, locale, meeting, invitee));
    }
    return { kind: 'changed', meeting };
  }

  /** The member's own reminder times; undefined when they chose none (the defaults apply). */
  async reminderTimes(memberId: string): Promise<number[] | undefined> {
    const row = await this.store.memberReminderTimes.findUnique({ where: { memberId } });
    return row?.chosen ? row.minutes : undefined;
  }

  /**
   * `/profiel herinneringen`: the member's own times (undefined: back to the defaults). Their
   * pending reminders of meetings that did not set their own are queued anew to follow them.
   */
  async setReminderTimes(memberId: string, minutes: number[] | undefined, now: Date, build: ReminderMessage): Promise<void> {
    const data = { minutes: minutes ?? [], chosen: minutes !== undefined };
    await this.store.memberReminderTimes.upsert({ where: { memberId }, create: { memberId, ...data }, update: data });
    const rows = await this.store.meeting.findMany({
      where: { status: 'SENT', remindersSet: false, invitees: { some: { memberId } }, OR: [{ startsAt: { gt: now } }, { repeatUntil: { gt: now } }] },
      include: meetingInclude,
    });
    for (const meeting of rows.map(toMeetingView)) await this.reminders.requeueInvitee(meeting, memberId, now, build);
  }

  /**
   * Upcoming sent meetings this member organises or is invited to, and (in a channel) those
   * planned there; soonest first.
   */
  async upcoming(memberId: string, now: Date, channel?: { platform: PlatformName; ref: string }, limit = 10): Promise<MeetingView[]> {
    const rows = await this.store.meeting.findMany({
      where: {
        status: 'SENT',
        // A series is upcoming until its last occurrence (by its end date; `list` finds the next one).
        AND: [{ OR: [{ endsAt: { gt: now } }, { repeatUntil: { gt: now } }] }],
        OR: [
          { organizerId: memberId },
          { invitees: { some: { memberId } } },
          ...(channel ? [{ channelPlatform: toDbPlatform(channel.platform), channelRef: channel.ref }] : []),
        ],
      },
      orderBy: { startsAt: 'asc' },
      take: limit,
      include: meetingInclude,
    });
    return rows.map(toMeetingView);
  }
}

export function countAnswers(meeting: MeetingView): Counts {
  const counts: Counts = { yes: 0, maybe: 0, no: 0, none: 0, waiting: 0 };
  for (const invitee of meeting.invitees) {
    if (invitee.waitlisted) counts.waiting++;
    else counts[invitee.answer]++;
  }
  return counts;
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

type Row = {
  id: string;
  number: number;
  title: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  status: string;
  sequence: number;
  capacity: number | null;
  reminderMinutes: number[];
  remindersSet?: boolean;
  cancelReason: string | null;
  repeat: string | null;
  repeatUntil: Date | null;
  /** Optional: queries that include less see a series without exceptions. */
  exceptions?: { originalStart: Date; startsAt: Date | null; endsAt: Date | null; cancelled: boolean; sequence: number }[];
  organizer: { id: string; displayName: string };
  invitees: { memberId: string; answer: string; waitlistedAt: Date | null; member: { displayName: string; locale: string | null; reminderTimes?: { minutes: number[]; chosen: boolean; updatedAt: Date } | null } }[];
};

export function toMeetingView(row: Row): MeetingView {
  return {
    id: row.id,
    number: row.number,
    code: meetingCode(row.number),
    title: row.title,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    location: row.location ?? undefined,
    status: row.status.toLowerCase() as MeetingStatus,
    sequence: row.sequence,
    capacity: row.capacity ?? undefined,
    reminderMinutes: row.reminderMinutes,
    remindersSet: row.remindersSet ?? false,
    cancelReason: row.cancelReason ?? undefined,
    recurrence: row.repeat && row.repeatUntil ? { frequency: row.repeat as RecurrenceFrequency, until: row.repeatUntil } : undefined,
    exceptions: (row.exceptions ?? []).map((e) => ({ originalStart: e.originalStart, startsAt: e.startsAt ?? undefined, endsAt: e.endsAt ?? undefined, cancelled: e.cancelled, sequence: e.sequence })),
    organizer: { id: row.organizer.id, name: row.organizer.displayName },
    invitees: row.invitees.map((invitee) => ({
      memberId: invitee.memberId,
      name: invitee.member.displayName,
      answer: invitee.answer as Answer,
      waitlisted: invitee.waitlistedAt !== null,
      locale: toLocale(invitee.member.locale),
      reminderMinutes: invitee.member.reminderTimes?.chosen ? invitee.member.reminderTimes.minutes : undefined,
      reminderVersion: invitee.member.reminderTimes?.updatedAt.getTime(),
    })),
  };
}
