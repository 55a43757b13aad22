// Encryption at rest: after an update is posted (and copied to another updates channel), a
// message is written in its discussion and relayed, and a private conversation message is
// relayed, a full dump of the database (PGlite's data directory; pg_dump on PostgreSQL) holds
// none of their texts. Also: update bodies stored in plain text before encryption are still
// read, and encrypted by the start-up pass.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { testBackends, type TestDatabase } from '../support/db.ts';

const run = promisify(execFile);
const PG_DUMP = existsSync('/usr/lib/postgresql/15/bin/pg_dump') ? '/usr/lib/postgresql/15/bin/pg_dump' : 'pg_dump';

const UPDATE_TEXT = 'Geheim-update-7Q4 over de wijkaanpak';
const THREAD_TEXT = 'Geheim-draad-K9P met een reactie';
const PRIVATE_TEXT = 'Geheim-gesprek-M2X tussen twee mensen';

describe.each(testBackends())('encryption at rest on %s', (kind) => {
  let testBot: TestBot;
  beforeAll(async () => {
    testBot = await createTestBot({ kind });
  }, 120_000);
  afterAll(async () => {
    await testBot?.close();
  });

  /** Every byte of the database as a backup would hold it. */
  async function dump(): Promise<string> {
    const db = testBot.db as TestDatabase;
    if (db.pglite) return Buffer.from(await (await db.pglite.dumpDataDir('none')).arrayBuffer()).toString('latin1');
    const { stdout } = await run(PG_DUMP, ['--dbname', db.url!, '--no-owner'], { maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  }

  it('keeps no update, thread or relayed text readable in a dump of the database', async () => {
    const { services, bot } = testBot;
    recordDeliveries(testBot, 'slack');
    recordDeliveries(testBot, 'console');
    await services.updateChannels.set({ platform: 'slack', ref: 'CUPDATES' }, true);
    await approveMember(services, 'console', 'fatima', 'iot', 'Fatima');
    const posted = await bot.handleText({ requester: { platform: 'console', userId: 'fatima' }, place: { platform: 'console', channelRef: 'console' }, command: 'update', text: `plaats #regie ${UPDATE_TEXT}` });
    expect(posted.kind).toBe('reply');
    const update = (await services.updates.list())[0]!;
    expect(update.body).toBe(UPDATE_TEXT);
    // Two places of its discussion (where the copies landed), one reply relayed to the other.
    await bot.discussionStarted({ platform: 'slack', channelRef: 'CUPDATES', threadRef: '1700000000.000001' }, { subjectType: 'update', subjectId: update.id });
    await bot.discussionStarted({ platform: 'slack', channelRef: 'COTHER', threadRef: '1700000000.000002' }, { subjectType: 'update', subjectId: update.id });
    const author = { platform: 'slack' as const, userId: 'UJAN', displayName: 'Jan' };
    expect(await bot.threadMessage({ platform: 'slack', channelRef: 'CUPDATES', threadRef: '1700000000.000001', messageRef: '1700000000.000003', author, text: THREAD_TEXT, eventKey: 'ev-1' })).toBe('stored');
    // A private conversation message, relayed.
    const ids = await Promise.all(['amira', 'bram'].map(async (name) => (await services.members.resolve('console', name)).id));
    await services.conversations.open({ subject: { type: 'proef', id: 'P-9' }, participants: ids, title: 'Een privégesprek' });
    expect(await bot.threadMessage({ platform: 'console', channelRef: '@amira', threadRef: 'P-9', messageRef: 'l-1', author: { platform: 'console', userId: 'amira' }, text: PRIVATE_TEXT, eventKey: 'ev-2' })).toBe('stored');
    await testBot.worker.drain();
    expect(await testBot.db.prisma.outboxMessage.count({ where: { status: 'SENT' } })).toBeGreaterThanOrEqual(3);

    const bytes = await dump();
    // The dump is readable at all (the names of the tables are in it), and holds none of the texts.
    expect(bytes).toContain('ThreadMessage');
    for (const secret of ['Geheim-update-7Q4', 'Geheim-draad-K9P', 'Geheim-gesprek-M2X']) expect(bytes.includes(secret), secret).toBe(false);
  }, 120_000);

  it('reads update bodies stored in plain text before encryption, and encrypts them at start-up', async () => {
    const { services, db } = testBot;
    const author = await services.members.resolve('console', 'oud');
    await db.prisma.update.create({ data: { authorId: author.id, body: 'Een oude update van voor de versleuteling' } });
    expect((await services.updates.list({ limit: 100 })).map((u) => u.body)).toContain('Een oude update van voor de versleuteling');
    expect(await services.updates.encryptLegacyBodies()).toBe(1);
    expect(await services.updates.encryptLegacyBodies()).toBe(0);
    const raw = await db.prisma.update.findMany({ select: { body: true } });
    expect(raw.every((row) => row.body.startsWith('v1:'))).toBe(true);
    expect((await services.updates.list({ limit: 100 })).map((u) => u.body)).toContain('Een oude update van voor de versleuteling');
  });
});
