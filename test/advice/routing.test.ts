// Routing choices (issue 10): expertise, workload, capacity, absence, round-robin, nobody
// available (the coordinators' queue, a DM to every coordinator and admin), urgent requests
// (past capacity, and the coordinators are told at once). Pure rule first, then on the console.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseAdviser, type AdviserLoad } from '../../src/core/advice/routing.ts';
import { approveMember } from '../support/bot.ts';
import { startAdviceConsole, type AdviceConsole } from './console-harness.ts';

const NOW = new Date('2026-12-02T10:00:00Z');
const adviser = (memberId: string, open: number, extra: Partial<AdviserLoad> = {}): AdviserLoad => ({ memberId, themes: ['beleid'], capacity: 3, open, ...extra });

describe('the routing rule', () => {
  it('picks the adviser with the theme and the fewest open requests', () => {
    expect(chooseAdviser([adviser('a', 2), adviser('b', 1), adviser('c', 0, { themes: ['regie'] })], 'beleid', false, NOW)?.memberId).toBe('b');
  });
  it('skips advisers at capacity, unless the request is urgent', () => {
    const full = [adviser('a', 3), adviser('b', 4, { capacity: 4 })];
    expect(chooseAdviser(full, 'beleid', false, NOW)).toBeUndefined();
    expect(chooseAdviser(full, 'beleid', true, NOW)?.memberId).toBe('a');
  });
  it('skips advisers who are away until a later moment, not those whose absence ended', () => {
    const list = [adviser('a', 0, { awayUntil: new Date('2026-12-03T00:00:00Z') }), adviser('b', 2, { awayUntil: new Date('2026-12-01T00:00:00Z') })];
    expect(chooseAdviser(list, 'beleid', false, NOW)?.memberId).toBe('b');
    expect(chooseAdviser([list[0]!], 'beleid', true, NOW)).toBeUndefined();
  });
  it('breaks ties round-robin: the one assigned longest ago (never counts as longest)', () => {
    const list = [adviser('a', 1, { lastAssignedAt: new Date('2026-12-01T09:00:00Z') }), adviser('b', 1, { lastAssignedAt: new Date('2026-11-30T09:00:00Z') })];
    expect(chooseAdviser(list, 'beleid', false, NOW)?.memberId).toBe('b');
    expect(chooseAdviser([...list, adviser('c', 1)], 'beleid', false, NOW)?.memberId).toBe('c');
  });
});

describe('routing on the console', () => {
  let c: AdviceConsole;
  const year = new Date().getFullYear();
  const nr = (n: number) => `A-${year}-${String(n).padStart(4, '0')}`;
  const ask = (text: string) => c.say('fatima', `/advies vraag ${text}`);
  beforeAll(async () => {
    c = await startAdviceConsole();
    for (const id of ['anna', 'bram', 'carla']) {
      await c.say(id, '/profiel');
      await c.say('local', `/profiel rol ${id} adviseur`);
    }
    for (const id of ['coco', 'cora']) {
      await c.say(id, '/profiel');
      await c.say('local', `/profiel rol ${id} coordinator`);
    }
    await approveMember(c.testBot.services, 'console', 'fatima', 'iot', 'fatima');
    await c.say('coco', '/advies adviseur anna beleid capaciteit:1');
    await c.say('coco', '/advies adviseur bram beleid, regie capaciteit:1');
    await c.say('coco', '/advies adviseur carla huwelijksdwang capaciteit:1');
    for (const id of ['anna', 'bram', 'carla', 'coco', 'cora', 'local']) await c.fresh(id);
  }, 120_000);
  afterAll(async () => {
    await c?.close();
  });

  it('goes round-robin between two free advisers with the theme, then to nobody at capacity', async () => {
    expect(await ask('#beleid Eerste vraag over beleid')).toContain('Adviseur: ');
    expect(await ask('#beleid Tweede vraag over beleid')).toContain('Adviseur: ');
    const first = await c.fresh('anna');
    const second = await c.fresh('bram');
    // One each: the second went to the other (fewest open), never twice to the same.
    expect([first, second].filter((dm) => dm.includes('Adviesvraag')).length).toBe(2);
    expect(await c.fresh('carla')).toBe('');
  });

  it('puts a request in the coordinators\' queue when nobody fits, with a DM to every coordinator and admin', async () => {
    const answer = await ask('#beleid Derde vraag, iedereen zit vol');
    expect(answer).toContain('Er wordt een adviseur voor gezocht');
    for (const id of ['coco', 'cora', 'local']) {
      const dm = await c.fresh(id);
      expect(dm).toContain(`Adviesvraag ${nr(3)}`);
      expect(dm).toContain('wachtrij van de coördinatoren');
      expect(dm).toContain('[1] Oppakken');
    }
    expect(await c.fresh('anna')).toBe('');
    expect(await ask('#lhbti Niemand heeft dit thema')).toContain('Er wordt een adviseur voor gezocht');
    expect(await c.fresh('coco')).toContain(`Adviesvraag ${nr(4)}`);
  });

  it('gives an urgent request to an adviser at capacity and tells the coordinators at once', async () => {
    expect(await ask('#huwelijksdwang Tussendoor een gewone vraag')).toContain('Adviseur: carla');
    await c.fresh('carla');
    expect(await ask('#huwelijksdwang urgentie:hoog Een urgente vraag')).toContain('Adviseur: carla');
    expect(await c.fresh('carla')).toContain(`Urgente adviesvraag ${nr(6)}`);
    for (const id of ['coco', 'cora', 'local']) expect(await c.fresh(id)).toContain(`Urgente adviesvraag ${nr(6)}`);
  });

  it('skips an adviser who is away', async () => {
    await c.say('coco', '/advies adviseur anna regie capaciteit:5');
    await c.say('bram', `/advies afwezig bram ${year + 1}-06-01`);
    await c.say('coco', '/advies adviseur bram regie capaciteit:5');
    expect(await ask('#regie Een vraag over regie')).toContain('Adviseur: anna');
    expect(await c.fresh('bram')).toBe('');
  });

  it('a coordinator picks a queued request up; a second coordinator pressing later is told who did', async () => {
    const request = await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { number: nr(3) } });
    const press = (user: string) => c.testBot.bot.handleAction({ requester: { platform: 'console', userId: user }, place: { platform: 'console' }, actionId: 'advies.oppakken', value: request.id });
    const [one, two] = await Promise.all([press('coco'), press('cora')]);
    const texts = [one, two].map((outcome) => (outcome.kind === 'reply' ? outcome.reply.text : outcome.kind));
    expect(texts.filter((text) => text?.startsWith(`Je hebt ${nr(3)} opgepakt`))).toHaveLength(1);
    expect(texts.filter((text) => /is al opgepakt door (coco|cora)\./.test(text ?? ''))).toHaveLength(1);
    expect(await c.testBot.db.prisma.adviceEvent.count({ where: { requestId: request.id, action: 'accepted' } })).toBe(1);
    // Every copy of the queue DM now says who picked it up.
    const winner = (await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { id: request.id }, include: { assignee: true } })).assignee!.displayName;
    for (const id of ['coco', 'cora', 'local']) expect(await c.fresh(id)).toContain(`Opgepakt door ${winner}.`);
    expect(await c.testBot.db.prisma.auditLog.count({ where: { action: 'advice.accept', subject: nr(3) } })).toBe(1);
  });
});
