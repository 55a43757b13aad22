// /advies stats (counts only) with fake time, and the races issue 10 names: numbers handed out
// at the same moment, and two people pressing Oppakken at once (exactly one wins, the other
// is told who did), on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import type { MemberView } from '../../src/core/members/members.ts';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const at = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Amsterdam' }).toJSDate();
const noReply = () => ({ visibility: 'ephemeral' as const });

describe.each(testBackends())('advice stats and races on %s', (kind) => {
  let testBot: TestBot;
  let anna: MemberView;
  let fatima: MemberView;
  const run = <T>(fn: () => Promise<T>) => testBot.services.unitOfWork.run(fn);
  const advice = () => testBot.services.advice;
  const typed = async (user: string, text: string) => {
    const outcome = await testBot.bot.handleText({ requester: { platform: 'console', userId: user }, place: { platform: 'console' }, command: 'advies', text });
    return outcome.kind === 'reply' ? `${outcome.reply.isError ? '! ' : ''}${[outcome.reply.title, outcome.reply.text].filter(Boolean).join('\n')}` : outcome.kind;
  };

  beforeAll(async () => {
    testBot = await createTestBot({ kind, admins: ['console:local'] });
    recordDeliveries(testBot, 'console');
    const { members } = testBot.services;
    const admin = await members.resolve('console', 'local');
    for (const [id, role] of [['anna', 'adviser'], ['coco', 'coordinator'], ['cora', 'coordinator']] as const) {
      await members.resolve('console', id);
      await members.setRole({ platform: 'console', externalId: id }, role, admin.id, noReply);
    }
    anna = await members.resolve('console', 'anna');
    fatima = await approveMember(testBot.services, 'console', 'fatima', 'iot', 'fatima');
    await advice().setAdviser(anna.id, ['beleid'], 50, admin.id);
  }, 120_000);
  afterAll(async () => {
    await testBot?.close();
  });

  it('counts per month and theme: medians in working hours, share within target, mean rating; never content', async () => {
    const one = await run(() => advice().ask({ requesterId: fatima.id, theme: 'beleid', urgent: false, question: 'Statistiekvraag-een' }, at('2027-04-01T09:00')));
    await run(() => advice().accept(anna, one.id, at('2027-04-01T11:00')));
    await run(() => advice().close(anna, one.id, 'Klaar', at('2027-04-02T11:00')));
    const two = await run(() => advice().ask({ requesterId: fatima.id, theme: 'beleid', urgent: false, question: 'Statistiekvraag-twee' }, at('2027-04-05T09:00')));
    // 20 working hours later (Mon 9:00 → Wed 13:00): past the 16-hour target.
    await run(() => advice().accept(anna, two.id, at('2027-04-07T13:00')));
    await run(() => advice().close(anna, two.id, 'Klaar', at('2027-04-07T15:00')));
    await run(() => advice().rate(fatima, two.id, 4));
    const rows = await advice().stats(at('2027-04-20T12:00'));
    expect(rows).toEqual([{ month: '2027-04', theme: 'beleid', requests: 2, medianFirstResponse: 11, medianResolution: 16, withinTarget: 50, meanRating: 4 }]);
  });

  it('/advies stats is for coordinators and shows no question text', async () => {
    const shown = await typed('coco', 'stats');
    expect(shown).toContain('#beleid');
    expect(shown).not.toContain('Statistiekvraag');
    expect(await typed('anna', 'stats')).toMatch(/^! /);
    expect(await typed('fatima', 'stats')).toMatch(/^! /);
  });

  it('hands out different numbers to requests asked at the same moment', async () => {
    // As people ask: through the Bot, which runs a few handlers at once.
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => typed('fatima', `vraag #regie Gelijktijdig ${i}`)));
    const numbers = answers.map((answer) => /A-\d{4}-\d{4}/.exec(answer)?.[0]);
    expect(numbers.every(Boolean)).toBe(true);
    expect(new Set(numbers).size).toBe(8);
  });

  it('of two coordinators pressing Oppakken at once exactly one wins; the other is told who did', async () => {
    const queued = await run(() => advice().ask({ requesterId: fatima.id, theme: 'lhbti', urgent: false, question: 'Niemand heeft dit thema' }, new Date()));
    expect(queued.status).toBe('queued');
    const press = (user: string) => testBot.bot.handleAction({ requester: { platform: 'console', userId: user }, place: { platform: 'console' }, actionId: 'advies.oppakken', value: queued.id });
    const outcomes = await Promise.all([press('coco'), press('cora')]);
    const texts = outcomes.map((outcome) => (outcome.kind === 'reply' ? outcome.reply.text ?? '' : outcome.kind));
    expect(texts.filter((text) => text.startsWith(`Je hebt ${queued.number} opgepakt`))).toHaveLength(1);
    expect(texts.filter((text) => new RegExp(`^${queued.number} is al opgepakt door (coco|cora)\\.$`).test(text))).toHaveLength(1);
    expect(await testBot.db.prisma.adviceEvent.count({ where: { requestId: queued.id, action: 'accepted' } })).toBe(1);
  });

  it('of the assigned adviser and a coordinator pressing Oppakken at once exactly one wins; the other is told who did (H18)', async () => {
    const offered = await run(() => advice().ask({ requesterId: fatima.id, theme: 'beleid', urgent: false, question: 'Voor anna' }, new Date()));
    expect(offered.assigneeName).toBe('anna');
    const press = (user: string) => testBot.bot.handleAction({ requester: { platform: 'console', userId: user }, place: { platform: 'console' }, actionId: 'advies.oppakken', value: offered.id });
    const outcomes = await Promise.all([press('anna'), press('coco')]);
    const texts = outcomes.map((outcome) => (outcome.kind === 'reply' ? outcome.reply.text ?? '' : outcome.kind));
    expect(texts.filter((text) => text.startsWith(`Je hebt ${offered.number} opgepakt`))).toHaveLength(1);
    // The loser reads the winner's name (anna, or coco who took it over).
    expect(texts.filter((text) => new RegExp(`^${offered.number} is al opgepakt door (anna|coco)\\.$`).test(text))).toHaveLength(1);
    expect(await testBot.db.prisma.adviceEvent.count({ where: { requestId: offered.id, action: 'accepted' } })).toBe(1);
  });
});
