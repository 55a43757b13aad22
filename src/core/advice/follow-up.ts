// The follow-up of open requests, run by the scheduler every few minutes on every instance:
// past the first-response target the adviser gets a reminder, past 1.5× the coordinators an
// escalation with the buttons to take over or reassign; a conversation without activity gets a
// nudge to whoever must answer next and, long after, is closed with a notice. Each message
// goes through the outbox under a key that names the occasion, so it is sent exactly once,
// also with several instances and across restarts; one advisory lock keeps two instances'
// scans from recording the same step twice in the history.
import type { WorkingCalendar } from '../calendar/working-time.ts';
import type { Reply } from '../framework/reply.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { Store, Tx } from '../store.ts';
import { offerNotice } from './notices.ts';
import { offerKey, ADVICE_SUBJECT, type AdviceManager, type AdviceView } from './requests.ts';
import { targetMinutes, waitedMinutes, type AdviceTargets } from './targets.ts';

export interface FollowUpCounts {
  reminders: number;
  escalations: number;
  nudges: number;
  autoClosed: number;
}

export class AdviceFollowUp {
  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly manager: AdviceManager,
    private readonly calendar: WorkingCalendar,
    private readonly targets: AdviceTargets,
    private readonly timezone: string,
  ) {}

  async run(now: Date): Promise<FollowUpCounts> {
    return this.store.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('advice-follow-up'))`;
      const counts: FollowUpCounts = { reminders: 0, escalations: 0, nudges: 0, autoClosed: 0 };
      const open = await tx.adviceRequest.findMany({ where: { status: { in: ['queued', 'assigned', 'accepted', 'waiting'] } }, select: { id: true } });
      for (const { id } of open) {
        const request = await this.manager.load(tx, id);
        if (!request.acceptedAt) await this.firstResponse(tx, request, now, counts);
        else await this.inactivity(tx, request, now, counts);
      }
      return counts;
    });
  }

  /** Reminder past the target, escalation past 1.5×; both once per offer. */
  private async firstResponse(tx: Tx, request: AdviceView, now: Date, counts: FollowUpCounts): Promise<void> {
    const waited = waitedMinutes(this.calendar, request, now);
    const target = targetMinutes(this.targets, request.urgent);
    const base = offerKey(request.id, request.offerSeq);
    if (waited >= target && request.assigneeId && (await this.once(tx, `${base}:reminder`))) {
      await this.outbox.notifyMembers(tx, [request.assigneeId], `${base}:reminder`, (t, locale) => ({
        ...offerNotice(t, locale, this.timezone, request, { kind: 'offered' }),
        text: t('advice.followUp.reminder', { hours: hours(waited), target: hours(target) }),
      }));
      await this.manager.recordEvent(tx, request.id, undefined, 'reminded', now, request.assigneeId);
      counts.reminders++;
    }
    if (waited >= target * this.targets.escalationFactor && (await this.once(tx, `${base}:escalation`))) {
      const coordinators = await this.manager.coordinatorIds(tx);
      await this.outbox.notifyMembers(tx, coordinators, `${base}:escalation`, (t, locale) => ({
        ...offerNotice(t, locale, this.timezone, request, { kind: 'queued' }),
        title: t('advice.followUp.escalationTitle', { number: request.number }),
        text: t('advice.followUp.escalation', { hours: hours(waited), target: hours(target), adviser: request.assigneeName ?? t('advice.mine.noAdviser') }),
      }));
      await this.manager.recordEvent(tx, request.id, undefined, 'escalated', now);
      counts.escalations++;
    }
  }

  /** A nudge after the quiet period, closing after the second one; both once per quiet period. */
  private async inactivity(tx: Tx, request: AdviceView, now: Date, counts: FollowUpCounts): Promise<void> {
    const idle = this.calendar.workingMinutesBetween(request.lastActivityAt, now);
    const since = request.lastActivityAt.getTime();
    if (idle >= this.targets.nudgeAfterMinutes + this.targets.autoCloseAfterMinutes) {
      await this.manager.closeInactive(tx, request, now);
      counts.autoClosed++;
      return;
    }
    const key = `advice:${request.id}:nudge:${since}`;
    if (idle >= this.targets.nudgeAfterMinutes && (await this.once(tx, key))) {
      const next = await this.answersNext(tx, request);
      await this.outbox.notifyMembers(tx, [next], key, (t): Reply => ({
        visibility: 'ephemeral',
        text: t('advice.followUp.nudge', { number: request.number, days: Math.round(idle / 480) }),
      }));
      counts.nudges++;
    }
  }

  /** Whoever must answer next: the requester while the adviser waits for them, or when the adviser wrote last. */
  private async answersNext(tx: Tx, request: AdviceView): Promise<string> {
    if (request.status === 'waiting' || !request.assigneeId) return request.requesterId;
    const last = await tx.threadMessage.findFirst({ where: { thread: { subjectType: ADVICE_SUBJECT, subjectId: request.number } }, orderBy: { createdAt: 'desc' }, select: { authorId: true } });
    return last?.authorId === request.assigneeId ? request.requesterId : request.assigneeId;
  }

  /** True when nothing was queued under this key yet (the key makes the message once-only anyway). */
  private async once(tx: Tx, key: string): Promise<boolean> {
    return (await tx.outboxMessage.count({ where: { dedupeKey: { startsWith: `${key}:` } } })) === 0;
  }
}

const hours = (minutes: number) => Math.floor(minutes / 60);
