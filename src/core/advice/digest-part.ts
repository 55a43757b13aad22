// Read-only: advice activity in a period as counts, for the digest. Like /advies stats, only
// timestamps are selected: no question, summary, theme or requester is read, so none can leak.
import type { WorkingCalendar } from '../calendar/working-time.ts';
import type { Store } from '../store.ts';

export interface AdviceActivity {
  /** Asked in the period. */
  requested: number;
  /** First response (accepted by an adviser) in the period. */
  answered: number;
  closed: number;
  /** Working minutes from asking to first response of those answered in the period (waiting for the requester not counted), sorted. */
  firstResponseMinutes: number[];
}

export async function adviceActivity(store: Store, calendar: WorkingCalendar, from: Date, until: Date): Promise<AdviceActivity> {
  const within = { gte: from, lt: until };
  const requested = await store.adviceRequest.count({ where: { createdAt: within } });
  const closed = await store.adviceRequest.count({ where: { closedAt: within } });
  const answered = await store.adviceRequest.findMany({ where: { acceptedAt: within }, select: { createdAt: true, acceptedAt: true, pausedMinutes: true } });
  // As in stats.ts: working time between asking and accepting, minus the paused minutes.
  const firstResponseMinutes = answered.map((row) => Math.max(0, calendar.workingMinutesBetween(row.createdAt, row.acceptedAt!) - row.pausedMinutes)).sort((a, b) => a - b);
  return { requested, answered: answered.length, closed, firstResponseMinutes };
}
