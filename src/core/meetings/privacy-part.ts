// What the meetings keep about a member, for /privacy export and /privacy verwijder.
//
// Export: the meetings and polls they organise (others only as counts), their own answers and
// votes, and whether they have a calendar feed (never its token: that address still works).
//
// Erase, and why:
// - their answers, votes and feed go: they are theirs alone;
// - their drafts go: nobody else ever saw them;
// - their sent meetings that have not begun (a series: with occurrences to come) are cancelled, with the usual cancelling .ics and a
//   notice to every invitee (through the outbox), because nobody is left to run them and an
//   invitee must not turn up, or keep it in their calendar, for a meeting that will not happen;
// - their past and already cancelled meetings stay, under "verwijderd lid": they are the
//   invitees' record too (their answers, their calendar feed), and now name nobody;
// - their polls go (with the votes of others): only the organiser could pick a moment, so an
//   open poll can never be decided any more; a decided one lives on as its meeting.
import type { Translate } from '../i18n.ts';
import { MemberManager } from '../members/members.ts';
import { ERASED_MEMBER_ID, ensureErasedMember } from '../privacy/erased-member.ts';
import type { EraseContext, PartContext, PrivacyPart } from '../privacy/parts.ts';
import { roleOf } from '../privacy/audit-view.ts';
import { MeetingManager, meetingCode, type MeetingView } from './meetings.ts';
import { cancellationFile, cancelledNotice, invitationReply } from './messages.ts';
import { lastStart, type RecurrenceFrequency } from './recurrence.ts';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
const pollCode = (number: number) => `P-${number}`;

async function organised(ctx: PartContext, memberId: string) {
  const rows = await ctx.store.meeting.findMany({ where: { organizerId: memberId }, include: { invitees: true }, orderBy: { startsAt: 'asc' } });
  return rows.map((row) => {
    const answers = (answer: string) => row.invitees.filter((invitee) => invitee.answer === answer && !invitee.waitlistedAt).length;
    return {
      meeting: meetingCode(row.number),
      title: row.title,
      starts: iso(row.startsAt),
      ends: iso(row.endsAt),
      place: row.location,
      status: row.status.toLowerCase(),
      capacity: row.capacity,
      // Who answered what is the invitees' own data: here only how many.
      invitees: row.invitees.length,
      answers: { yes: answers('yes'), maybe: answers('maybe'), no: answers('no'), none: answers('none'), waiting: row.invitees.filter((invitee) => invitee.waitlistedAt).length },
    };
  });
}

async function answers(ctx: PartContext, memberId: string) {
  const rows = await ctx.store.meetingInvitee.findMany({ where: { memberId }, include: { meeting: { include: { organizer: { select: { role: true } } } } }, orderBy: { createdAt: 'asc' } });
  return rows.map((row) => ({
    meeting: meetingCode(row.meeting.number),
    title: row.meeting.title,
    starts: iso(row.meeting.startsAt),
    organiser: roleOf(ctx.t, row.meeting.organizer.role),
    answer: ctx.t(`meetings.answerWord.${row.waitlistedAt ? 'waiting' : row.answer}`),
    answered: iso(row.answeredAt),
    invited: iso(row.createdAt),
  }));
}

async function polls(ctx: PartContext, memberId: string) {
  const rows = await ctx.store.meetingPoll.findMany({ where: { organizerId: memberId }, include: { options: { include: { votes: true }, orderBy: { position: 'asc' } } }, orderBy: { createdAt: 'asc' } });
  return rows.map((row) => ({
    poll: pollCode(row.number),
    title: row.title,
    status: row.status.toLowerCase(),
    invitees: row.inviteeIds.length,
    options: row.options.map((option) => ({ moment: iso(option.startsAt), votes: option.votes.length })),
  }));
}

async function votes(ctx: PartContext, memberId: string) {
  const rows = await ctx.store.meetingPollVote.findMany({ where: { memberId }, include: { option: { include: { poll: true } } }, orderBy: { createdAt: 'asc' } });
  return rows.map((row) => ({ poll: pollCode(row.option.poll.number), title: row.option.poll.title, moment: iso(row.option.startsAt), voted: iso(row.createdAt) }));
}

/** The cancelling notice with one line more: why the meeting is off. */
function erasedNotice(timezone: string, stamp: Date) {
  return (t: Translate, locale: Parameters<typeof cancelledNotice>[1], meeting: MeetingView) => {
    const notice = cancelledNotice(t, locale, meeting, timezone, cancellationFile(meeting, timezone, stamp));
    return { ...notice, text: [notice.text, t('meetings.privacy.cancelledWhy')].join('\n') };
  };
}

async function eraseOrganised(ctx: EraseContext, memberId: string, timezone: string): Promise<number> {
  const now = new Date();
  let count = (await ctx.store.meeting.deleteMany({ where: { organizerId: memberId, status: 'DRAFT' } })).count;
  const rest = await ctx.store.meeting.findMany({ where: { organizerId: memberId }, select: { id: true, status: true, startsAt: true, repeat: true, repeatUntil: true } });
  if (rest.length === 0) return count;
  // First "verwijderd lid" everywhere, so the cancelling notices and files name nobody.
  await ensureErasedMember(ctx.store, ctx.defaultLocale);
  count += (await ctx.store.meeting.updateMany({ where: { organizerId: memberId }, data: { organizerId: ERASED_MEMBER_ID } })).count;
  // Built here, not taken from the services: the part runs in the privacy manager's transaction
  // and needs nothing of the manager but its store and outbox (no invitees are looked up).
  const meetings = new MeetingManager(ctx.store, ctx.outbox, new MemberManager(ctx.store, ctx.outbox, new Set()), ctx.defaultLocale, timezone);
  const stamp = new Date();
  // A series with occurrences still to come counts as upcoming: the whole of it is cancelled.
  const upcoming = rest.filter((row) => row.status === 'SENT' && lastStart({ startsAt: row.startsAt, recurrence: row.repeat && row.repeatUntil ? { frequency: row.repeat as RecurrenceFrequency, until: row.repeatUntil } : undefined }, timezone) > now);
  for (const row of upcoming) {
    await meetings.cancel(row.id, undefined, now, {
      notice: erasedNotice(timezone, stamp),
      invitation: (t, locale, meeting, invitee) => invitationReply(t, locale, meeting, invitee, timezone),
    });
  }
  return count;
}

export function meetingsPrivacyPart(timezone: string): PrivacyPart {
  return {
    area: 'meetings',
    covers: ['Meeting', 'MeetingInvitee', 'MeetingFeed', 'MeetingPoll', 'MeetingPollVote', 'MemberReminderTimes'],
    explain: (t) => t('privacy.areas.meetings.explain'),
    async export(ctx, memberId) {
      const feed = await ctx.store.meetingFeed.findUnique({ where: { memberId }, select: { createdAt: true } });
      const reminders = await ctx.store.memberReminderTimes.findUnique({ where: { memberId }, select: { minutes: true, chosen: true } });
      return {
        organised: await organised(ctx, memberId),
        answers: await answers(ctx, memberId),
        polls: await polls(ctx, memberId),
        votes: await votes(ctx, memberId),
        // The token is a working address: that there is one, not what it is.
        calendarFeed: feed ? { exists: true, since: iso(feed.createdAt) } : null,
        // `/profiel herinneringen`: minutes before the start; null when the defaults apply.
        reminderMinutes: reminders?.chosen ? reminders.minutes : null,
      };
    },
    async erase(ctx, memberId) {
      let count = (await ctx.store.meetingInvitee.deleteMany({ where: { memberId } })).count;
      count += (await ctx.store.meetingPollVote.deleteMany({ where: { memberId } })).count;
      count += (await ctx.store.meetingFeed.deleteMany({ where: { memberId } })).count;
      count += (await ctx.store.memberReminderTimes.deleteMany({ where: { memberId } })).count;
      count += (await ctx.store.meetingPoll.deleteMany({ where: { organizerId: memberId } })).count;
      // Invited to someone else's poll: the invitation list no longer names them.
      const invitedTo = await ctx.store.meetingPoll.findMany({ where: { inviteeIds: { has: memberId } }, select: { id: true, inviteeIds: true } });
      for (const poll of invitedTo) {
        await ctx.store.meetingPoll.update({ where: { id: poll.id }, data: { inviteeIds: poll.inviteeIds.filter((id) => id !== memberId) } });
      }
      return count + invitedTo.length + (await eraseOrganised(ctx, memberId, timezone));
    },
  };
}

