// Read-only: the meetings a channel digest may list. Only sent (not draft, not cancelled)
// meetings that were planned in a channel: one planned in a DM was shared with its invitees
// alone, and a digest posted in a channel must not make it public.
import type { Store } from '../store.ts';
import { meetingInclude, toMeetingView, type MeetingView } from './meetings.ts';

/** Sent meetings planned in a channel that start in [from, until), soonest first. */
export async function channelMeetingsStarting(store: Store, from: Date, until: Date, limit = 50): Promise<MeetingView[]> {
  const rows = await store.meeting.findMany({
    where: { status: 'SENT', startsAt: { gte: from, lt: until }, channelRef: { not: null } },
    orderBy: { startsAt: 'asc' },
    take: limit,
    include: meetingInclude,
  });
  return rows.map(toMeetingView);
}
