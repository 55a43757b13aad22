// /overleg plan wanneer:<tijd> [duur:] [plek:] [genodigden:] [capaciteit:] <titel> — plan a
// meeting: the organiser first sees it back (Dutch dates, and the platform's own date token)
// with Versturen / Aanpassen / Annuleren; a moment that cannot be read, is past, or falls in a
// DST gap or overlap is explained (with examples that work) and nothing is stored.
// Versturen: every invitee gets a DM with Ja / Nee / Misschien and an .ics invitation; an
// answer edits that DM in place. With a capacity, a Ja beyond it goes on the waiting list and
// a Nee gives the place to the first waiting, who is told.
// With herhaal:wekelijks|tweewekelijks|maandelijks tot:<datum> it is a series (RRULE in the
// .ics, reminders per occurrence; src/core/meetings/recurrence.ts); herinnering:"2d,30m" sets
// its reminders (default 24 h and 1 h; `geen`: none).
// /overleg lijst — upcoming meetings with their counts; the organiser sees who said what.
// /overleg verplaats <nummer> wanneer:<tijd>, /overleg annuleer <nummer> [reden] — (organiser,
// coordinators) at once: every invitee gets a new DM with an updated or cancelling .ics (same
// UID, higher SEQUENCE) and their invitation DM is edited; answers stay on a move to another
// hour and are asked again when the day changes.
// With datum:<dag> (a series only) they act on the one occurrence of that day: an .ics with
// RECURRENCE-ID (moved: METHOD:REQUEST; cancelled: METHOD:CANCEL), the rest of the series stays.
// /overleg peiling <titel> opties:"di 14:00; wo 10u" [genodigden:] [duur:] [plek:] — a date
// poll: 1 to 5 moments, each invitee votes with a button per moment (several allowed), the
// organiser's table is edited in place, and the organiser's pick becomes a sent meeting.
// /overleg agenda [nieuw] — my calendar feed's address (a new one with `nieuw`, the old one
// then stops working).
// /overleg afmelden <nummer> — the same as answering Nee.
import { DateTime } from 'luxon';
import { defineCommand, form, subcommand } from '../src/core/framework/declarations.ts';
import { choice, integer, string } from '../src/core/framework/options.ts';
import { ephemeral, errorReply, inChannel, type Button, type Reply, type Section } from '../src/core/framework/reply.ts';
import type { CommandContext } from '../src/core/framework/context.ts';
import { parseWhen, type WhenResult } from '../src/core/meetings/when.ts';
import { meetingEnd, parseDuration } from '../src/core/meetings/duration.ts';
import { describeDurationFailure, describeWhenFailure, formatMoment, formatMomentWithClock } from '../src/core/meetings/format.ts';
import { MAX_INVITEES, type InviteeResult } from '../src/core/meetings/invitees.ts';
import type { ReminderMessage } from '../src/core/meetings/reminders.ts';
import { MAX_POLL_OPTIONS } from '../src/core/meetings/polls.ts';
import { ballotReply, optionLabel, tableReply } from '../src/core/meetings/poll-messages.ts';
import { parseMeetingCode, type Answer, type InviteeMessage, type MeetingView, type OccurrenceChange } from '../src/core/meetings/meetings.ts';
import {
  cancellationFile, cancelledNotice, countsLine, invitationFile, invitationReply, movedNotice, occurrenceFile, occurrenceNotice, previewReply, reminderReply, repeatLine, when, whoLines,
} from '../src/core/meetings/messages.ts';
import { formatMeetingDate } from '../src/core/meetings/format.ts';
import { MAX_REMINDERS, parseReminderTimes } from '../src/core/meetings/reminder-times.ts';
import {
  currentOccurrences, endOfDay, lastStart, MAX_OCCURRENCES, nextOccurrence, occurrenceStarts, REPEAT_WORDS, type Occurrence, type Recurrence,
} from '../src/core/meetings/recurrence.ts';
import { mayAccess } from '../src/core/framework/preconditions.ts';

// The title first: typed on Slack or the console, every word that is no `naam:waarde` is the
// title (a moment of several words needs quotes anyway: wanneer:"dinsdag half drie").
const planOptions = {
  // The rest of the typed line; a form field of its own on Slack and Discord.
  titel: string({ required: true, long: true, maxLength: 200 }),
  wanneer: string({ required: true, maxLength: 120 }),
  duur: string({ maxLength: 40 }),
  plek: string({ maxLength: 200 }),
  genodigden: string({ maxLength: 1000, people: true }),
  capaciteit: integer({ min: 1, max: MAX_INVITEES }),
};

// Typed only (not in the form, which platforms keep to five fields): a series and its end date.
const repeatOptions = {
  herhaal: choice(Object.keys(REPEAT_WORDS) as (keyof typeof REPEAT_WORDS)[]),
  tot: string({ maxLength: 60 }),
  herinnering: string({ maxLength: 80 }),
};

type PlanInput = { wanneer: string; duur?: string; plek?: string; genodigden?: string; capaciteit?: number; titel: string; herhaal?: keyof typeof REPEAT_WORDS; tot?: string; herinnering?: string };

export default defineCommand({
  name: 'overleg',
  subcommands: [
    subcommand({
      name: 'plan',
      shortcut: true,
      access: 'approved',
      options: { ...planOptions, ...repeatOptions },
      run: (ctx, input) => plan(ctx, input),
    }),
    subcommand({
      name: 'lijst',
      access: 'approved',
      options: {},
      run: (ctx) => list(ctx),
    }),
    subcommand({
      name: 'verplaats',
      access: 'approved',
      // datum: one occurrence of a series (the day it has in the series); without it, the whole meeting.
      options: { nummer: string({ required: true, maxLength: 20 }), wanneer: string({ required: true, maxLength: 120 }), datum: string({ maxLength: 60 }) },
      run: (ctx, input) => (input.datum ? moveOccurrence(ctx, input.nummer, input.datum, input.wanneer) : move(ctx, input.nummer, input.wanneer)),
    }),
    subcommand({
      name: 'annuleer',
      access: 'approved',
      options: { nummer: string({ required: true, maxLength: 20 }), reden: string({ long: true, maxLength: 300 }), datum: string({ maxLength: 60 }) },
      run: (ctx, input) => (input.datum ? cancelOccurrence(ctx, input.nummer, input.datum, input.reden) : cancel(ctx, input.nummer, input.reden)),
    }),
    subcommand({
      name: 'peiling',
      access: 'approved',
      options: {
        titel: string({ required: true, long: true, maxLength: 200 }),
        opties: string({ required: true, maxLength: 600 }),
        duur: string({ maxLength: 40 }),
        plek: string({ maxLength: 200 }),
        genodigden: string({ maxLength: 1000, people: true }),
      },
      run: (ctx, input) => startPoll(ctx, input),
    }),
    subcommand({
      name: 'agenda',
      access: 'approved',
      options: { nieuw: choice(['nieuw'] as const) },
      run: (ctx, input) => feed(ctx, input.nieuw === 'nieuw'),
    }),
    subcommand({
      name: 'afmelden',
      access: 'approved',
      options: { nummer: string({ required: true, maxLength: 20 }) },
      run: (ctx, input) => withdrawByNumber(ctx, input.nummer),
    }),
  ],
  buttons: [
    { name: 'versturen', access: 'approved', run: send },
    { name: 'aanpassen', access: 'approved', run: startChange },
    { name: 'annuleren', access: 'approved', run: discard },
    { name: 'tijd', access: 'approved', run: pickTime },
    { name: 'plaatsen', access: 'approved', run: postInChannel },
    { name: 'verplaatstijd', access: 'approved', run: pickMoveTime },
    { name: 'stem', access: 'everyone', run: vote },
    { name: 'kies', access: 'approved', run: choose },
    { name: 'ja', access: 'everyone', run: (ctx, id) => answer(ctx, id, 'yes') },
    { name: 'nee', access: 'everyone', run: (ctx, id) => answer(ctx, id, 'no') },
    { name: 'misschien', access: 'everyone', run: (ctx, id) => answer(ctx, id, 'maybe') },
  ],
  forms: [
    form({
      name: 'aanpassen',
      access: 'approved',
      options: planOptions,
      texts: (t) => ({
        title: t('meetings.form.title'),
        labels: Object.fromEntries(Object.keys(planOptions).map((name) => [name, t(`meetings.form.${name}`)])),
      }),
      run: (ctx, input, state) => plan(ctx, input, state ?? ''),
    }),
  ],
});

function timezone(ctx: CommandContext): string {
  return ctx.services.settings.timezone;
}

/** Plan (or, with `draftId`, change a draft): read everything first; store only when all is right. */
async function plan(ctx: CommandContext, input: PlanInput, draftId?: string): Promise<Reply> {
  const tz = timezone(ctx);
  const moment = parseWhen(input.wanneer, { timezone: tz, now: ctx.now, locale: ctx.locale });
  // A time the clock change skips or repeats is a question, not a refusal: the draft is kept
  // and the organiser picks the moment with a button.
  const asked = clockChangeCandidates(moment);
  if (!moment.ok && !asked) return errorReply(describeWhenFailure(moment, ctx.locale, tz));
  const start = moment.ok ? moment.start : asked![0]!;
  const duration = parseDuration(input.duur);
  const durationProblem = describeDurationFailure(duration, ctx.locale);
  if (durationProblem || !duration.ok) return errorReply(durationProblem ?? '');
  // Aanpassen with the field left empty keeps who was invited (the typed names are not kept).
  const draft = draftId === undefined ? undefined : await ctx.services.meetings.get(draftId);
  if (draftId !== undefined && (!draft || draft.organizer.id !== ctx.actor.id)) return errorReply(ctx.t('meetings.errors.notFound'));
  const invitees =
    draft && !input.genodigden
      ? { ok: true as const, memberIds: draft.invitees.map((invitee) => invitee.memberId), notMembers: 0 }
      : await ctx.services.meetings.invitees.resolve(input.genodigden, ctx.place, ctx.actor.id);
  if (!invitees.ok) return refuseInvitees(ctx, invitees);
  // Aanpassen (the form has no herhaal:) keeps the draft's series.
  const recurrence = input.herhaal || input.tot ? readRecurrence(ctx, input, start) : { ok: true as const, recurrence: draft?.recurrence };
  if (!recurrence.ok) return recurrence.refused;
  const reminders = input.herinnering ? parseReminderTimes(input.herinnering) : { ok: true as const, minutes: undefined };
  if (!reminders.ok) return errorReply(ctx.t(`meetings.errors.reminders.${reminders.reason}`, { part: 'part' in reminders ? reminders.part : '', max: MAX_REMINDERS }));
  const details = {
    recurrence: recurrence.recurrence,
    reminderMinutes: reminders.minutes,
    title: input.titel.replace(/\s+/g, ' ').trim(),
    startsAt: start,
    endsAt: meetingEnd(start, moment.ok ? moment.end : undefined, duration.minutes),
    location: input.plek,
    capacity: input.capaciteit,
    inviteeIds: invitees.memberIds,
  };
  let meeting: MeetingView | undefined;
  if (draft) {
    meeting = await ctx.services.meetings.updateDraft(draft.id, details);
    if (!meeting) return errorReply(ctx.t('meetings.errors.alreadySent', { code: draft.code }));
  } else {
    const channel = ctx.place.channelRef ? { platform: ctx.place.platform, ref: ctx.place.channelRef } : undefined;
    meeting = await ctx.services.meetings.createDraft({ ...details, organizerId: ctx.actor.id, channel });
  }
  if (!moment.ok) return clockQuestion(ctx, meeting, moment, asked!);
  const note = invitees.notMembers ? ctx.t('meetings.channel.notMembers', { count: invitees.notMembers }) : undefined;
  return previewReply(ctx.t, ctx.locale, meeting, tz, note);
}

/** Why `genodigden:` invites nobody yet; nothing is stored. */
function refuseInvitees(ctx: CommandContext, invitees: InviteeResult & { ok: false }): Reply {
  if (invitees.reason === 'too-many') return errorReply(ctx.t('meetings.errors.tooMany', { count: invitees.count, max: MAX_INVITEES }));
  if (invitees.reason === 'channel-unsupported') return errorReply(ctx.t('meetings.errors.channelUnsupported'));
  if (invitees.reason === 'channel-in-dm') return errorReply(ctx.t('meetings.errors.channelInDm'));
  if (invitees.reason === 'channel-members-intent') return errorReply(ctx.t('meetings.errors.channelMembersIntent'));
  return errorReply(ctx.t('meetings.errors.unknownInvitees', { words: invitees.words.join(', ') }));
}

/** `herhaal:` with `tot:` → the series; both are needed, the end on or after the start, at most a year of weeks. */
function readRecurrence(ctx: CommandContext, input: PlanInput, start: Date): { ok: true; recurrence: Recurrence } | { ok: false; refused: Reply } {
  const refuse = (key: string, values: Record<string, unknown> = {}) => ({ ok: false as const, refused: errorReply(ctx.t(`meetings.errors.repeat.${key}`, values)) });
  if (!input.herhaal) return refuse('noFrequency');
  if (!input.tot) return refuse('noEnd');
  const tz = timezone(ctx);
  // A date without a time: read at noon (never in a clock change), then to the end of that day.
  const end = parseWhen(`${input.tot} 12:00`, { timezone: tz, now: ctx.now, locale: ctx.locale });
  if (!end.ok) return refuse('badEnd', { typed: input.tot });
  const recurrence: Recurrence = { frequency: REPEAT_WORDS[input.herhaal], until: endOfDay(end.start, tz) };
  if (recurrence.until < start) return refuse('endBeforeStart');
  const count = occurrenceStarts(start, recurrence, tz).length;
  if (count > MAX_OCCURRENCES) return refuse('tooMany', { max: MAX_OCCURRENCES });
  return { ok: true, recurrence };
}

/** The moments a typed time around a clock change can mean (undefined: not such a case). */
function clockChangeCandidates(moment: WhenResult): Date[] | undefined {
  if (moment.ok) return undefined;
  if (moment.reason === 'ambiguous-time') return [...moment.candidates];
  if (moment.reason === 'nonexistent-time') return [moment.suggestion];
  return undefined;
}

/** "Dat tijdstip komt twee keer voor …": one button per moment it can mean, and Annuleren. */
function clockQuestion(ctx: CommandContext, meeting: MeetingView, failure: WhenResult & { ok: false }, candidates: Date[]): Reply {
  const tz = timezone(ctx);
  const label = (date: Date) => (candidates.length > 1 ? formatMomentWithClock(date, ctx.locale, tz) : formatMoment(date, ctx.locale, tz));
  return ephemeral({
    text: describeWhenFailure(failure, ctx.locale, tz),
    buttons: [
      ...candidates.map((date) => ({ actionId: 'overleg.tijd', label: label(date), value: `${meeting.id}_${Math.floor(date.getTime() / 1000)}` })),
      { actionId: 'overleg.annuleren', label: ctx.t('meetings.buttons.discard'), value: meeting.id, style: 'danger' as const },
    ],
  });
}

/** A moment picked after the clock-change question: the draft starts then (same duration). */
async function pickTime(ctx: CommandContext, value: string | undefined): Promise<Reply> {
  const [id, seconds] = (value ?? '').split('_');
  const found = await ownDraft(ctx, id);
  if ('refused' in found) return found.refused;
  const start = new Date(Number(seconds) * 1000);
  // Only the moments the question offered: within two hours of the one the draft holds.
  if (!Number.isFinite(start.getTime()) || Math.abs(start.getTime() - found.meeting.startsAt.getTime()) > 2 * 3_600_000) {
    return errorReply(ctx.t('meetings.errors.notFound'));
  }
  const meeting = await ctx.services.meetings.setDraftStart(found.meeting.id, start);
  if (!meeting) return errorReply(ctx.t('meetings.errors.alreadySent', { code: found.meeting.code }));
  return previewReply(ctx.t, ctx.locale, meeting, timezone(ctx));
}

/** A draft of this organiser, or why a press on its preview does nothing. */
async function ownDraft(ctx: CommandContext, id: string | undefined): Promise<{ meeting: MeetingView } | { refused: Reply }> {
  const meeting = await ctx.services.meetings.get(id ?? '');
  if (!meeting || meeting.organizer.id !== ctx.actor.id) return { refused: errorReply(ctx.t('meetings.errors.notFound')) };
  if (meeting.status !== 'draft') return { refused: errorReply(ctx.t('meetings.errors.alreadySent', { code: meeting.code })) };
  return { meeting };
}

function reminder(tz: string): ReminderMessage {
  return (t, locale, meeting, minutes) => reminderReply(t, locale, meeting, minutes, tz);
}

/** The invitation DM for one invitee; the .ics goes with the first post only. */
function invitation(tz: string, withFile: boolean): InviteeMessage {
  const stamp = new Date();
  return (t, locale, meeting, invitee) => invitationReply(t, locale, meeting, invitee, tz, withFile ? invitationFile(meeting, tz, stamp) : undefined);
}

async function send(ctx: CommandContext, id: string | undefined): Promise<Reply> {
  const found = await ownDraft(ctx, id);
  if ('refused' in found) return found.refused;
  if (found.meeting.startsAt <= ctx.now) return errorReply(ctx.t('meetings.errors.pastNow'));
  const tz = timezone(ctx);
  const meeting = await ctx.services.meetings.send(found.meeting.id, ctx.now, invitation(tz, true), reminder(tz));
  if (!meeting) return errorReply(ctx.t('meetings.errors.alreadySent', { code: found.meeting.code }));
  return ephemeral({ text: ctx.t('meetings.sent', { code: meeting.code, title: meeting.title, count: meeting.invitees.length }) });
}

async function startChange(ctx: CommandContext, id: string | undefined): Promise<Reply> {
  const found = await ownDraft(ctx, id);
  if ('refused' in found) return found.refused;
  const { meeting } = found;
  const minutes = Math.round((meeting.endsAt.getTime() - meeting.startsAt.getTime()) / 60_000);
  // A form parseWhen reads back exactly: 3-3-2027 14:30, in the configured zone.
  const start = DateTime.fromJSDate(meeting.startsAt).setZone(timezone(ctx)).toFormat('d-M-yyyy HH:mm');
  const values: Record<string, string> = { wanneer: start, duur: String(minutes), titel: meeting.title };
  if (meeting.location) values.plek = meeting.location;
  if (meeting.capacity !== undefined) values.capaciteit = String(meeting.capacity);
  return ephemeral({ form: { formId: 'overleg.aanpassen', state: meeting.id, values } });
}

async function discard(ctx: CommandContext, id: string | undefined): Promise<Reply> {
  const found = await ownDraft(ctx, id);
  if ('refused' in found) return found.refused;
  await ctx.services.meetings.discardDraft(found.meeting.id);
  return ephemeral({ text: ctx.t('meetings.discarded', { code: found.meeting.code }) });
}

async function answer(ctx: CommandContext, id: string | undefined, given: Exclude<Answer, 'none'>): Promise<Reply> {
  const tz = timezone(ctx);
  const promotedNotice: InviteeMessage = (t, locale, meeting) =>
    ephemeral({ text: t('meetings.promoted', { code: meeting.code, title: meeting.title, when: when(meeting, locale, tz) }) });
  const result = await ctx.services.meetings.answer(id ?? '', ctx.actor.id, given, ctx.now, invitation(tz, false), promotedNotice);
  switch (result.kind) {
    case 'missing':
    case 'not-invited':
      return errorReply(ctx.t('meetings.errors.notInvited'));
    case 'cancelled':
      return errorReply(ctx.t('meetings.errors.cancelled'));
    case 'past':
      return errorReply(ctx.t('meetings.errors.past'));
    case 'answered': {
      const key = result.invitee.waitlisted ? 'waitlisted' : given;
      return ephemeral({ text: ctx.t(`meetings.answered.${key}`, { code: result.meeting.code, title: result.meeting.title }) });
    }
  }
}

async function withdrawByNumber(ctx: CommandContext, typed: string): Promise<Reply> {
  const number = parseMeetingCode(typed);
  const meeting = number === undefined ? undefined : await ctx.services.meetings.byNumber(number);
  if (!meeting || meeting.status === 'draft') return errorReply(ctx.t('meetings.errors.noSuchNumber', { number: typed }));
  return answer(ctx, meeting.id, 'no');
}

async function list(ctx: CommandContext): Promise<Reply> {
  const channel = ctx.place.channelRef ? { platform: ctx.place.platform, ref: ctx.place.channelRef } : undefined;
  const tz = timezone(ctx);
  // A series shows its next occurrence, and sorts by it.
  const meetings = (await ctx.services.meetings.upcoming(ctx.actor.id, ctx.now, channel))
    .map((meeting) => ({ meeting, next: nextOccurrence(meeting, ctx.now, tz) }))
    .filter((item) => item.next !== undefined)
    .sort((a, b) => a.next!.startsAt.getTime() - b.next!.startsAt.getTime());
  if (meetings.length === 0) return ephemeral({ text: ctx.t('meetings.list.none') });
  const sections: Section[] = meetings.map(({ meeting, next }) => {
    const lines = publicLines(ctx, meeting, next!);
    if (meeting.organizer.id === ctx.actor.id) lines.push(whoLines(ctx.t, meeting));
    const mine = meeting.invitees.find((invitee) => invitee.memberId === ctx.actor.id);
    if (mine) lines.push(ctx.t('meetings.list.yours', { answer: ctx.t(`meetings.answerWord.${mine.waitlisted ? 'waiting' : mine.answer}`) }));
    return { title: `${meeting.code} · ${meeting.title}`, text: lines.filter(Boolean).join('\n') };
  });
  // In a channel, the organiser may post their meetings' counts there (In kanaal plaatsen).
  const own = ctx.place.channelRef ? meetings.filter(({ meeting }) => meeting.organizer.id === ctx.actor.id) : [];
  const buttons: Button[] = own.map(({ meeting }) => ({
    actionId: 'overleg.plaatsen',
    label: own.length === 1 ? ctx.t('meetings.buttons.postInChannel') : ctx.t('meetings.buttons.postInChannelCode', { code: meeting.code }),
    value: meeting.id,
  }));
  return ephemeral({ title: ctx.t('meetings.list.title', { count: meetings.length }), sections, buttons: buttons.length ? buttons : undefined });
}

/** What anyone in the channel may read about a meeting: when, the series, where, the counts (never who said what). */
function publicLines(ctx: CommandContext, meeting: MeetingView, next: { startsAt: Date; endsAt: Date }): (string | undefined)[] {
  const tz = timezone(ctx);
  return [when(next, ctx.locale, tz), meeting.recurrence ? repeatLine(ctx.t, ctx.locale, meeting, tz) : undefined, meeting.location, countsLine(ctx.t, meeting)];
}

/** In kanaal plaatsen: only the organiser; a bot message in the channel with the counts as they are now. */
async function postInChannel(ctx: CommandContext, id: string | undefined): Promise<Reply> {
  const meeting = await ctx.services.meetings.get(id ?? '');
  if (!meeting || meeting.status === 'draft' || meeting.organizer.id !== ctx.actor.id) return errorReply(ctx.t('meetings.errors.postOnlyOrganizer'));
  if (meeting.status === 'cancelled') return errorReply(ctx.t('meetings.errors.alreadyCancelled', { code: meeting.code }));
  const next = nextOccurrence(meeting, ctx.now, timezone(ctx));
  if (!next) return errorReply(ctx.t('meetings.errors.begun', { code: meeting.code }));
  return inChannel({
    title: `${meeting.code} · ${meeting.title}`,
    text: publicLines(ctx, meeting, next).filter(Boolean).join('\n'),
    footer: ctx.t('meetings.list.postedBy', { name: meeting.organizer.name }),
  });
}

/** A sent meeting by its typed number that this person may change (organiser, coordinators, admins). */
async function mine(ctx: CommandContext, typed: string): Promise<{ meeting: MeetingView } | { refused: Reply }> {
  const number = parseMeetingCode(typed);
  const meeting = number === undefined ? undefined : await ctx.services.meetings.byNumber(number);
  if (!meeting || meeting.status === 'draft') return { refused: errorReply(ctx.t('meetings.errors.noSuchNumber', { number: typed })) };
  if (meeting.organizer.id !== ctx.actor.id && !mayAccess(ctx.actor, 'coordinator')) {
    return { refused: errorReply(ctx.t('meetings.errors.notYours', { code: meeting.code })) };
  }
  if (meeting.status === 'cancelled') return { refused: errorReply(ctx.t('meetings.errors.alreadyCancelled', { code: meeting.code })) };
  if (lastStart(meeting, timezone(ctx)) <= ctx.now) return { refused: errorReply(ctx.t('meetings.errors.begun', { code: meeting.code })) };
  return { meeting };
}

function day(date: Date, tz: string): string {
  return DateTime.fromJSDate(date).setZone(tz).toISODate() ?? '';
}

/** /overleg verplaats: at once; every invitee gets the new moment and an updated .ics. */
async function move(ctx: CommandContext, typed: string, wanneer: string): Promise<Reply> {
  const found = await mine(ctx, typed);
  if ('refused' in found) return found.refused;
  const tz = timezone(ctx);
  const moment = parseWhen(wanneer, { timezone: tz, now: ctx.now, locale: ctx.locale });
  const asked = clockChangeCandidates(moment);
  if (!moment.ok && asked) return moveQuestion(ctx, found.meeting, moment, asked);
  if (!moment.ok) return errorReply(describeWhenFailure(moment, ctx.locale, tz));
  return applyMove(ctx, found.meeting, moment.start, moment.end);
}

/** The whole meeting to `start` (its length kept unless `end` is given). */
async function applyMove(ctx: CommandContext, old: MeetingView, start: Date, end: Date | undefined): Promise<Reply> {
  const tz = timezone(ctx);
  const moment = { start, end };
  const endsAt = meetingEnd(moment.start, moment.end, Math.round((old.endsAt.getTime() - old.startsAt.getTime()) / 60_000));
  // Another day may not suit those who said Ja: they are asked again. Another hour keeps answers.
  const askAgain = day(moment.start, tz) !== day(old.startsAt, tz);
  const stamp = new Date();
  const result = await ctx.services.meetings.reschedule(old.id, moment.start, endsAt, askAgain, ctx.now, {
    notice: (t, locale, meeting) => movedNotice(t, locale, meeting, tz, askAgain, invitationFile(meeting, tz, stamp)),
    invitation: invitation(tz, false),
    reminder: reminder(tz),
  });
  if (result.kind !== 'changed') return errorReply(ctx.t('meetings.errors.begun', { code: old.code }));
  const { meeting } = result;
  return ephemeral({ text: ctx.t('meetings.movedDone', { code: meeting.code, when: when(meeting, ctx.locale, tz), count: meeting.invitees.length }) });
}

/** /overleg annuleer: at once; every invitee gets a cancelling .ics; the invitations lose their buttons. */
async function cancel(ctx: CommandContext, typed: string, reason: string | undefined): Promise<Reply> {
  // Typed between the number and the reason, datum: is read as part of the reason; cancelling
  // the whole series then would be the worst reading, so it is refused with the right order.
  if (/(^|\s)datum:/i.test(reason ?? '')) return errorReply(ctx.t('meetings.errors.occurrence.datumInReason', { number: typed }));
  const found = await mine(ctx, typed);
  if ('refused' in found) return found.refused;
  const tz = timezone(ctx);
  const stamp = new Date();
  const result = await ctx.services.meetings.cancel(found.meeting.id, reason?.replace(/\s+/g, ' ').trim(), ctx.now, {
    notice: (t, locale, meeting) => cancelledNotice(t, locale, meeting, tz, cancellationFile(meeting, tz, stamp)),
    invitation: invitation(tz, false),
  });
  if (result.kind !== 'changed') return errorReply(ctx.t('meetings.errors.begun', { code: found.meeting.code }));
  return ephemeral({ text: ctx.t('meetings.cancelledDone', { code: found.meeting.code, count: result.meeting.invitees.length }) });
}

/**
 * The occurrence of a series on the typed day (`datum:`): the one that has that day in the
 * series, or (moved) now falls on it. Refused when it is no series, the day cannot be read,
 * has no occurrence, or the occurrence has begun.
 */
function occurrenceOn(ctx: CommandContext, meeting: MeetingView, typed: string): { occurrence: Occurrence } | { refused: Reply } {
  const refuse = (key: string, values: Record<string, unknown> = {}) => ({ refused: errorReply(ctx.t(`meetings.errors.occurrence.${key}`, { code: meeting.code, typed, ...values })) });
  if (!meeting.recurrence) return refuse('notSeries');
  const tz = timezone(ctx);
  // A date without a time: read at noon (never in a clock change), as tot: is.
  const read = parseWhen(`${typed} 12:00`, { timezone: tz, now: ctx.now, locale: ctx.locale });
  if (!read.ok) return refuse('badDay');
  const wanted = day(read.start, tz);
  const all = currentOccurrences(meeting, tz);
  const occurrence = all.find((o) => day(o.originalStart, tz) === wanted) ?? all.find((o) => day(o.startsAt, tz) === wanted);
  if (!occurrence) {
    const upcoming = all.filter((o) => o.startsAt > ctx.now).slice(0, 3).map((o) => formatMeetingDate(o.startsAt, ctx.locale, tz));
    return refuse('noneThatDay', { day: formatMeetingDate(read.start, ctx.locale, tz), next: upcoming.join(', ') || '–' });
  }
  if (occurrence.startsAt <= ctx.now) return refuse('begun', { day: formatMeetingDate(occurrence.startsAt, ctx.locale, tz) });
  return { occurrence };
}

/** Moves or cancels one occurrence; every invitee gets the .ics with RECURRENCE-ID. */
async function changeOccurrence(ctx: CommandContext, meeting: MeetingView, occurrence: Occurrence, change: OccurrenceChange, reason?: string): Promise<Reply> {
  const tz = timezone(ctx);
  const stamp = new Date();
  const exceptionOf = (m: MeetingView) => m.exceptions.find((e) => e.originalStart.getTime() === occurrence.originalStart.getTime())!;
  const result = await ctx.services.meetings.changeOccurrence(meeting.id, occurrence.originalStart, change, ctx.now, {
    notice: (t, locale, m) => occurrenceNotice(t, locale, m, exceptionOf(m), tz, occurrenceFile(m, exceptionOf(m), tz, stamp), reason),
    invitation: invitation(tz, false),
    reminder: reminder(tz),
  });
  if (result.kind !== 'changed') return errorReply(ctx.t('meetings.errors.begun', { code: meeting.code }));
  const values = { code: meeting.code, day: formatMeetingDate(occurrence.originalStart, ctx.locale, tz), count: result.meeting.invitees.length };
  if (!change) return ephemeral({ text: ctx.t('meetings.occurrence.cancelledDone', values) });
  return ephemeral({ text: ctx.t('meetings.occurrence.movedDone', { ...values, when: when(change, ctx.locale, tz) }) });
}

/** /overleg verplaats O-12 datum:<dag> wanneer:<tijd>: that one occurrence, with its own length. */
async function moveOccurrence(ctx: CommandContext, typed: string, datum: string, wanneer: string): Promise<Reply> {
  const found = await mine(ctx, typed);
  if ('refused' in found) return found.refused;
  const picked = occurrenceOn(ctx, found.meeting, datum);
  if ('refused' in picked) return picked.refused;
  const tz = timezone(ctx);
  const moment = parseWhen(wanneer, { timezone: tz, now: ctx.now, locale: ctx.locale });
  const asked = clockChangeCandidates(moment);
  if (!moment.ok && asked) return moveQuestion(ctx, found.meeting, moment, asked, picked.occurrence);
  if (!moment.ok) return errorReply(describeWhenFailure(moment, ctx.locale, tz));
  const { occurrence } = picked;
  const endsAt = meetingEnd(moment.start, moment.end, Math.round((occurrence.endsAt.getTime() - occurrence.startsAt.getTime()) / 60_000));
  return changeOccurrence(ctx, found.meeting, occurrence, { startsAt: moment.start, endsAt });
}

/**
 * verplaats onto a time the clock change skips or repeats: a button per moment it can mean, as
 * plan asks. The value names the meeting, the moment and (one occurrence) its series start.
 */
function moveQuestion(ctx: CommandContext, meeting: MeetingView, failure: WhenResult & { ok: false }, candidates: Date[], occurrence?: Occurrence): Reply {
  const tz = timezone(ctx);
  const label = (date: Date) => (candidates.length > 1 ? formatMomentWithClock(date, ctx.locale, tz) : formatMoment(date, ctx.locale, tz));
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  const series = occurrence ? `_${seconds(occurrence.originalStart)}` : '';
  return ephemeral({
    text: describeWhenFailure(failure, ctx.locale, tz),
    buttons: candidates.map((date) => ({ actionId: 'overleg.verplaatstijd', label: label(date), value: `${meeting.id}_${seconds(date)}${series}` })),
  });
}

/**
 * A moment picked after that question: the move is made then. Checked again as verplaats is
 * (organiser or coordinator, not begun); the moment itself needs no check beyond being ahead,
 * since whoever may press could type any moment.
 */
async function pickMoveTime(ctx: CommandContext, value: string | undefined): Promise<Reply> {
  const [id, seconds, series] = (value ?? '').split('_');
  const meeting = await ctx.services.meetings.get(id ?? '');
  if (!meeting) return errorReply(ctx.t('meetings.errors.notFound'));
  const found = await mine(ctx, meeting.code);
  if ('refused' in found) return found.refused;
  const start = new Date(Number(seconds) * 1000);
  if (!Number.isFinite(start.getTime())) return errorReply(ctx.t('meetings.errors.notFound'));
  if (start <= ctx.now) return errorReply(ctx.t('meetings.errors.pastNow'));
  if (series === undefined) return applyMove(ctx, found.meeting, start, undefined);
  const originalStart = new Date(Number(series) * 1000);
  const occurrence = currentOccurrences(found.meeting, timezone(ctx)).find((o) => o.originalStart.getTime() === originalStart.getTime());
  if (!occurrence || occurrence.startsAt <= ctx.now) return errorReply(ctx.t('meetings.errors.begun', { code: found.meeting.code }));
  const length = occurrence.endsAt.getTime() - occurrence.startsAt.getTime();
  return changeOccurrence(ctx, found.meeting, occurrence, { startsAt: start, endsAt: new Date(start.getTime() + length) });
}

/** /overleg annuleer O-12 datum:<dag> [reden]: that one occurrence; the rest of the series stays. */
async function cancelOccurrence(ctx: CommandContext, typed: string, datum: string, reason: string | undefined): Promise<Reply> {
  const found = await mine(ctx, typed);
  if ('refused' in found) return found.refused;
  const picked = occurrenceOn(ctx, found.meeting, datum);
  if ('refused' in picked) return picked.refused;
  return changeOccurrence(ctx, found.meeting, picked.occurrence, undefined, reason?.replace(/\s+/g, ' ').trim() || undefined);
}

/** The member's feed address; `renew`: a new one, the old address answers 404 from now on. */
async function feed(ctx: CommandContext, renew: boolean): Promise<Reply> {
  const feeds = ctx.services.meetings.feeds;
  const token = renew ? await feeds.renew(ctx.actor.id) : await feeds.token(ctx.actor.id);
  const base = (ctx.services.settings.feedBaseUrl ?? 'http://0.0.0.0:3000').replace(/\/+$/, '');
  const url = `${base}/agenda/${token}.ics`;
  return ephemeral({ text: ctx.t(renew ? 'meetings.feed.renewed' : 'meetings.feed.address', { url }), footer: ctx.t('meetings.feed.private') });
}

type PollInput = { titel: string; opties: string; duur?: string; plek?: string; genodigden?: string };

/** Every moment must be readable and ahead; 1 to 5 of them. Nothing is stored otherwise. */
async function startPoll(ctx: CommandContext, input: PollInput): Promise<Reply> {
  const tz = timezone(ctx);
  const typed = input.opties.split(/[;\n]/).map((option) => option.trim()).filter(Boolean);
  if (typed.length < 1 || typed.length > MAX_POLL_OPTIONS) return errorReply(ctx.t('meetings.poll.optionCount', { count: typed.length, max: MAX_POLL_OPTIONS }));
  const starts: Date[] = [];
  for (const [index, text] of typed.entries()) {
    const moment = parseWhen(text, { timezone: tz, now: ctx.now, locale: ctx.locale });
    if (!moment.ok) return errorReply(ctx.t('meetings.poll.badOption', { n: index + 1, text, problem: describeWhenFailure(moment, ctx.locale, tz) }));
    starts.push(moment.start);
  }
  const duration = parseDuration(input.duur);
  if (!duration.ok) return errorReply(describeDurationFailure(duration, ctx.locale) ?? '');
  const invitees = await ctx.services.meetings.invitees.resolve(input.genodigden, ctx.place, ctx.actor.id);
  if (!invitees.ok) return refuseInvitees(ctx, invitees);
  if (invitees.memberIds.length === 0) return errorReply(ctx.t('meetings.poll.nobody'));
  const channel = ctx.place.channelRef ? { platform: ctx.place.platform, ref: ctx.place.channelRef } : undefined;
  const poll = await ctx.services.meetings.polls.create(
    { organizerId: ctx.actor.id, title: input.titel.replace(/\s+/g, ' ').trim(), starts, durationMinutes: duration.minutes, location: input.plek, inviteeIds: invitees.memberIds, channel },
    (t, locale, p) => ballotReply(t, locale, p, tz),
    (t, locale, p) => tableReply(t, locale, p, tz),
  );
  return ephemeral({ text: ctx.t('meetings.poll.started', { code: poll.code, title: poll.title, count: poll.inviteeIds.length }) });
}

async function vote(ctx: CommandContext, optionId: string | undefined): Promise<Reply> {
  const tz = timezone(ctx);
  const found = await ctx.services.meetings.polls.byOption(optionId ?? '');
  const organizerLocale = found ? (await ctx.services.members.get(found.poll.organizer.id)).locale ?? ctx.services.settings.defaultLocale : ctx.locale;
  const result = await ctx.services.meetings.polls.toggleVote(optionId ?? '', ctx.actor.id, ctx.now, (t, locale, p) => tableReply(t, locale, p, tz), organizerLocale);
  if (result.kind !== 'voted') return errorReply(ctx.t(result.kind === 'closed' ? 'meetings.poll.closedForVotes' : 'meetings.poll.notInvited'));
  const mine = result.mine.map((option) => optionLabel(option, ctx.locale, tz));
  return ephemeral({ text: mine.length ? ctx.t('meetings.poll.yourVotes', { moments: mine.join('; ') }) : ctx.t('meetings.poll.noVotes') });
}

/** The organiser picks a moment: the poll closes and a meeting is sent to its invitees. */
async function choose(ctx: CommandContext, optionId: string | undefined): Promise<Reply> {
  const tz = timezone(ctx);
  const found = await ctx.services.meetings.polls.byOption(optionId ?? '');
  if (!found || found.poll.organizer.id !== ctx.actor.id) return errorReply(ctx.t('meetings.errors.notFound'));
  const { poll, option } = found;
  if (poll.status !== 'open') return errorReply(ctx.t('meetings.poll.alreadyChosen', { code: poll.code }));
  if (option.startsAt <= ctx.now) return errorReply(ctx.t('meetings.errors.pastNow'));
  const draft = await ctx.services.meetings.createDraft({
    organizerId: poll.organizer.id,
    title: poll.title,
    startsAt: option.startsAt,
    endsAt: new Date(option.startsAt.getTime() + poll.durationMinutes * 60_000),
    location: poll.location,
    inviteeIds: poll.inviteeIds,
    channel: poll.channel,
  });
  // Closed only once: of two presses at the same moment the second changes nothing.
  if (!(await ctx.services.meetings.polls.close(poll.id, draft.id))) {
    await ctx.services.meetings.discardDraft(draft.id);
    return errorReply(ctx.t('meetings.poll.alreadyChosen', { code: poll.code }));
  }
  const meeting = (await ctx.services.meetings.send(draft.id, ctx.now, invitation(tz, true), reminder(tz)))!;
  const closed = (await ctx.services.meetings.polls.get(poll.id))!;
  await ctx.services.meetings.polls.editTable(closed, 'chosen', (t, locale, p) => tableReply(t, locale, p, tz), ctx.locale);
  return ephemeral({ text: ctx.t('meetings.poll.chosen', { code: meeting.code, when: when(meeting, ctx.locale, tz), count: meeting.invitees.length }) });
}
