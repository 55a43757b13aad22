// Follow-up on working time (issue 10), with fake time: a question asked on the Friday before
// Koningsdag 2027 (Tuesday 27 April) reaches its 2-working-day target on Wednesday 15:00, not
// Tuesday; the escalation at 1.5× on Thursday 15:00; each exactly once, also when two
// instances scan at the same moment. Waiting for the requester pauses the clock. A quiet
// conversation gets a nudge to whoever must answer next and is closed automatically later;
// a closed request can be reopened within 30 days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createServices } from '../../src/core/services.ts';
import { createFieldCipher } from '../../src/core/crypto.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import type { MemberView } from '../../src/core/members/members.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const at = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Amsterdam' }).toJSDate();
const noReply = () => ({ visibility: 'ephemeral' as const });

describe.each(testBackends())('advice follow-up on working time, on %s', (kind) => {
  let testBot: TestBot;
  let sent: OutboxItem[];
  let anna: MemberView;
  let fatima: MemberView;
  const run = <T>(fn: () => Promise<T>) => testBot.services.unitOfWork.run(fn);
  const advice = () => testBot.services.advice;
  const deliveredSince = async (from: number) => (await testBot.worker.drain(), sent.slice(from));
  const ask = (question: string, when: Date, urgent = false) => run(() => advice().ask({ requesterId: fatima.id, theme: 'beleid', urgent, question }, when));

  beforeAll(async () => {
    testBot = await createTestBot({ kind, admins: ['console:local'] });
    sent = recordDeliveries(testBot, 'console');
    const { members } = testBot.services;
    const admin = await members.resolve('console', 'local');
    await members.resolve('console', 'anna');
    await members.setRole({ platform: 'console', externalId: 'anna' }, 'adviser', admin.id, noReply);
    await members.resolve('console', 'coco');
    await members.setRole({ platform: 'console', externalId: 'coco' }, 'coordinator', admin.id, noReply);
    anna = await members.resolve('console', 'anna');
    fatima = await approveMember(testBot.services, 'console', 'fatima', 'iot', 'fatima');
    await advice().setAdviser(anna.id, ['beleid'], 10, admin.id);
  }, 120_000);
  afterAll(async () => {
    await testBot?.close();
  });

  it('reminds the adviser once the 2 working days are past, skipping the weekend and Koningsdag', async () => {
    const request = await ask('Vraag van vrijdagmiddag voor Koningsdag', at('2027-04-23T15:00'));
    const from = sent.length;
    // Without the holiday the target would be Tuesday 15:00.
    expect((await advice().followUp(at('2027-04-27T16:00'))).reminders).toBe(0);
    expect((await advice().followUp(at('2027-04-28T14:59'))).reminders).toBe(0);
    expect((await advice().followUp(at('2027-04-28T15:00'))).reminders).toBe(1);
    expect((await advice().followUp(at('2027-04-28T16:30'))).reminders).toBe(0);
    const reminders = (await deliveredSince(from)).filter((item) => item.dedupeKey.includes(':reminder'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.target.ref).toBe('anna');
    expect(replyToPlainText(reminders[0]!.reply)).toContain('Herinnering: deze vraag wacht al 16 werkuren op een eerste reactie (streefdoel 16 werkuren).');
    expect(replyToPlainText(reminders[0]!.reply)).toContain(request.number);
  });

  it('escalates to every coordinator and admin past 1.5×, exactly once, also when two instances scan at once', async () => {
    const from = sent.length;
    expect((await advice().followUp(at('2027-04-29T14:59'))).escalations).toBe(0);
    // A second instance on the same database, scanning at the same moment.
    const other = createServices(testBot.db.prisma, testBot.services.settings, createFieldCipher('test-secret-of-at-least-16-chars'));
    const [one, two] = await Promise.all([advice().followUp(at('2027-04-29T15:00')), other.advice.followUp(at('2027-04-29T15:00'))]);
    expect(one.escalations + two.escalations).toBe(1);
    expect((await advice().followUp(at('2027-04-30T10:00'))).escalations).toBe(0);
    const escalations = (await deliveredSince(from)).filter((item) => item.dedupeKey.includes(':escalation'));
    expect(escalations.map((item) => item.target.ref).sort()).toEqual(['coco', 'local']);
    const text = replyToPlainText(escalations[0]!.reply);
    expect(text).toContain('Escalatie');
    expect(text).toContain('Adviseur: anna');
    expect(escalations[0]!.reply.buttons?.map((button) => button.label)).toEqual(['Oppakken', 'Overdragen', 'Vraag stellen', 'Afsluiten']);
    const request = (await testBot.db.prisma.adviceRequest.findFirstOrThrow({ where: { number: { endsWith: '0001' } } })).id;
    expect(await testBot.db.prisma.adviceEvent.count({ where: { requestId: request, action: 'escalated' } })).toBe(1);
  });

  it('pauses the clock while the adviser waits for the requester (urgent: 4 working hours)', async () => {
    const request = await ask('Urgente vraag op maandagmiddag', at('2027-04-26T16:00'), true);
    // 30 working minutes pass, then anna asks a question; fatima answers on Wednesday 10:00.
    await run(() => advice().askRequester(anna, request.id, at('2027-04-26T16:30')));
    const reminders = async (when: string) => (await advice().followUp(at(when))).reminders;
    // Without the pause the target would be Wednesday 12:00.
    expect(await reminders('2027-04-28T12:30')).toBe(0);
    await run(() => advice().conversationMessage(request.number, fatima.id, at('2027-04-28T10:00')));
    // 30 minutes before, 210 after the answer: Wednesday 13:30.
    expect(await reminders('2027-04-28T13:29')).toBe(0);
    expect(await reminders('2027-04-28T13:30')).toBe(1);
    const stored = await testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(stored.pausedMinutes).toBe(90);
    expect(stored.status).toBe('assigned');
  });

  it('nudges whoever must answer next after 10 quiet working days, then closes after 20 more, telling both', async () => {
    const request = await ask('Een vraag die stil valt', at('2027-05-03T09:00'));
    await run(() => advice().accept(anna, request.id, at('2027-05-03T10:00')));
    const calendar = advice().calendar;
    const quiet = calendar.addWorkingMinutes(at('2027-05-03T10:00'), 10 * 480);
    const from = sent.length;
    expect((await advice().followUp(new Date(quiet.getTime() - 60_000))).nudges).toBe(0);
    expect((await advice().followUp(quiet)).nudges).toBe(1);
    expect((await advice().followUp(new Date(quiet.getTime() + 3_600_000))).nudges).toBe(0);
    const nudges = (await deliveredSince(from)).filter((item) => item.dedupeKey.includes(':nudge:'));
    // Nobody wrote yet: the adviser must answer.
    expect(nudges.map((item) => item.target.ref)).toEqual(['anna']);
    expect(replyToPlainText(nudges[0]!.reply)).toContain('al 10 werkdagen niets gezegd');
    const closing = calendar.addWorkingMinutes(at('2027-05-03T10:00'), 30 * 480);
    expect((await advice().followUp(new Date(closing.getTime() - 60_000))).autoClosed).toBe(0);
    expect((await advice().followUp(closing)).autoClosed).toBe(1);
    const notices = (await deliveredSince(from)).filter((item) => item.dedupeKey.includes(':autoclosed:') && item.action !== 'edit');
    expect(notices.map((item) => item.target.ref).sort()).toEqual(['anna', 'fatima']);
    expect((await testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('closed');
    // Reopened by the requester within 30 days; a second time (open now) it is refused.
    const reopened = await run(() => advice().reopen(fatima, request.number, new Date(closing.getTime() + 86_400_000)));
    expect(reopened.kind).toBe('done');
    expect((await run(() => advice().reopen(fatima, request.number, new Date(closing.getTime() + 86_400_000)))).kind).toBe('notNow');
  });

  it('refuses to reopen after 30 days, and for someone who is not requester or adviser', async () => {
    const request = await ask('Een vraag die lang dicht is', at('2027-06-01T09:00'));
    await run(() => advice().accept(anna, request.id, at('2027-06-01T10:00')));
    await run(() => advice().close(anna, request.id, 'Klaar', at('2027-06-01T11:00')));
    const coco = await testBot.services.members.resolve('console', 'coco');
    expect((await run(() => advice().reopen(coco, request.number, at('2027-06-02T10:00')))).kind).toBe('missing');
    expect((await run(() => advice().reopen(fatima, request.number, at('2027-07-05T10:00')))).kind).toBe('tooLate');
    expect((await run(() => advice().reopen(anna, request.number, at('2027-06-30T10:00')))).kind).toBe('done');
  });
});
