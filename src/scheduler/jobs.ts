// What runs on a schedule. Each job is a cron expression in the configured time zone and a
// function of the services; it returns counts for the log (never message text).
import type { Services } from '../core/services.ts';

export interface Job {
  name: string;
  /** node-cron expression, read in TIMEZONE (daylight saving included). */
  cron: string;
  run(services: Services, now: Date): Promise<Record<string, number>>;
  /** Runs on one instance only each day (they share the database): the first to claim the day. */
  oncePerDay?: boolean;
}

/** Platforms retry within minutes; a week of event keys is plenty to recognise a replay. */
export const EVENT_KEY_RETENTION_DAYS = 7;
/** Sent messages are kept a month, to answer "did that notification go out?". */
export const SENT_MESSAGE_RETENTION_DAYS = 30;
/**
 * A sent message's content is only needed until it is sent (edits carry their own): after a
 * day it is wiped, keeping where it went and its refs, so later edits and deletes still work.
 */
export const SENT_PAYLOAD_RETENTION_HOURS = 24;

export const housekeeping: Job = {
  name: 'housekeeping',
  cron: '15 3 * * *',
  // H12: once a night across all instances; what goes after how long is the retention rules'
  // business (src/core/privacy/retention.ts: sent messages, event keys, drafts, audit, …).
  oncePerDay: true,
  async run(services, now) {
    // Removed first: what goes anyway needs no wiping.
    const pruned = await services.retention.run(now);
    const wiped = await services.outbox.wipeSentPayloads(new Date(now.getTime() - SENT_PAYLOAD_RETENTION_HOURS * 3_600_000));
    // H20: after deletions, the erased rows' bytes leave the database files (and PGlite's WAL).
    const scrub = await services.privacy.scrubAfterErasures(now);
    return { ...pruned, wiped, ...(scrub ? { scrubbedTables: scrub.tables } : {}) };
  },
};

/** H9: reminders, escalations, nudges and automatic closing of advice requests (once each). */
export const adviceFollowUp: Job = {
  name: 'advice-follow-up',
  cron: '*/5 * * * *',
  run: async (services, now) => ({ ...(await services.advice.followUp(now)) }),
};

/** Reminders of meetings that have begun never go (one due while every instance was down). */
export const meetingReminders: Job = {
  name: 'meeting-reminders',
  cron: '* * * * *',
  async run(services, now) {
    return { dropped: await services.meetings.reminders.dropBegun(now) };
  },
};

/**
 * Digests whose time has come (src/core/digests): every minute, on every instance; the
 * database decides which instance sends each one, so it goes once.
 */
export const digests: Job = {
  name: 'digests',
  cron: '* * * * *',
  async run(services, now) {
    return { ...(await services.digests.runDue(now)) };
  },
};

export const jobs: Job[] = [housekeeping, adviceFollowUp, meetingReminders, digests];
