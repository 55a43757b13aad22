// Shared by the digest tests: a real bot on a real database, a subscribed channel, and the
// scheduler's digest job run at chosen moments (direct task execution instead of waiting for
// node-cron), with what the worker then delivers recorded per platform.
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import type { DigestSettings } from '../../src/core/digests/digests.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import type { Services } from '../../src/core/services.ts';
import { digests as digestJob } from '../../src/scheduler/jobs.ts';
import type { TestBot } from '../support/bot.ts';

export const CONSOLE_CHANNEL = { platform: 'console' as const, ref: 'console', name: 'console' };

export function settings(overrides: Partial<DigestSettings> = {}): DigestSettings {
  return { frequency: 'daily', weekday: 1, hour: 9, minute: 0, skipHolidays: false, locale: 'nl', parts: ['updates', 'tip'], skipEmpty: false, ...overrides };
}

export async function subscribe(services: Services, at: Date, overrides: Partial<DigestSettings> = {}, channel = CONSOLE_CHANNEL) {
  const member = await services.members.resolve('console', 'local');
  return services.digests.subscribe(channel, settings(overrides), member.id, at);
}

/** The digest job at `now`, then everything it queued sent; returns the job's counts (its log line). */
export async function runJobAt(testBot: TestBot, now: Date): Promise<Record<string, number>> {
  const counts = await digestJob.run(testBot.services, now);
  await testBot.worker.drain();
  return counts;
}

export const textOfItem = (item: OutboxItem) => replyToPlainText(item.reply);

/** Every minute from `from` up to and including `to`. */
export function* minutes(from: Date, to: Date): Generator<Date> {
  for (let at = from.getTime(); at <= to.getTime(); at += 60_000) yield new Date(at);
}
