// What people read about a meeting: the organiser's preview, the invitation DM with its .ics,
// and the list. Neutral replies (framework/reply.ts), in the reader's language; the moment is
// also a date token, which Slack and Discord show in each reader's own time zone.
import type { Locale, Translate } from '../i18n.ts';
import { ephemeral, type Button, type Field, type Reply } from '../framework/reply.ts';
import { textFile } from '../framework/files.ts';
import { dateToken } from '../mentions-text.ts';
import { formatMeetingSpan } from './format.ts';
import { chatAddress, invitationIcs, meetingUid, type IcsAnswer } from './ics.ts';
import { countAnswers, type Answer, type InviteeView, type MeetingView } from './meetings.ts';

/** The host part of UIDs and chat calendar addresses (`.invalid`: never delivered to). */
export const ICS_HOST = 'binnenuit.invalid';

/** "wo 3 mrt 2027, 14:30–15:30", followed by the platform's own date where there is one. */
export function when(meeting: Pick<MeetingView, 'startsAt' | 'endsAt'>, locale: Locale, timezone: string): string {
  return `${formatMeetingSpan(meeting.startsAt, meeting.endsAt, locale, timezone)}${dateToken(meeting.startsAt)}`;
}

function details(t: Translate, locale: Locale, meeting: MeetingView, timezone: string): Field[] {
  const fields: Field[] = [{ label: t('meetings.fields.when'), value: when(meeting, locale, timezone) }];
  if (meeting.location) fields.push({ label: t('meetings.fields.where'), value: meeting.location });
  fields.push({ label: t('meetings.fields.organizer'), value: meeting.organizer.name });
  if (meeting.capacity !== undefined) fields.push({ label: t('meetings.fields.capacity'), value: String(meeting.capacity) });
  return fields;
}

/** The organiser's check before anything is sent: Versturen / Aanpassen / Annuleren. */
export function previewReply(t: Translate, locale: Locale, meeting: MeetingView, timezone: string): Reply {
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
    text: t('meetings.preview.check'),
    sections: [{ fields: [...details(t, locale, meeting, timezone), { label: t('meetings.fields.invitees'), value: invited }] }],
    buttons: names.length ? buttons : buttons.slice(1),
  });
}

const icsAnswer: Record<Answer, IcsAnswer> = { yes: 'yes', no: 'no', maybe: 'maybe', none: 'none' };

/** The invitation's calendar file: every attendee, their answers so far, this meeting's UID. */
export function invitationFile(meeting: MeetingView, timezone: string, stamp: Date) {
  const ics = invitationIcs(
    {
      uid: meetingUid(meeting.id, ICS_HOST),
      sequence: meeting.sequence,
      title: meeting.title,
      location: meeting.location,
      start: meeting.startsAt,
      end: meeting.endsAt,
      organizer: { name: meeting.organizer.name, email: chatAddress(meeting.organizer.id, ICS_HOST) },
      attendees: meeting.invitees.map((invitee) => ({ name: invitee.name, email: chatAddress(invitee.memberId, ICS_HOST), answer: icsAnswer[invitee.answer] })),
    },
    { timezone, stamp },
  );
  return textFile(`overleg-${meeting.code}.ics`, 'text/calendar', ics);
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
  return ephemeral({
    title: t('meetings.invitation.title', { code: meeting.code, title: meeting.title }),
    text: t('meetings.invitation.text', { organizer: meeting.organizer.name }),
    sections: [{ fields: [...details(t, locale, meeting, timezone), { label: t('meetings.fields.yourAnswer'), value: answerLine(t, invitee) }] }],
    buttons: answerButtons(t, meeting),
    files: file ? [file] : undefined,
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
