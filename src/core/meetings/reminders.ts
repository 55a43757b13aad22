// Reminders before a meeting (default 24 h and 1 h) as planned outbox messages, so they go
// exactly once with any number of instances and survive restarts.
//
// One row per invitee and offset is queued when the meeting is sent, in a group of its own
// (`meeting:<id>:reminder:s<sequence>:<offset>:<member>`). Only those who said Ja or Misschien
// are reminded: everyone else's row is held (planned for the year 9999) and moved to its time
// when they answer Ja or Misschien, and back when they say Nee. A move changes the text, so
// the rows of the old sequence are dropped and new ones queued; a cancellation drops them all.
// A reminder that fell due while no instance ran goes at start-up only if the meeting has not
// begun (`dropBegun`, run before the outbox worker starts and every minute after).
// A series has its reminders per occurrence: the group key ends in the occurrence's start (in
// seconds), and the reminder's text names that occurrence's moment.
// Each invitee has their own offsets (`reminderMinutesFor`: the meeting's `herinnering:`, else
// the member's `/profiel herinneringen`, else 24 h and 1 h); a change of the member's times
// drops their pending rows and queues new ones under a key with the times' version.
import type { Locale, Translate } from '../i18n.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { Reply } from '../framework/reply.ts';
import type { Store } from '../store.ts';
import { reminderMinutesFor, type InviteeView, type MeetingView } from './meetings.ts';
import { currentOccurrences } from './recurrence.ts';

/** Never, in practice: a held reminder waits here until its invitee answers Ja or Misschien. */
export const HELD = new Date('9999-12-31T00:00:00.000Z');

export type ReminderMessage = (t: Translate, locale: Locale, meeting: MeetingView, minutesBefore: number) => Reply;

const prefix = (meetingId: string) => `meeting:${meetingId}:reminder:`;

function groupKey(meeting: MeetingView, minutes: number, invitee: InviteeView): string {
  const occurrence = meeting.recurrence ? `:${Math.floor(meeting.startsAt.getTime() / 1000)}` : '';
  // The member's reminder times changed since the meeting was sent: a new key (a cancelled
  // row's key can never be queued again: outbox dedupe keys are forever).
  const version = invitee.reminderVersion ? `:v${invitee.reminderVersion}` : '';
  return `${prefix(meeting.id)}s${meeting.sequence}:${minutes}:${invitee.memberId}${version}${occurrence}`;
}

/** The start of the occurrence a series' reminder is about (undefined: a single meeting's). */
function occurrenceOf(key: string): Date | undefined {
  const seconds = /:(\d{9,11})$/.exec(key)?.[1];
  return seconds ? new Date(Number(seconds) * 1000) : undefined;
}

/** When this invitee's reminder goes: its time for Ja/Misschien, else held; undefined when already past. */
function dueAt(meeting: MeetingView, minutes: number, invitee: InviteeView, now: Date): Date | undefined {
  const at = new Date(meeting.startsAt.getTime() - minutes * 60_000);
  if (at <= now) return undefined;
  const reminded = !invitee.waitlisted && (invitee.answer === 'yes' || invitee.answer === 'maybe');
  return reminded ? at : HELD;
}

export class MeetingReminders {
  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly defaultLocale: Locale,
    private readonly timezone: string,
  ) {}

  /**
   * The meeting as each occurrence is: its own start and end, the rest the same. A moved
   * occurrence is at its new moment (its group key too); a cancelled one has no reminders.
   */
  private occurrences(meeting: MeetingView): MeetingView[] {
    return currentOccurrences(meeting, this.timezone).map(({ startsAt, endsAt }) => ({ ...meeting, startsAt, endsAt }));
  }

  /** Queues every invitee's reminders of this meeting's current sequence, each at their own times. */
  async queue(series: MeetingView, now: Date, build: ReminderMessage): Promise<void> {
    for (const meeting of this.occurrences(series)) {
      for (const invitee of meeting.invitees) await this.queueOne(meeting, invitee, now, build);
    }
  }

  /** Drops one invitee's pending reminders of the meeting and queues them at their times now. */
  async requeueInvitee(series: MeetingView, memberId: string, now: Date, build: ReminderMessage): Promise<void> {
    const invitee = series.invitees.find((i) => i.memberId === memberId);
    if (!invitee) return;
    const pending = await this.store.outboxMessage.findMany({
      where: { status: 'PENDING', groupKey: { startsWith: prefix(series.id) } },
      select: { groupKey: true },
      distinct: ['groupKey'],
    });
    const mine = pending.map((row) => row.groupKey ?? '').filter((key) => key.split(':').includes(memberId));
    for (const key of mine) await this.outbox.cancelGroups(this.store, key);
    for (const meeting of this.occurrences(series)) await this.queueOne(meeting, invitee, now, build);
  }

  private async queueOne(meeting: MeetingView, invitee: InviteeView, now: Date, build: ReminderMessage): Promise<void> {
    for (const minutes of reminderMinutesFor(meeting, invitee)) {
      const sendAt = dueAt(meeting, minutes, invitee, now);
      if (!sendAt) continue;
      const group = groupKey(meeting, minutes, invitee);
      const items = await this.outbox.routing.itemsFor(this.store, [invitee.memberId], group, this.defaultLocale, (t, locale) => build(t, locale, meeting, minutes));
      await this.outbox.enqueueMany(this.store, items.map((item) => ({ ...item, sendAt, groupKey: group })));
    }
  }

  /** An answer changed: this invitee's reminders go at their time, or are held. */
  async follow(series: MeetingView, invitee: InviteeView, now: Date): Promise<void> {
    for (const meeting of this.occurrences(series)) {
      for (const minutes of reminderMinutesFor(meeting, invitee)) {
        const sendAt = dueAt(meeting, minutes, invitee, now);
        if (sendAt) await this.outbox.rescheduleGroup(this.store, groupKey(meeting, minutes, invitee), sendAt);
      }
    }
  }

  /** Every reminder of the meeting not yet sent is dropped (a move queues new ones after). */
  async drop(meetingId: string): Promise<number> {
    return this.outbox.cancelGroups(this.store, prefix(meetingId));
  }

  /**
   * Reminders due by now of meetings that have begun never go: they fell due while no instance
   * ran. Returns how many were dropped.
   */
  async dropBegun(now: Date): Promise<number> {
    const due = await this.store.outboxMessage.findMany({
      where: { status: 'PENDING', groupKey: { startsWith: 'meeting:' }, sendAt: { lte: now } },
      select: { groupKey: true },
      distinct: ['groupKey'],
    });
    const keys = due.map((row) => row.groupKey ?? '').filter((key) => /^meeting:[^:]+:reminder:/.test(key));
    // A series' reminder is about its own occurrence: only that one's having begun drops it.
    let dropped = 0;
    for (const key of keys.filter((key) => occurrenceOf(key))) {
      if (occurrenceOf(key)! <= now) dropped += await this.outbox.cancelGroups(this.store, key);
    }
    const ids = [...new Set(keys.filter((key) => !occurrenceOf(key)).map((key) => /^meeting:([^:]+):reminder:/.exec(key)![1]!))];
    if (ids.length === 0) return dropped;
    const begun = await this.store.meeting.findMany({ where: { id: { in: ids }, startsAt: { lte: now } }, select: { id: true } });
    for (const { id } of begun) dropped += await this.drop(id);
    return dropped;
  }
}
