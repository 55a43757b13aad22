// What people read about a date poll: the invitee's ballot (a button per moment) and the
// organiser's live table (votes per moment, and a button to pick each).
import type { Locale, Translate } from '../i18n.ts';
import { ephemeral, type Reply } from '../framework/reply.ts';
import { formatMoment } from './format.ts';
import type { PollOptionView, PollView } from './polls.ts';

/** "di 9 mrt 2027, 14:00" */
export function optionLabel(option: PollOptionView, locale: Locale, timezone: string): string {
  return formatMoment(option.startsAt, locale, timezone);
}

export function ballotReply(t: Translate, locale: Locale, poll: PollView, timezone: string): Reply {
  return ephemeral({
    title: t('meetings.poll.ballotTitle', { code: poll.code, title: poll.title }),
    text: t('meetings.poll.ballotText', { organizer: poll.organizer.name }),
    buttons: poll.options.map((option) => ({ actionId: 'overleg.stem', label: optionLabel(option, locale, timezone), value: option.id })),
  });
}

/** The organiser's table: each moment with its votes; buttons to pick one while the poll is open. */
export function tableReply(t: Translate, locale: Locale, poll: PollView, timezone: string): Reply {
  const lines = poll.options.map((option) => {
    const names = option.voters.map((voter) => voter.name).join(', ');
    return t('meetings.poll.tableLine', { moment: optionLabel(option, locale, timezone), count: option.voters.length, names: names || '–' });
  });
  const open = poll.status === 'open';
  return ephemeral({
    title: t('meetings.poll.tableTitle', { code: poll.code, title: poll.title }),
    text: [...lines, open ? t('meetings.poll.pickHint') : t('meetings.poll.closed')].join('\n'),
    buttons: open
      ? poll.options.map((option) => ({ actionId: 'overleg.kies', label: t('meetings.poll.pick', { moment: optionLabel(option, locale, timezone) }), value: option.id }))
      : undefined,
  });
}
