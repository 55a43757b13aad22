// When digests go: node-cron's minute job runs the digest pass, here executed directly at
// chosen moments. Daylight saving both ways, the first-digest rule, catch-up after downtime
// (once, marked late; older ones skipped and counted in the job's log line), public holidays,
// and empty digests.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { truncateAll } from '../support/db.ts';
import { digests as digestJob } from '../../src/scheduler/jobs.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { minutes, runJobAt, subscribe, textOfItem } from './support.ts';

let testBot: TestBot;
let sent: OutboxItem[];
beforeAll(async () => {
  testBot = await createTestBot();
});
afterAll(() => testBot?.close());
beforeEach(async () => {
  await truncateAll(testBot.db);
  sent = recordDeliveries(testBot, 'console');
});

/** Runs the job every minute over the span; returns the moments at which something was sent. */
async function everyMinute(from: string, to: string): Promise<Date[]> {
  const moments: Date[] = [];
  for (const now of minutes(new Date(from), new Date(to))) {
    const before = sent.length;
    await runJobAt(testBot, now);
    if (sent.length > before) moments.push(now);
  }
  return moments;
}

describe('the digest schedule', () => {
  it('runs every minute in the configured time zone', () => {
    expect(digestJob.cron).toBe('* * * * *');
  });

  it('sends a 02:30 digest on the spring-forward day at 03:00, once', async () => {
    await subscribe(testBot.services, new Date('2027-03-27T12:00:00Z'), { hour: 2, minute: 30 });
    // 28 March 2027: at 02:00 CET the clocks go to 03:00 CEST (01:00 UTC); 02:30 never happens.
    const moments = [...(await everyMinute('2027-03-27T23:55:00Z', '2027-03-28T00:05:00Z')), ...(await everyMinute('2027-03-28T00:50:00Z', '2027-03-28T01:40:00Z'))];
    expect(moments).toEqual([new Date('2027-03-28T01:00:00Z')]);
    expect(sent).toHaveLength(1);
    expect(textOfItem(sent[0]!)).toContain('Dagoverzicht zo 28 mrt 2027');
  });

  it('sends a 02:30 digest on the autumn day once, although 02:30 happens twice', async () => {
    await subscribe(testBot.services, new Date('2026-10-24T12:00:00Z'), { hour: 2, minute: 30 });
    // 25 October 2026: 02:30 CEST is 00:30 UTC, then 02:30 CET again at 01:30 UTC.
    const moments = await everyMinute('2026-10-25T00:25:00Z', '2026-10-25T01:35:00Z');
    expect(moments).toEqual([new Date('2026-10-25T00:30:00Z')]);
  });

  it('sends a weekly digest on its day and time, in Amsterdam time, once', async () => {
    // Wednesday 2 December 2026; the digest is on Friday at 16:45 (15:45 UTC).
    await subscribe(testBot.services, new Date('2026-12-02T10:00:00Z'), { frequency: 'weekly', weekday: 5, hour: 16, minute: 45 });
    const moments = await everyMinute('2026-12-04T15:30:00Z', '2026-12-04T16:00:00Z');
    expect(moments).toEqual([new Date('2026-12-04T15:45:00Z')]);
    expect(await runJobAt(testBot, new Date('2026-12-05T15:45:00Z'))).toMatchObject({ sent: 0 });
    expect(textOfItem(sent[0]!)).toContain('Weekoverzicht vr 4 dec 2026');
  });

  it('a daily time later today sends today; a time already past starts tomorrow', async () => {
    // 10:00 in Amsterdam: 11:00 is still to come today.
    await subscribe(testBot.services, new Date('2026-12-02T09:00:00Z'), { hour: 11 });
    await subscribe(testBot.services, new Date('2026-12-02T09:00:00Z'), { hour: 11 }, { platform: 'console', ref: 'tweede', name: 'tweede' });
    expect(await everyMinute('2026-12-02T09:55:00Z', '2026-12-02T10:05:00Z')).toEqual([new Date('2026-12-02T10:00:00Z')]);
    expect(sent.map((item) => item.target.ref).sort()).toEqual(['console', 'tweede']);
    sent.length = 0;
    // 08:00 was earlier today: nothing now, the first one tomorrow.
    await subscribe(testBot.services, new Date('2026-12-02T10:00:00Z'), { hour: 8 }, { platform: 'console', ref: 'derde', name: 'derde' });
    await runJobAt(testBot, new Date('2026-12-02T10:01:00Z'));
    expect(sent).toHaveLength(0);
    await runJobAt(testBot, new Date('2026-12-03T07:00:00Z'));
    expect(sent.map((item) => item.target.ref)).toEqual(['console', 'tweede', 'derde'].filter((ref) => ref === 'derde'));
  });

  it('after downtime sends the missed digest once, marked late, when it is less than a period late', async () => {
    await subscribe(testBot.services, new Date('2026-12-01T12:00:00Z'), { hour: 9 });
    // The bot was down at 09:00 (08:00 UTC) and runs again at 14:10.
    const counts = await runJobAt(testBot, new Date('2026-12-02T13:10:00Z'));
    expect(counts).toMatchObject({ late: 1, sent: 0 });
    expect(sent).toHaveLength(1);
    expect(textOfItem(sent[0]!)).toContain('Later verstuurd dan gepland (wo 2 dec 2026 om 09:00)');
    await runJobAt(testBot, new Date('2026-12-02T13:11:00Z'));
    await runJobAt(testBot, new Date('2026-12-02T18:00:00Z'));
    expect(sent).toHaveLength(1);
  });

  it('skips a digest more than one period late, and says so in the job log', async () => {
    await subscribe(testBot.services, new Date('2026-11-01T12:00:00Z'), { frequency: 'weekly', weekday: 1, hour: 9 });
    // Down from Sunday 29 Nov until Tuesday 8 Dec 10:00: Monday 30 Nov is 8 days late (skipped),
    // Monday 7 Dec one day late (sent, late).
    const counts = await runJobAt(testBot, new Date('2026-12-08T09:00:00Z'));
    expect(counts).toMatchObject({ missed: 1, late: 1 });
    expect(sent).toHaveLength(1);
    expect(textOfItem(sent[0]!)).toContain('Later verstuurd dan gepland (ma 7 dec 2026 om 09:00)');
    expect(await runJobAt(testBot, new Date('2026-12-08T09:01:00Z'))).toMatchObject({ missed: 0, late: 0, sent: 0 });
    expect(sent).toHaveLength(1);
  });

  it('moves a weekly digest off a public holiday with feestdagen:overslaan (Easter Monday to Tuesday)', async () => {
    await subscribe(testBot.services, new Date('2027-03-24T12:00:00Z'), { frequency: 'weekly', weekday: 1, hour: 9, skipHolidays: true });
    // 29 March 2027 is Tweede Paasdag.
    expect(await everyMinute('2027-03-29T06:55:00Z', '2027-03-29T07:05:00Z')).toEqual([]);
    expect(await everyMinute('2027-03-30T06:55:00Z', '2027-03-30T07:05:00Z')).toEqual([new Date('2027-03-30T07:00:00Z')]);
    // Without the option it goes on the holiday.
    await subscribe(testBot.services, new Date('2027-03-24T12:00:00Z'), { frequency: 'weekly', weekday: 1, hour: 9 }, { platform: 'console', ref: 'b', name: 'b' });
    await runJobAt(testBot, new Date('2027-03-29T07:00:00Z'));
    expect(sent.map((item) => item.target.ref)).toEqual(['console', 'b']);
  });

  it('a daily digest with feestdagen:overslaan is not sent on Christmas; the next one covers those days', async () => {
    await subscribe(testBot.services, new Date('2026-12-20T12:00:00Z'), { hour: 9, skipHolidays: true });
    for (const day of ['2026-12-24', '2026-12-25', '2026-12-26', '2026-12-27']) await runJobAt(testBot, new Date(`${day}T08:00:00Z`));
    expect(sent.map((item) => textOfItem(item).split('\n')[0])).toEqual([
      'Dagoverzicht do 24 dec 2026: niets nieuws sinds wo 23 dec 2026 om 09:00.',
      'Dagoverzicht zo 27 dec 2026: niets nieuws sinds do 24 dec 2026 om 09:00.',
    ]);
  });

  it('says "niets nieuws" in one line, or sends nothing with leeg:overslaan', async () => {
    await subscribe(testBot.services, new Date('2026-12-01T12:00:00Z'), { hour: 9 });
    await subscribe(testBot.services, new Date('2026-12-01T12:00:00Z'), { hour: 9, skipEmpty: true }, { platform: 'console', ref: 'stil', name: 'stil' });
    const counts = await runJobAt(testBot, new Date('2026-12-02T08:00:00Z'));
    expect(counts).toMatchObject({ sent: 1, skippedEmpty: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.target.ref).toBe('console');
    expect(textOfItem(sent[0]!)).toBe('Dagoverzicht wo 2 dec 2026: niets nieuws sinds di 1 dec 2026 om 09:00.');
  });
});
