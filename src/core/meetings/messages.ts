// What people read about a meeting: the organiser's preview, the invitation DM with its .ics,
// and the list. Neutral replies (framework/reply.ts), in the reader's language; the moment is
// also a date token, which Slack and Discord show in each reader's own time zone.
import { DateTime } from 'luxon';
import type { Locale, Translate } from '../i18n.ts';
import type { OccurrenceException } from './recurrence.ts';
import { ephemeral, type Button, type Field, type Reply } from '../framework/reply.ts';
import { textFile } from '../framework/files.ts';
import { dateToken } from '../mentions-text.ts';
import { formatMeetingDate, formatMeetingSpan } from './format.ts';
import { describeReminderTimes } from './reminder-times.ts';
import { cancellationIcs, chatAddress, invitationIcs, meetingUid, type IcsAnswer, type IcsMeeting } from './ics.ts';
import { countAnswers, reminderMinutesFor, type Answer, type InviteeView, type MeetingView } from './meetings.ts';

/** The host part of UIDs and chat calendar addresses (`.invalid`: never delivered to). */
export const ICS_HOST = 'binnenuit.invalid';

/** "wo 3 mrt 2027, 14:30–15:30", followed by the platform's own date where there is one. */
export function when(meeting: Pick<MeetingView, 'startsAt' | 'endsAt'>, locale: Locale, timezone: string): string {
  return `${formatMeetingSpan(meeting.startsAt, meeting.endsAt, locale, timezone)}${dateToken(meeting.startsAt)}`;
}

/** `reminderMinutes`: the reader's own (an invitee's, see reminderMinutesFor); else the meeting's. */
function details(t: Translate, locale: Locale, meeting: MeetingView, timezone: string, reminderMinutes = meeting.reminderMinutes): Field[] {
  const fields: Field[] = [{ label: t('meetings.fields.when'), value: when(meeting, locale, timezone) }];
  if (meeting.recurrence) fields.push({ label: t('meetings.fields.repeat'), value: repeatLine(t, locale, meeting, timezone) });
  if (meeting.exceptions.length) fields.push({ label: t('meetings.fields.exceptions'), value: exceptionLines(t, locale, meeting, timezone) });
  if (meeting.location) fields.push({ label: t('meetings.fields.where'), value: meeting.location });
  fields.push({ label: t('meetings.fields.organizer'), value: meeting.organizer.name });
  if (meeting.capacity !== undefined) fields.push({ label: t('meetings.fields.capacity'), value: String(meeting.capacity) });
  fields.push({ label: t('meetings.fields.reminders'), value: describeReminderTimes(t, reminderMinutes) });
  return fields;
}

/** "elke week, t/m di 20 apr 2027". */
export function repeatLine(t: Translate, locale: Locale, meeting: Pick<MeetingView, 'recurrence'>, timezone: string): string {
  if (!meeting.recurrence) return '';
  return t(`meetings.repeat.${meeting.recurrence.frequency}`, { until: formatMeetingDate(meeting.recurrence.until, locale, timezone) });
}

/** "niet op do 25 mrt 2027" / "do 1 apr 2027 → vr 2 apr 2027, 10:00–11:00", one line per exception. */
export function exceptionLines(t: Translate, locale: Locale, meeting: Pick<MeetingView, 'exceptions'>, timezone: string): string {
  return meeting.exceptions
    .map((e) => {
      const day = formatMeetingDate(e.originalStart, locale, timezone);
      if (e.cancelled || !e.startsAt || !e.endsAt) return t('meetings.occurrence.notOn', { day });
      return t('meetings.occurrence.movedTo', { day, when: formatMeetingSpan(e.startsAt, e.endsAt, locale, timezone) });
    })
    .join('\n');
}

/** The organiser's check before anything is sent: Versturen / Aanpassen / Annuleren. */
/** `note`: what the organiser should know about the list (people in the channel not invited). */
export function previewReply(t: Translate, locale: Locale, meeting: MeetingView, timezone: string, note?: string): Reply {
  const names = meeting.invitees.map((invitee) => invitee.name);
  const shown = names.length > 10 ? `${names.slice(0, 10).join(', ')} ${t('meetings.andMore', { count: names.length - 10 })}` : names.join(', ');
  const invited = names.length ? t('meetings.preview.invited', { count: names.length, names: shown }) : t('meetings.preview.nobody');
  const buttons: Button[] = [
    { actionId: 'overleg.versturen', label: t('meetings.buttons.send'), value: meeting.id, style: 'primary' },
    { actionId: 'overleg.aanpassen', label: t('meetings.buttons.change'), value: meeting.id },
    { actionId: 'overleg.annuleren', label: t('meetings.buttons.discard'), value: meeting.id, style: 'danger' },
  ];
  return ephemeral({
    title: t('meetings.preview.title', { code: meeting.code, title: meeting.title }),
    text: note ? `${t('meetings.preview.check')}\n\n${note}` : t('meetings.preview.check'),
    sections: [{ fields: [...details(t, locale, meeting, timezone), { label: t('meetings.fields.invitees'), value: invited }] }],
    buttons: names.length ? buttons : buttons.slice(1),
  });
}

const icsAnswer: Record<Answer, IcsAnswer> = { yes: 'yes', no: 'no', maybe: 'maybe', none: 'none' };

/** The invitation's calendar file: every attendee, their answers so far, this meeting's UID. */
export function invitationFile(meeting: MeetingView, timezone: string, stamp: Date) {
  return textFile(`overleg-${meeting.code}.ics`, 'text/calendar', invitationIcs(icsMeeting(meeting), { timezone, stamp }));
}

/** The cancelling file (METHOD:CANCEL, STATUS:CANCELLED), with the same UID and a higher SEQUENCE. */
export function cancellationFile(meeting: MeetingView, timezone: string, stamp: Date) {
  return textFile(`overleg-${meeting.code}-geannuleerd.ics`, 'text/calendar', cancellationIcs(icsMeeting(meeting), { timezone, stamp }));
}

export function icsMeeting(meeting: MeetingView): IcsMeeting {
  const cancelled = meeting.status === 'cancelled';
  const exclude = meeting.exceptions.filter((e) => e.cancelled).map((e) => e.originalStart);
  return {
    exclude,
    uid: meetingUid(meeting.id, ICS_HOST),
    sequence: meeting.sequence,
    title: meeting.title,
    location: meeting.location,
    start: meeting.startsAt,
    end: meeting.endsAt,
    organizer: { name: meeting.organizer.name, email: chatAddress(meeting.organizer.id, ICS_HOST) },
    attendees: meeting.invitees.map((invitee) => ({ name: invitee.name, email: chatAddress(invitee.memberId, ICS_HOST), answer: icsAnswer[invitee.answer] })),
    recurrence: meeting.recurrence,
    cancelled,
  };
}

/**
 * One occurrence of a series as its own VEVENT: the series' UID, RECURRENCE-ID the start it
 * had in the series, the SEQUENCE of its latest change; cancelled, or at its new moment.
 */
export function icsOccurrence(meeting: MeetingView, exception: OccurrenceException): IcsMeeting {
  const length = meeting.endsAt.getTime() - meeting.startsAt.getTime();
  const moved = !exception.cancelled && exception.startsAt && exception.endsAt;
  return {
    ...icsMeeting(meeting),
    recurrence: undefined,
    exclude: undefined,
    sequence: exception.sequence,
    recurrenceId: exception.originalStart,
    start: moved ? exception.startsAt! : exception.originalStart,
    end: moved ? exception.endsAt! : new Date(exception.originalStart.getTime() + length),
    cancelled: meeting.status === 'cancelled' || exception.cancelled,
  };
}

/** What a calendar feed lists for a meeting: the series (EXDATE for cancelled occurrences) and each moved occurrence. */
export function icsEvents(meeting: MeetingView): IcsMeeting[] {
  const moved = meeting.status === 'cancelled' ? [] : meeting.exceptions.filter((e) => !e.cancelled);
  return [icsMeeting(meeting), ...moved.map((e) => icsOccurrence(meeting, e))];
}

/** The file about one changed occurrence: a REQUEST with its new moment, or a CANCEL; both with RECURRENCE-ID. */
export function occurrenceFile(meeting: MeetingView, exception: OccurrenceException, timezone: string, stamp: Date) {
  const day = DateTime.fromJSDate(exception.originalStart).setZone(timezone).toISODate();
  const event = icsOccurrence(meeting, exception);
  return exception.cancelled
    ? textFile(`overleg-${meeting.code}-${day}-geannuleerd.ics`, 'text/calendar', cancellationIcs(event, { timezone, stamp }))
    : textFile(`overleg-${meeting.code}-${day}.ics`, 'text/calendar', invitationIcs(event, { timezone, stamp }));
}

/** The new DM about one occurrence moved or cancelled; the rest of the series stays. */
export function occurrenceNotice(t: Translate, locale: Locale, meeting: MeetingView, exception: OccurrenceException, timezone: string, file: ReturnType<typeof textFile>, reason?: string): Reply {
  const day = formatMeetingDate(exception.originalStart, locale, timezone);
  const moved = !exception.cancelled && exception.startsAt && exception.endsAt;
  return ephemeral({
    title: t(moved ? 'meetings.occurrence.movedTitle' : 'meetings.occurrence.cancelledTitle', { code: meeting.code, title: meeting.title }),
    text: [
      moved ? t('meetings.occurrence.movedText', { day, when: when({ startsAt: exception.startsAt!, endsAt: exception.endsAt! }, locale, timezone) }) : t('meetings.occurrence.cancelledText', { day }),
      reason ? t('meetings.reason', { reason }) : undefined,
      t('meetings.occurrence.restStays'),
    ].filter(Boolean).join('\n'),
    files: [file],
  });
}

/** The answer buttons. */
export function answerButtons(t: Translate, meeting: MeetingView): Button[] {
  return [
    { actionId: 'overleg.ja', label: t('meetings.buttons.yes'), value: meeting.id, style: 'primary' },
    { actionId: 'overleg.nee', label: t('meetings.buttons.no'), value: meeting.id, style: 'danger' },
    { actionId: 'overleg.misschien', label: t('meetings.buttons.maybe'), value: meeting.id },
  ];
}

/** The invitee's own answer, as their DM shows it. */
export function answerLine(t: Translate, invitee: InviteeView): string {
  if (invitee.waitlisted) return t('meetings.answer.waitlisted');
  return t(`meetings.answer.${invitee.answer}`);
}

/**
 * The invitation DM (and, edited, the same message after an answer): the meeting, the answer
 * so far and the buttons to give or change it. `file`: only on the first post.
 */
export function invitationReply(t: Translate, locale: Locale, meeting: MeetingView, invitee: InviteeView, timezone: string, file?: ReturnType<typeof invitationFile>): Reply {
  const cancelled = meeting.status === 'cancelled';
  // A cancelled meeting keeps what it was, says so, and has nothing left to answer.
  const text = cancelled
    ? t('meetings.invitation.cancelled', { reason: meeting.cancelReason ? t('meetings.reason', { reason: meeting.cancelReason }) : '' }).trim()
    : [t('meetings.invitation.text', { organizer: meeting.organizer.name }), meeting.sequence > 0 ? t('meetings.invitation.changed') : undefined].filter(Boolean).join('\n');
  const fields = details(t, locale, meeting, timezone, reminderMinutesFor(meeting, invitee));
  if (!cancelled) fields.push({ label: t('meetings.fields.yourAnswer'), value: answerLine(t, invitee) });
  return ephemeral({
    title: t(cancelled ? 'meetings.invitation.cancelledTitle' : 'meetings.invitation.title', { code: meeting.code, title: meeting.title }),
    text,
    sections: [{ fields }],
    buttons: cancelled ? undefined : answerButtons(t, meeting),
    files: file ? [file] : undefined,
  });
}

/** The new DM about a move: the new moment, whether the answer is asked again, the updated .ics. */
export function movedNotice(t: Translate, locale: Locale, meeting: MeetingView, timezone: string, askAgain: boolean, file: ReturnType<typeof invitationFile>): Reply {
  return ephemeral({
    title: t('meetings.moved.title', { code: meeting.code, title: meeting.title }),
    text: [t('meetings.moved.text', { when: when(meeting, locale, timezone) }), t(askAgain ? 'meetings.moved.askAgain' : 'meetings.moved.answerKept')].join('\n'),
    buttons: askAgain ? answerButtons(t, meeting) : undefined,
    files: [file],
  });
}

/** The new DM about a cancellation, with the cancelling .ics. */
export function cancelledNotice(t: Translate, locale: Locale, meeting: MeetingView, timezone: string, file: ReturnType<typeof cancellationFile>): Reply {
  return ephemeral({
    title: t('meetings.cancelled.title', { code: meeting.code, title: meeting.title }),
    text: [
      t('meetings.cancelled.text', { when: formatMeetingSpan(meeting.startsAt, meeting.endsAt, locale, timezone), organizer: meeting.organizer.name }),
      meeting.cancelReason ? t('meetings.reason', { reason: meeting.cancelReason }) : undefined,
    ].filter(Boolean).join('\n'),
    files: [file],
  });
}

/** `ja 5 · misschien 2 · nee 1 · geen antwoord 3` (and the waiting list when there is one). */
export function countsLine(t: Translate, meeting: MeetingView): string {
  const c = countAnswers(meeting);
  const line = t('meetings.list.counts', { yes: c.yes, maybe: c.maybe, no: c.no, none: c.none });
  return c.waiting ? `${line} · ${t('meetings.list.waiting', { count: c.waiting })}` : line;
}

/** Who answered what, for the organiser. */
export function whoLines(t: Translate, meeting: MeetingView): string {
  const groups: [string, InviteeView[]][] = [
    [t('meetings.list.who.yes'), meeting.invitees.filter((i) => i.answer === 'yes' && !i.waitlisted)],
    [t('meetings.list.who.maybe'), meeting.invitees.filter((i) => i.answer === 'maybe')],
    [t('meetings.list.who.no'), meeting.invitees.filter((i) => i.answer === 'no')],
    [t('meetings.list.who.none'), meeting.invitees.filter((i) => i.answer === 'none')],
    [t('meetings.list.who.waiting'), meeting.invitees.filter((i) => i.waitlisted)],
  ];
  return groups
    .filter(([, people]) => people.length)
    .map(([label, people]) => `${label}: ${people.map((p) => p.name).join(', ')}`)
    .join('\n');
}

/** The reminder DM: the meeting starts in 24 hours (or 1 hour, or what was set). */
export function reminderReply(t: Translate, locale: Locale, meeting: MeetingView, minutesBefore: number, timezone: string): Reply {
  const before = minutesBefore % 60 === 0 ? t('meetings.reminder.hours', { count: minutesBefore / 60 }) : t('meetings.reminder.minutes', { count: minutesBefore });
  return ephemeral({
    title: t('meetings.reminder.title', { code: meeting.code, title: meeting.title }),
    text: t('meetings.reminder.text', { before }),
    sections: [{ fields: details(t, locale, meeting, timezone) }],
  });
}
