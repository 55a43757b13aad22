// The follow-up targets come from the environment (issue 10: "configurable"): with
// ADVICE_FIRST_RESPONSE=1d, ADVICE_ESCALATION_FACTOR=2, ADVICE_NUDGE_AFTER=2d,
// ADVICE_AUTO_CLOSE_AFTER=3d and ADVICE_REOPEN_DAYS=5 the reminder, escalation, nudge,
// closing and reopen window move accordingly (fake time), read through loadConfig and
// createServices as at start-up. The defaults would put each of them later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/core/services.ts';
import { createFieldCipher } from '../../src/core/crypto.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import type { MemberView } from '../../src/core/members/members.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const at = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Amsterdam' }).toJSDate();
const noReply = () => ({ visibility: 'ephemeral' as const });
const ENV = { ADVICE_FIRST_RESPONSE: '1d', ADVICE_URGENT_FIRST_RESPONSE: '1h', ADVICE_ESCALATION_FACTOR: '2', ADVICE_NUDGE_AFTER: '2d', ADVICE_AUTO_CLOSE_AFTER: '3d', ADVICE_REOPEN_DAYS: '5' };

describe.each(testBackends())('advice targets from the environment, on %s', (kind) => {
  let testBot: TestBot;
  let services: Services;
  let sent: OutboxItem[];
  let anna: MemberView;
  let fatima: MemberView;
  const run = <T>(fn: () => Promise<T>) => services.unitOfWork.run(fn);
  const deliveredSince = async (from: number) => (await testBot.worker.drain(), sent.slice(from));
  const ask = (question: string, when: Date, urgent = false) => run(() => services.advice.ask({ requesterId: fatima.id, theme: 'beleid', urgent, question }, when));

  beforeAll(async () => {
    testBot = await createTestBot({ kind, admins: ['console:local'] });
    services = createServices(testBot.db.prisma, { ...testBot.services.settings, adviceTargets: loadConfig(ENV).adviceTargets }, createFieldCipher('test-secret-of-at-least-16-chars'));
    sent = recordDeliveries(testBot, 'console');
    const { members } = services;
    const admin = await members.resolve('console', 'local');
    await members.resolve('console', 'anna');
    await members.setRole({ platform: 'console', externalId: 'anna' }, 'adviser', admin.id, noReply);
    anna = await members.resolve('console', 'anna');
    fatima = await approveMember(services, 'console', 'fatima', 'iot', 'fatima');
    await services.advice.setAdviser(anna.id, ['beleid'], 10, admin.id);
  }, 120_000);
  afterAll(async () => {
    await testBot?.close();
  });

  it('reminds after 1 working day instead of 2 and escalates at 2× instead of 1.5×', async () => {
    const request = await ask('Vraag op maandagmiddag', at('2027-05-10T13:00'));
    const from = sent.length;
    const followUp = (when: string) => services.advice.followUp(at(when));
    expect((await followUp('2027-05-11T12:59')).reminders).toBe(0);
    expect((await followUp('2027-05-11T13:00')).reminders).toBe(1);
    // The default factor would escalate at 12 working hours: Tuesday 17:00.
    expect((await followUp('2027-05-11T17:00')).escalations).toBe(0);
    expect((await followUp('2027-05-12T12:59')).escalations).toBe(0);
    expect((await followUp('2027-05-12T13:00')).escalations).toBe(1);
    const delivered = await deliveredSince(from);
    const reminder = delivered.find((item) => item.dedupeKey.includes(':reminder'))!;
    expect(reminder.target.ref).toBe('anna');
    expect(replyToPlainText(reminder.reply)).toContain('Herinnering: deze vraag wacht al 8 werkuren op een eerste reactie (streefdoel 8 werkuren).');
    expect(replyToPlainText(reminder.reply)).toContain(request.number);
    expect(delivered.filter((item) => item.dedupeKey.includes(':escalation')).map((item) => item.target.ref)).toEqual(['local']);
  });

  it('reminds about an urgent request after 1 working hour', async () => {
    await ask('Urgente vraag', at('2027-05-13T10:00'), true);
    expect((await services.advice.followUp(at('2027-05-13T10:59'))).reminders).toBe(0);
    expect((await services.advice.followUp(at('2027-05-13T11:00'))).reminders).toBe(1);
  });

  it('nudges after 2 quiet working days, closes 3 later, and allows reopening for 5 days', async () => {
    const request = await ask('Een vraag die stil valt', at('2027-06-07T09:00'));
    await run(() => services.advice.accept(anna, request.id, at('2027-06-07T10:00')));
    const from = sent.length;
    // Monday 10:00 + 16 working hours: Wednesday 10:00.
    expect((await services.advice.followUp(at('2027-06-09T09:59'))).nudges).toBe(0);
    expect((await services.advice.followUp(at('2027-06-09T10:00'))).nudges).toBe(1);
    // And 24 more: Monday 14 June 10:00.
    expect((await services.advice.followUp(at('2027-06-14T09:59'))).autoClosed).toBe(0);
    expect((await services.advice.followUp(at('2027-06-14T10:00'))).autoClosed).toBe(1);
    const delivered = await deliveredSince(from);
    expect(replyToPlainText(delivered.find((item) => item.dedupeKey.includes(':nudge:'))!.reply)).toContain('al 2 werkdagen niets gezegd');
    const closed = delivered.find((item) => item.dedupeKey.includes(':autoclosed:') && item.target.ref === 'fatima' && item.action !== 'edit')!;
    expect(replyToPlainText(closed.reply)).toContain('Binnen 5 dagen kun je hem heropenen');
    expect((await run(() => services.advice.reopen(fatima, request.number, at('2027-06-19T11:00')))).kind).toBe('tooLate');
    expect((await run(() => services.advice.reopen(fatima, request.number, at('2027-06-19T09:00')))).kind).toBe('done');
  });
});
