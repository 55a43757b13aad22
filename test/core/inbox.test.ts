// What the bot acknowledged survives a crash: an event stored in the inbox by a process that
// died before it finished is done once and answered once by the recovery (on this instance at
// start-up, or on another one after the lease); a handler's work and its "done" mark commit
// together or not at all; and a person who was never told "got it" is not surprised later.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoredRequest } from '../../src/core/inbox/inbox.ts';
import { defineCommand, invocable } from '../../src/core/framework/declarations.ts';
import { ephemeral } from '../../src/core/framework/reply.ts';
import { InboxRecovery } from '../../src/core/inbox/recovery.ts';
import type { Reply } from '../../src/core/framework/reply.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { createTestBot, recordDeliveries, silentLogger, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

describe.each(testBackends())('the inbox on %s', (kind) => {
  let env: TestBot;
  let answers: { route: unknown; reply: Reply }[];
  let dms: OutboxItem[];
  let routeWorks: boolean;

  const recovery = (options: { takeOverAtStart?: boolean } = {}) =>
    new InboxRecovery(
      env.bot,
      env.services.inbox,
      env.services.outbox,
      new Map([
        [
          'slack',
          async (route: unknown, reply: Reply) => {
            if (!routeWorks) return false;
            answers.push({ route, reply });
            return true;
          },
        ],
      ]),
      silentLogger,
      options,
    );

  // Bodies are encrypted at rest: count what the bot itself would list.
  const updates = async (body: string) => (await env.services.updates.list({ limit: 10_000 })).filter((update) => update.body === body).length;

  /** An update command as the Slack adapter stores it, before the process died. */
  const leftBehind = async (key: string, body: string, acknowledged = true) => {
    const request: StoredRequest = {
      kind: 'text',
      requester: { platform: 'slack', userId: 'UADMIN' },
      place: { platform: 'slack', channelRef: 'C1', channelName: 'alliantie' },
      command: 'update',
      text: `plaats ${body}`,
      route: { responseUrl: `https://hooks.example/${key}` },
    };
    await env.services.inbox.receive(key, request, { acknowledged }, new Date(Date.now() - 5 * 60_000));
  };

  beforeAll(async () => {
    env = await createTestBot({ kind, admins: ['slack:UADMIN'] });
  });
  afterAll(() => env?.close());
  beforeEach(() => {
    answers = [];
    dms = recordDeliveries(env, 'slack');
    routeWorks = true;
  });

  it('does an acknowledged command that a crash left behind once, and answers it once', async () => {
    await leftBehind('slack:cmd:crash-1', 'Na de crash alsnog geplaatst');
    await recovery().kick();
    await recovery().kick();
    expect(await updates('Na de crash alsnog geplaatst')).toBe(1);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.route).toEqual({ responseUrl: 'https://hooks.example/slack:cmd:crash-1' });
    expect(JSON.stringify(answers[0]!.reply)).toContain('Na de crash alsnog geplaatst');
  });

  it('answers a command that only read once more after a crash before its answer was recorded, and then once only', async () => {
    // A read leaves no DONE mark (nothing to commit with): its row stays RECEIVED until it is
    // answered, as here, where the process died between the handler and the answer.
    const request: StoredRequest = {
      kind: 'text',
      requester: { platform: 'slack', userId: 'UADMIN' },
      place: { platform: 'slack', channelRef: 'C1', channelName: 'alliantie' },
      command: 'update',
      text: 'lijst',
      route: { responseUrl: 'https://hooks.example/slack:cmd:read-1' },
    };
    await env.services.inbox.receive('slack:cmd:read-1', request, { acknowledged: true }, new Date(Date.now() - 5 * 60_000));
    await recovery().kick();
    await recovery().kick();
    expect(answers).toHaveLength(1);
    expect(answers[0]!.route).toEqual({ responseUrl: 'https://hooks.example/slack:cmd:read-1' });
    expect(JSON.stringify(answers[0]!.reply)).toContain('Na de crash alsnog geplaatst');
  });

  it('a redelivery of the finished event is a duplicate, not a second update', async () => {
    const outcome = await env.bot.handleText({
      requester: { platform: 'slack', userId: 'UADMIN' },
      place: { platform: 'slack', channelRef: 'C1' },
      command: 'update',
      text: 'plaats Na de crash alsnog geplaatst',
      eventKey: 'slack:cmd:crash-1',
    });
    expect(outcome.kind).toBe('duplicate');
    expect(await updates('Na de crash alsnog geplaatst')).toBe(1);
  });

  it('leaves an event alone while its lease runs (another instance is at work), unless it is ours to take over', async () => {
    const request: StoredRequest = {
      kind: 'text',
      requester: { platform: 'slack', userId: 'UADMIN' },
      place: { platform: 'slack', channelRef: 'C1' },
      command: 'update',
      text: 'plaats Nog onder handen',
    };
    await env.services.inbox.receive('slack:cmd:busy', request, { acknowledged: true });
    await recovery().kick();
    expect(await updates('Nog onder handen')).toBe(0);
    // The same process restarted on a locked embedded database: everything older is its own.
    const restarted = recovery({ takeOverAtStart: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await restarted.kick();
    expect(await updates('Nog onder handen')).toBe(1);
  });

  it('answers work that was done but not answered with the stored reply, without doing it again', async () => {
    await leftBehind('slack:cmd:done-1', 'Gedaan maar niet beantwoord');
    // The handler ran and committed; the process died before the answer went out.
    await env.services.unitOfWork.run(async () => {
      await env.services.updates.post({ authorId: (await env.services.members.resolve('slack', 'UADMIN')).id, body: 'Gedaan maar niet beantwoord' });
      await env.services.inbox.complete('slack:cmd:done-1', { visibility: 'ephemeral', text: 'Opgeslagen antwoord' });
    });
    // ...and its lease, renewed by that mark for the time of the answer, ran out since.
    await env.db.prisma.inboxEvent.update({ where: { key: 'slack:cmd:done-1' }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    await recovery().kick();
    expect(await updates('Gedaan maar niet beantwoord')).toBe(1);
    expect(answers.map((answer) => answer.reply.text)).toEqual(['Opgeslagen antwoord']);
  });

  it('sends the answer by DM when the platform no longer takes it at the original place', async () => {
    routeWorks = false;
    await leftBehind('slack:cmd:late-1', 'Te laat voor de response_url');
    await recovery().kick();
    await env.worker.drain();
    expect(await updates('Te laat voor de response_url')).toBe(1);
    // Besides the author's confirmation of the update (with its edit buttons): the answer.
    const answers = dms.filter((dm) => dm.dedupeKey === 'inbox:slack:cmd:late-1');
    expect(answers).toHaveLength(1);
    expect(answers[0]!.target).toEqual({ platform: 'slack', kind: 'user', ref: 'UADMIN' });
    expect(answers[0]!.reply.visibility).toBe('ephemeral');
    expect(answers[0]!.reply.title).toContain('eerdere opdracht');
  });

  it('does not do later what the person never got a "got it" for (they saw an error and will try again)', async () => {
    await leftBehind('discord-like:never-acked', 'Nooit bevestigd', false);
    await recovery().kick();
    expect(await updates('Nooit bevestigd')).toBe(0);
    expect(answers).toHaveLength(0);
  });

  it('commits a handler and its done-mark together: when the mark fails, the update is not stored either', async () => {
    // Break the commit path for real: the database refuses to mark this event done.
    await env.db.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION refuse_done() RETURNS trigger AS $$
      BEGIN IF NEW.key = 'slack:cmd:atomic' AND NEW.status = 'DONE' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await env.db.prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_done BEFORE UPDATE ON "InboxEvent" FOR EACH ROW EXECUTE FUNCTION refuse_done()`);
    try {
      const outcome = await env.bot.handleText({
        requester: { platform: 'slack', userId: 'UADMIN' },
        place: { platform: 'slack', channelRef: 'C1' },
        command: 'update',
        text: 'plaats Half opgeslagen?',
        eventKey: 'slack:cmd:atomic',
      });
      expect(outcome.kind).toBe('reply');
      expect(outcome.kind === 'reply' && outcome.reply.isError).toBe(true);
      expect(await updates('Half opgeslagen?')).toBe(0);
    } finally {
      await env.db.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_done ON "InboxEvent"`);
    }
  });

  it('forgets what people typed once they have the answer', async () => {
    const outcome = await env.bot.handleText({
      requester: { platform: 'slack', userId: 'UADMIN' },
      place: { platform: 'slack', channelRef: 'C1' },
      command: 'update',
      text: 'plaats Vertrouwelijk bericht',
      eventKey: 'slack:cmd:wipe',
    });
    expect(outcome.kind).toBe('reply');
    await env.bot.answered('slack:cmd:wipe');
    const row = await env.db.prisma.inboxEvent.findUniqueOrThrow({ where: { key: 'slack:cmd:wipe' } });
    expect(row).toMatchObject({ status: 'ANSWERED', requestEncrypted: null, replyEncrypted: null });
  });

  it('stores a burst of events together, each once, the first of two deliveries being the new one', async () => {
    const request = (n: number): StoredRequest => ({
      kind: 'text',
      requester: { platform: 'slack', userId: 'UADMIN' },
      place: { platform: 'slack', channelRef: 'C1' },
      command: 'update',
      text: `plaats Burst ${n}`,
    });
    // 40 events, the first ten delivered twice in the same burst, and one stored earlier.
    await env.services.inbox.receive('slack:burst:0', request(0), { acknowledged: true });
    const keys = [...Array.from({ length: 40 }, (_, n) => n), ...Array.from({ length: 10 }, (_, n) => n)];
    const receipts = await Promise.all(keys.map((n) => env.services.inbox.receive(`slack:burst:${n}`, request(n), { acknowledged: true })));
    expect(receipts.slice(0, 40)).toEqual(['duplicate', ...Array(39).fill('new')]);
    expect(receipts.slice(40)).toEqual(Array(10).fill('duplicate'));
    expect(await env.db.prisma.inboxEvent.count({ where: { key: { startsWith: 'slack:burst:' } } })).toBe(40);
  });
  it('does the work once when two attempts at one event overlap (two instances whose claims raced)', async () => {
    await leftBehind('slack:cmd:race', 'Twee keer opgepakt');
    const claimed = await env.services.inbox.claimUnfinished(['slack'], 20, { leaseCutoff: new Date(Date.now() + 10 * 60_000) });
    const event = claimed.find((candidate) => candidate.key === 'slack:cmd:race');
    const replies = await Promise.all([env.bot.finishUnfinished(event!), env.bot.finishUnfinished(event!)]);
    expect(await updates('Twee keer opgepakt')).toBe(1);
    // The attempt that lost leaves the answer to the one that won.
    expect(replies.filter(Boolean)).toHaveLength(1);
  });
});

// PostgreSQL only: the busy handler holds its transaction open while it waits, and on PGlite,
// one connection, every other statement (the recovery pass's too) waits for that transaction,
// so the pass could not run meanwhile there at all; whether it did before the handler's BEGIN
// was admitted depended on the machine's load (it failed that way in CI).
describe.each(process.env.TEST_DATABASE_URL ? (['postgres'] as const) : [])('a command queued behind busy handlers on %s', (kind) => {
  let env: TestBot;
  let openGate: () => void = () => {};
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  // A handler that keeps the only handler slot busy until the test lets it go.
  const busy = defineCommand({
    name: 'bezig',
    root: invocable({ access: 'everyone', options: {}, run: async () => (await gate, ephemeral({ text: 'klaar' })) }),
  });

  beforeAll(async () => {
    env = await createTestBot({ kind, admins: ['slack:UADMIN'], extraCommands: [busy], botOptions: { concurrency: 1 } });
  });
  afterAll(async () => {
    openGate();
    await env?.close();
  });

  it('keeps its lease while it waits: a recovery pass neither takes it nor runs it a second time', async () => {
    const ask = (command: string, text: string, eventKey: string, acknowledge?: () => Promise<void>) =>
      env.bot.handleText({ requester: { platform: 'slack', userId: 'UADMIN' }, place: { platform: 'slack', channelRef: 'C1' }, command, text, eventKey, acknowledge });
    const first = ask('bezig', '', 'slack:cmd:busy-1');
    // Its ack is slow (the platform's HTTP response on a slow line) and ends only after the
    // recovery pass below: the event must count as held from the moment it is stored.
    let passDone: () => void = () => {};
    const acked = new Promise<void>((resolve) => (passDone = resolve));
    const queued = ask('update', 'plaats In de rij', 'slack:cmd:queued-1', () => acked);
    const row = () => env.db.prisma.inboxEvent.findUnique({ where: { key: 'slack:cmd:queued-1' } });
    await expect.poll(row).not.toBeNull();
    // As if it had waited longer than its lease (a long queue in a burst).
    await env.db.prisma.inboxEvent.update({ where: { key: 'slack:cmd:queued-1' }, data: { leaseUntil: new Date(Date.now() - 1000), acknowledged: true } });
    const pass = new InboxRecovery(env.bot, env.services.inbox, env.services.outbox, new Map([['slack', async () => true]]), silentLogger).kick();
    // A pass that took it would wait for the busy handler, which only goes on after this check:
    // it would never finish in time, however long the wait. 20 s leaves room for a busy machine.
    expect(await Promise.race([pass, new Promise((resolve) => setTimeout(() => resolve('waiting for the queue'), 20_000))])).toBe(0);
    passDone();
    expect((await row())!.leaseUntil.getTime()).toBeGreaterThan(Date.now());
    openGate();
    expect((await queued).kind).toBe('reply');
    await first;
    expect((await env.services.updates.list({ limit: 100 })).filter((update) => update.body === 'In de rij')).toHaveLength(1);
  });
});
