// /advies stats: per month and theme, how many requests, the median first response and
// resolution in working hours, the share answered within target, and the mean rating.
// Numbers only: no question, name or summary is read (the encrypted columns are not selected).
import { DateTime } from 'luxon';
import type { WorkingCalendar } from '../calendar/working-time.ts';
import type { Store } from '../store.ts';
import { targetMinutes, type AdviceTargets } from './targets.ts';

export interface StatsRow {
  /** `yyyy-MM` in the alliance's zone. */
  month: string;
  theme: string;
  requests: number;
  /** Working hours, one decimal; undefined when none was answered yet. */
  medianFirstResponse?: number;
  medianResolution?: number;
  /** 0–100, of the answered ones. */
  withinTarget?: number;
  meanRating?: number;
}

export async function adviceStats(store: Store, calendar: WorkingCalendar, targets: AdviceTargets, months = 6, now = new Date()): Promise<StatsRow[]> {
  const since = DateTime.fromJSDate(now).setZone(calendar.zone).startOf('month').minus({ months: months - 1 }).toJSDate();
  const rows = await store.adviceRequest.findMany({
    where: { createdAt: { gte: since } },
    select: { theme: true, urgent: true, createdAt: true, acceptedAt: true, closedAt: true, pausedMinutes: true, rating: true },
    orderBy: { createdAt: 'asc' },
  });
  const groups = new Map<string, typeof rows>();
  for (const row of rows) {
    const key = `${DateTime.fromJSDate(row.createdAt).setZone(calendar.zone).toFormat('yyyy-MM')}|${row.theme}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups].map(([key, group]) => {
    const [month, theme] = key.split('|') as [string, string];
    // Waiting for the requester is not counted (pausedMinutes), as for the targets.
    const first = group.filter((row) => row.acceptedAt).map((row) => ({ minutes: Math.max(0, calendar.workingMinutesBetween(row.createdAt, row.acceptedAt!) - row.pausedMinutes), urgent: row.urgent }));
    const resolution = group.filter((row) => row.closedAt).map((row) => Math.max(0, calendar.workingMinutesBetween(row.createdAt, row.closedAt!) - row.pausedMinutes));
    const ratings = group.flatMap((row) => (row.rating ? [row.rating] : []));
    return {
      month,
      theme,
      requests: group.length,
      medianFirstResponse: hours(median(first.map((entry) => entry.minutes))),
      medianResolution: hours(median(resolution)),
      withinTarget: first.length ? Math.round((100 * first.filter((entry) => entry.minutes <= targetMinutes(targets, entry.urgent)).length) / first.length) : undefined,
      meanRating: ratings.length ? Math.round((10 * ratings.reduce((a, b) => a + b, 0)) / ratings.length) / 10 : undefined,
    };
  });
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const hours = (minutes: number | undefined) => (minutes === undefined ? undefined : Math.round(minutes / 6) / 10);
