// Several instances on one PostgreSQL (the contract: they share DATABASE_URL): each runs the
// digest job every minute; every due digest is sent exactly once, whichever instance gets
// there first, over many runs; a subscription made on one is sent by another. And a restart
// between recording and sending: the digest stays queued once and goes once.
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFieldCipher } from '../../src/core/crypto.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { OutboxWorker } from '../../src/core/outbox/worker.ts';
import { createServices, type Services } from '../../src/core/services.ts';
import { openDatabase, type Database } from '../../src/db/index.ts';
import { digests as digestJob } from '../../src/scheduler/jobs.ts';
import { silentLogger } from '../support/bot.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { settings } from './support.ts';

interface Instance {
  db: Database;
  services: Services;
  worker: OutboxWorker;
  sent: OutboxItem[];
}

async function startInstance(url: string): Promise<Instance> {
  const db = await openDatabase({ databaseUrl: url, dataDir: tmpdir() });
  const services = createServices(db.prisma, { timezone: 'Europe/Amsterdam', defaultLocale: 'nl', admins: [] }, createFieldCipher('test-secret-of-at-least-16-chars'));
  const sent: OutboxItem[] = [];
  const worker = new OutboxWorker(services.outbox, new Map([['console', async (item: OutboxItem) => void sent.push(item)]]), silentLogger);
  return { db, services, worker, sent };
}

async function stopInstance(instance: Instance): Promise<void> {
  await instance.worker.stop();
  await instance.db.close();
}

const channel = (n: number) => ({ platform: 'console' as const, ref: `kanaal-${n}`, name: `kanaal-${n}` });

describe.skipIf(!process.env.TEST_DATABASE_URL)('digests with two instances on one PostgreSQL', () => {
  let server: TestDatabase;
  let a: Instance;
  let b: Instance;
  beforeAll(async () => {
    server = await createTestDatabase('postgres');
    a = await startInstance(server.url!);
    b = await startInstance(server.url!);
  });
  afterAll(async () => {
    if (a) await stopInstance(a);
    if (b) await stopInstance(b);
    await server?.close();
  });

  it('sends each due digest exactly once while both race every minute, over many runs', async () => {
    const member = await a.services.members.resolve('console', 'local');
    // Eight channels, all at 09:00 on Wednesday 2 December 2026 (08:00 UTC), made on either instance.
    for (let n = 0; n < 8; n++) {
      const on = n % 2 ? a : b;
      await on.services.digests.subscribe(channel(n), settings({ hour: 9 }), member.id, new Date('2026-12-01T12:00:00Z'));
    }
    for (let minute = -1; minute < 10; minute++) {
      const now = new Date(Date.UTC(2026, 11, 2, 8, 0, 0) + minute * 60_000 + 7_000);
      await Promise.all([digestJob.run(a.services, now), digestJob.run(b.services, now), digestJob.run(a.services, now)]);
      await Promise.all([a.worker.drain(), b.worker.drain()]);
    }
    const delivered = [...a.sent, ...b.sent].map((item) => item.target.ref).sort();
    expect(delivered).toEqual(Array.from({ length: 8 }, (_, n) => `kanaal-${n}`).sort());
    expect(await a.db.prisma.outboxMessage.count({ where: { dedupeKey: { startsWith: 'digest:' } } })).toBe(8);
  }, 180_000);

  it('a subscription made on one instance is sent by the other, which alone runs the job', async () => {
    const member = await a.services.members.resolve('console', 'local');
    await a.services.digests.subscribe(channel(99), settings({ hour: 10 }), member.id, new Date('2026-12-01T12:00:00Z'));
    const before = b.sent.length;
    await digestJob.run(b.services, new Date('2026-12-02T09:00:30Z'));
    await b.worker.drain();
    expect(b.sent.slice(before).map((item) => item.target.ref)).toEqual(['kanaal-99']);
  });

  it('a restart after recording and before sending: the next instance sends it once, the job does not queue it again', async () => {
    const member = await a.services.members.resolve('console', 'local');
    await a.services.digests.subscribe(channel(50), settings({ hour: 11 }), member.id, new Date('2026-12-01T12:00:00Z'));
    const slot = new Date('2026-12-02T10:00:10Z');
    // A records and queues it, then dies before its worker sends anything.
    await digestJob.run(a.services, slot);
    await stopInstance(a);
    const c = await startInstance(server.url!);
    try {
      await digestJob.run(c.services, new Date(slot.getTime() + 60_000));
      await digestJob.run(b.services, new Date(slot.getTime() + 120_000));
      await Promise.all([c.worker.drain(), b.worker.drain()]);
      const mine = [...c.sent, ...b.sent].filter((item) => item.target.ref === 'kanaal-50');
      expect(mine).toHaveLength(1);
    } finally {
      a = c;
    }
  });
});
