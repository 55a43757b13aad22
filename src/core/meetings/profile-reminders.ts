// `/profiel herinneringen`: a member's own reminder times for meetings, kept here so the
// profile command only declares the sub-command. `2u,15min` (as `herinnering:` is read),
// `geen` (no reminders), `standaard` (back to 24 h and 1 h); without a value it says the
// current ones. A meeting planned with its own `herinnering:` keeps those for everyone.
import type { CommandContext } from '../framework/context.ts';
import { ephemeral, errorReply, type Reply } from '../framework/reply.ts';
import { reminderReply } from './messages.ts';
import { describeReminderTimes, MAX_REMINDERS, parseReminderTimes } from './reminder-times.ts';

const DEFAULT_WORDS = new Set(['standaard', 'default']);

export async function reminderTimesCommand(ctx: CommandContext, typed: string | undefined): Promise<Reply> {
  const meetings = ctx.services.meetings;
  const text = typed?.trim() ?? '';
  if (!text) {
    const own = await meetings.reminderTimes(ctx.actor.id);
    const key = own ? 'meetings.profileReminders.current' : 'meetings.profileReminders.currentDefault';
    return ephemeral({ text: ctx.t(key, { times: describeReminderTimes(ctx.t, own ?? [1440, 60]) }), footer: ctx.t('meetings.profileReminders.how') });
  }
  let minutes: number[] | undefined;
  if (!DEFAULT_WORDS.has(text.toLowerCase())) {
    const read = parseReminderTimes(text);
    if (!read.ok && read.reason === 'unparseable') return errorReply(ctx.t('meetings.profileReminders.unparseable', { part: read.part }));
    if (!read.ok) return errorReply(ctx.t(`meetings.errors.reminders.${read.reason}`, { max: MAX_REMINDERS }));
    minutes = read.minutes;
  }
  const tz = ctx.services.settings.timezone;
  await meetings.setReminderTimes(ctx.actor.id, minutes, ctx.now, (t, locale, meeting, before) => reminderReply(t, locale, meeting, before, tz));
  const times = describeReminderTimes(ctx.t, minutes ?? [1440, 60]);
  const key = !minutes ? 'reset' : minutes.length ? 'set' : 'setNone';
  return ephemeral({ text: ctx.t(`meetings.profileReminders.${key}`, { times }), footer: ctx.t('meetings.profileReminders.precedence') });
}
