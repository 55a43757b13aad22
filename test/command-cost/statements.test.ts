// What one command costs the database: the statements from the request coming in to its
// answer being recorded, including the outbox pass the command kicks. Deterministic (a count,
// not a time): one statement is about 1 ms of Prisma and round trip on PostgreSQL, 2 ms on
// PGlite, and most of a command's time (npm run bench, figures reply, ack and throughput).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/core/bot.ts';
import type { Place } from '../../src/core/framework/context.ts';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { testBackends, type TestDatabase } from '../support/db.ts';
import { countStatements } from './statements.ts';

const place: Place = { platform: 'slack', channelRef: 'CCOST', channelName: 'algemeen' };
const requester = { platform: 'slack' as const, userId: 'UCOST' };

describe.each(testBackends())('statements per command (%s)', (kind) => {
  let env: TestBot;
  let kicks: Promise<number>[];
  let keys = 0;

  beforeAll(async () => {
    env = await createTestBot({ kind, guide: true });
    await approveMember(env.services, 'slack', 'UCOST', 'smn', 'Kosten');
    // `/update lijst` lists something (an empty list reads less).
    await env.bot.handleText({ requester, place, command: 'update', text: 'plaats #samenwerking De eerste update' });
    // The kicked outbox passes are awaited, so their statements count with the command.
    kicks = [];
    env.bot.afterWork = () => void kicks.push(env.worker.kick());
  }, 120_000);
  afterAll(() => env?.close());

  /** The statements one request costs, from receipt to the recorded answer and the outbox pass. */
  async function cost(send: (base: { requester: typeof requester; place: Place; eventKey: string; acknowledge: () => Promise<void> }) => Promise<Outcome>) {
    const eventKey = `cost-${++keys}`;
    const counter = countStatements(env.db as TestDatabase);
    let outcome: Outcome;
    try {
      outcome = await send({ requester, place, eventKey, acknowledge: async () => {} });
      await env.bot.answered(eventKey);
      await Promise.all(kicks.splice(0));
    } finally {
      counter.stop();
    }
    return { outcome, statements: counter.statements };
  }

  const text = (command: string, line: string) => cost((base) => env.bot.handleText({ ...base, command, text: line }));

  /** The second time: the first may record the channel, the member's platform, plans. */
  async function steady(command: string, line: string) {
    await text(command, line);
    return text(command, line);
  }

  // The floor of a command with an inbox key: the row before the ack (a crash must not lose
  // it), the member, and the answer recorded. A command that writes does its work and the
  // inbox's DONE mark in one transaction (both or neither). One that only reads needs neither
  // the transaction nor the DONE mark (they were 3 of /help's 6 statements): the unit of work
  // begins its transaction at the first write, and after a crash a read is simply run again.
  // No outbox pass when nothing was queued (the timer pass remains).
  it('/help costs 3 statements and /update lijst 5: no transaction and no DONE mark for a command that only reads', async () => {
    const help = await steady('help', '');
    expect(help.statements).toEqual(['INSERT InboxEvent', 'SELECT PlatformIdentity', 'UPDATE InboxEvent']);
    const list = await steady('update', 'lijst');
    expect(list.statements).toEqual(['INSERT InboxEvent', 'SELECT PlatformIdentity', 'SELECT Update', 'SELECT Thread', 'UPDATE InboxEvent']);
  }, 60_000);

  it('a command that writes still does its work and its DONE mark in one transaction', async () => {
    const posted = await text('update', 'plaats #samenwerking Nog een update, in één transactie met het DONE-merk');
    const begin = posted.statements.indexOf('BEGIN');
    expect(begin).toBeGreaterThan(0);
    const done = posted.statements.indexOf('UPDATE InboxEvent');
    expect(done).toBeGreaterThan(begin);
    expect(posted.statements.indexOf('COMMIT')).toBeGreaterThan(done);
  }, 60_000);

  it('a command that queues a message still kicks the outbox at once', async () => {
    const sent = recordDeliveries(env, 'slack');
    const posted = await text('update', 'plaats #samenwerking Wie dit leest, kreeg het meteen');
    expect(posted.outcome.kind).toBe('reply');
    // Delivered by the pass the command kicked: this test's worker runs no timer.
    expect(sent.length).toBeGreaterThan(0);
    expect(await env.services.outbox.pendingCount(['slack'])).toBe(0);
  }, 60_000);

  it('answers given at the same moment are recorded together', async () => {
    const keys = ['together-1', 'together-2', 'together-3'];
    for (const eventKey of keys) await env.bot.handleText({ requester, place, command: 'help', text: '', eventKey, acknowledge: async () => {} });
    const counter = countStatements(env.db as TestDatabase);
    try {
      await Promise.all(keys.map((key) => env.bot.answered(key)));
    } finally {
      counter.stop();
    }
    // The first at once, the two that came while it was on its way in one statement.
    expect(counter.statements).toEqual(['UPDATE InboxEvent', 'UPDATE InboxEvent']);
    // Nothing is left for a recovery pass to answer again, and a redelivery is a duplicate.
    expect(await env.services.inbox.claimUnfinished(['slack'], 20, { leaseCutoff: new Date(Date.now() + 3_600_000) })).toEqual([]);
    const again = await env.bot.handleText({ requester, place, command: 'help', text: '', eventKey: 'together-2', acknowledge: async () => {} });
    expect(again.kind).toBe('duplicate');
  }, 60_000);

  it('prints what each common command costs', async () => {
    const rows: string[] = [];
    const record = (what: string, result: { outcome: Outcome; statements: string[] }) => {
      expect(result.outcome.kind).toBe('reply');
      rows.push(`${what.padEnd(24)} ${String(result.statements.length).padStart(3)}  ${result.statements.join(', ')}`);
    };
    record('/help', await steady('help', ''));
    record('/update plaats', await steady('update', 'plaats #samenwerking Een update over de kosten van een commando'));
    const listed = await steady('update', 'lijst');
    record('/update lijst', listed);
    const found = await steady('handreiking', 'zoek financiering');
    record('/handreiking zoek', found);
    record('/advies mijn', await steady('advies', 'mijn'));
    record('/overleg lijst', await steady('overleg', 'lijst'));
    const buttons = [listed, found].flatMap((result) => (result.outcome.kind === 'reply' ? (result.outcome.reply.buttons ?? []) : []));
    const button = buttons[0];
    expect(button).toBeDefined();
    record(`button ${button!.actionId}`, await cost((base) => env.bot.handleAction({ ...base, actionId: button!.actionId, value: button!.value })));
    console.log(`statements per command on ${kind}:\n${rows.join('\n')}`);
  }, 60_000);
});
