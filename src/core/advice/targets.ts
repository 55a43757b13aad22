// The follow-up rules of advice requests, in working minutes (Mon–Fri 09:00–17:00 in the
// alliance's zone, Dutch public holidays excluded: src/core/calendar). These are the issue's
// defaults; a deployment changes them with the ADVICE_* variables (src/config.ts), which
// createServices lays over these.
import type { WorkingCalendar } from '../calendar/working-time.ts';

export interface AdviceTargets {
  /** First response (accepting, or asking the requester) within this: 2 working days. */
  firstResponseMinutes: number;
  /** The same for urgent requests: 4 working hours. */
  urgentFirstResponseMinutes: number;
  /** Past target × this, the coordinators get an escalation. */
  escalationFactor: number;
  /** A conversation without activity this long gets a nudge: 10 working days. */
  nudgeAfterMinutes: number;
  /** And this much longer after the nudge it is closed: 20 working days. */
  autoCloseAfterMinutes: number;
  /** Closed requests can be reopened for this many calendar days. */
  reopenDays: number;
}

const WORKING_DAY = 8 * 60;

export const defaultTargets: AdviceTargets = {
  firstResponseMinutes: 2 * WORKING_DAY,
  urgentFirstResponseMinutes: 4 * 60,
  escalationFactor: 1.5,
  nudgeAfterMinutes: 10 * WORKING_DAY,
  autoCloseAfterMinutes: 20 * WORKING_DAY,
  reopenDays: 30,
};

export type SlaState = 'onTime' | 'overdue' | 'escalated' | 'answered';

export function targetMinutes(targets: AdviceTargets, urgent: boolean): number {
  return urgent ? targets.urgentFirstResponseMinutes : targets.firstResponseMinutes;
}

/** Working minutes a request has waited for its first response (waiting for the requester excluded). */
export function waitedMinutes(calendar: WorkingCalendar, request: { createdAt: Date; pausedMinutes: number; waitingSince?: Date }, now: Date): number {
  const paused = request.pausedMinutes + (request.waitingSince ? calendar.workingMinutesBetween(request.waitingSince, now) : 0);
  return Math.max(0, calendar.workingMinutesBetween(request.createdAt, now) - paused);
}

export function slaState(targets: AdviceTargets, calendar: WorkingCalendar, request: { createdAt: Date; pausedMinutes: number; waitingSince?: Date; urgent: boolean; acceptedAt?: Date }, now: Date): SlaState {
  if (request.acceptedAt) return 'answered';
  const waited = waitedMinutes(calendar, request, now);
  const target = targetMinutes(targets, request.urgent);
  if (waited >= target * targets.escalationFactor) return 'escalated';
  return waited >= target ? 'overdue' : 'onTime';
}
