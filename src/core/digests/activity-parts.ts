// The digest's meetings (`overleg`) and advice (`advies`) parts. Meetings: those of the next 14
// days with their answers counted as /overleg lijst writes them. Advice: numbers only, and only
// when there are enough of them that nobody can be recognised in them (see MIN_REQUESTS).
import type { WorkingCalendar } from '../calendar/working-time.ts';
import { adviceActivity } from '../advice/digest-part.ts';
import { channelMeetingsStarting } from '../meetings/digest-part.ts';
import { countsLine, when } from '../meetings/messages.ts';
import type { Locale } from '../i18n.ts';
import type { Store } from '../store.ts';
import type { DigestPart } from './parts.ts';

/** How far ahead the meetings part looks. */
export const MEETINGS_AHEAD_DAYS = 14;

/**
 * Fewer requests than this in a period and the advice part is left out altogether: with one or
 * two, "1 nieuwe vraag, eerste reactie na 3,5 werkuur" in a channel lets people who know who
 * was asking that week (or who asked them) tie the numbers to a person. Left out rather than
 * "te weinig om te tonen", because even that line tells that someone asked.
 */
export const MIN_REQUESTS = 3;

export function meetingsPart(store: Store, timezone: string): DigestPart {
  return {
    name: 'overleg',
    async build({ period, t, locale }) {
      const until = new Date(period.until.getTime() + MEETINGS_AHEAD_DAYS * 86_400_000);
      const meetings = await channelMeetingsStarting(store, period.until, until);
      if (meetings.length === 0) return undefined;
      const lines = meetings.map((meeting) => {
        const place = meeting.location ? ` · ${meeting.location}` : '';
        return `- **${meeting.code} · ${meeting.title}**: ${when(meeting, locale, timezone)}${place}\n  ${countsLine(t, meeting)}`;
      });
      return {
        summary: t('digest.meetingsSummary', { count: meetings.length, days: MEETINGS_AHEAD_DAYS }),
        sections: [{ title: t('digest.meetingsTitle', { days: MEETINGS_AHEAD_DAYS }), text: lines.join('\n') }],
        news: true,
      };
    },
  };
}

export function advicePart(store: Store, calendar: WorkingCalendar): DigestPart {
  return {
    name: 'advies',
    async build({ period, t, locale }) {
      const activity = await adviceActivity(store, calendar, period.from, period.until);
      if (activity.requested < MIN_REQUESTS) return undefined;
      const counts = t('digest.adviceCounts', { requested: activity.requested, answered: activity.answered, closed: activity.closed });
      // A median of one or two answers is those requests' own times: only from MIN_REQUESTS on.
      const median = activity.firstResponseMinutes.length >= MIN_REQUESTS ? medianOf(activity.firstResponseMinutes) : undefined;
      const lines = [counts, median === undefined ? undefined : t('digest.adviceMedian', { hours: hoursText(median, locale) }), `_${t('digest.adviceNote', { min: MIN_REQUESTS })}_`];
      return {
        summary: t('digest.adviceSummary', { count: activity.requested }),
        sections: [{ title: t('digest.adviceTitle'), text: lines.filter(Boolean).join('\n') }],
        news: true,
      };
    },
  };
}

/** Working minutes as hours with one decimal, "3,5" in Dutch. */
function hoursText(minutes: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { maximumFractionDigits: 1 }).format(Math.round(minutes / 6) / 10);
}

function medianOf(sorted: number[]): number {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
