// What runs on a schedule. Each job is a cron expression in the configured time zone and a
// function of the services; it returns counts for the log (never message text).
import type { Services } from '../core/services.ts';

export interface Job {
  name: string;
  /** node-cron expression, read in TIMEZONE (daylight saving included). */
  cron: string;
  run(services: Services, now: Date): Promise<Record<string, number>>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

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
  async run(services, now) {
    const events = await services.events.prune(new Date(now.getTime() - EVENT_KEY_RETENTION_DAYS * DAY_MS));
    const sent = await services.outbox.pruneSent(new Date(now.getTime() - SENT_MESSAGE_RETENTION_DAYS * DAY_MS));
    const wiped = await services.outbox.wipeSentPayloads(new Date(now.getTime() - SENT_PAYLOAD_RETENTION_HOURS * 3_600_000));
    const drafts = await services.formDrafts.prune(now);
    return { events, sent, wiped, drafts };
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

export const jobs: Job[] = [housekeeping, digests];
