// npm run keys:rotate: every encrypted field (found by convention, not listed) is re-encrypted
// with the new key, in batches; an interrupted run is run again and finishes; afterwards the
// bot reads everything with the new key and nothing opens with the old one. PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Requester } from '../../src/core/bot.ts';
import { createFieldCipher } from '../../src/core/crypto.ts';
import { joinMessageRef } from '../../src/core/messages/message-ref.ts';
import { dataModelOf } from '../../src/core/privacy/completeness.ts';
import { encryptedColumns, rotateKeys } from '../../src/core/privacy/key-rotation.ts';
import { createServices } from '../../src/core/services.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const OLD = createFieldCipher('test-secret-of-at-least-16-chars');
const NEW = createFieldCipher('a-brand-new-secret-for-the-rotation');
const SEALED = /v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*/g;

describe.each(testBackends())('key rotation on %s', (kind) => {
  let env: TestBot;
  const person = (userId: string): Requester => ({ platform: 'slack', userId, displayName: userId });
  /** Every ciphertext anywhere in the database. */
  const allSealed = async () => {
    const tables = await env.db.prisma.$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`;
    const found: string[] = [];
    for (const { tablename } of tables) {
      const rows = await env.db.prisma.$queryRawUnsafe<{ row: string }[]>(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
      for (const { row } of rows) found.push(...(row.match(SEALED) ?? []));
    }
    return found;
  };
  const opens = (cipher: typeof OLD, sealed: string) => {
    try {
      cipher.decrypt(sealed);
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    env = await createTestBot({ kind });
    await approveMember(env.services, 'slack', 'UPOSTER', 'iot', 'Poster');
    for (let i = 1; i <= 5; i++) {
      await env.bot.handleText({ requester: person('UPOSTER'), place: { platform: 'slack', channelRef: 'C1' }, command: 'update', text: `plaats Update nummer ${i}` });
    }
    const [update] = await env.services.updates.list({ limit: 1 });
    await env.bot.discussionStarted({ platform: 'slack', channelRef: 'C1', threadRef: '1.000001' }, { subjectType: 'update', subjectId: update!.id }, joinMessageRef('slack', ['C1', '1.000001']));
    await env.bot.threadMessage({ platform: 'slack', channelRef: 'C1', threadRef: '1.000001', messageRef: '1.000002', author: { platform: 'slack', userId: 'UPOSTER' }, text: 'Een reactie in de draad', eventKey: 'ev-r' });
    await env.services.formDrafts.put({ values: { tekst: 'half af' } });
  }, 120_000);
  afterAll(() => env?.close());

  it('finds the encrypted columns by convention', () => {
    const columns = encryptedColumns(dataModelOf(env.db.prisma)).map((column) => `${column.model}.${column.field}`);
    for (const column of ['ThreadMessage.bodyEncrypted', 'Update.body', 'FormDraft.payloadEncrypted', 'InboxEvent.requestEncrypted', 'InboxEvent.replyEncrypted', 'OutboxMessage.payload']) {
      expect(columns).toContain(column);
    }
    expect(columns).not.toContain('GuidePassage.body');
  });

  it('re-encrypts everything, survives an interruption, and the bot then reads it with the new key', async () => {
    const before = await allSealed();
    expect(before.length).toBeGreaterThan(10);
    expect(before.every((sealed) => opens(OLD, sealed))).toBe(true);
    const models = dataModelOf(env.db.prisma);
    // The first run stops after its first batch (a crash, a Ctrl-C).
    let batches = 0;
    await expect(
      rotateKeys(env.db.prisma, models, { from: OLD, to: NEW }, { batchSize: 2, onBatch: () => { if (++batches === 1) throw new Error('interrupted'); } }),
    ).rejects.toThrow('interrupted');
    const half = await allSealed();
    expect(half.some((sealed) => opens(NEW, sealed))).toBe(true);
    expect(half.some((sealed) => opens(OLD, sealed))).toBe(true);
    // Run again: it finishes, leaving alone what was done.
    const report = await rotateKeys(env.db.prisma, models, { from: OLD, to: NEW }, { batchSize: 2 });
    expect(report.alreadyNew).toBeGreaterThan(0);
    expect(report.unreadable).toEqual([]);
    const after = await allSealed();
    expect(after).toHaveLength(before.length);
    expect(after.filter((sealed) => !opens(NEW, sealed))).toEqual([]);
    expect(after.filter((sealed) => opens(OLD, sealed))).toEqual([]);

    // A bot started with the new key reads the updates and the discussion as they were written.
    const fresh = createServices(env.db.prisma, env.services.settings, NEW);
    expect((await fresh.updates.list({ limit: 10 })).map((u) => u.body).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `Update nummer ${i}`));
    const thread = await env.db.prisma.thread.findFirstOrThrow({ where: { subjectType: 'update' } });
    expect((await fresh.threads.messages(thread.id)).map((m) => m.text)).toEqual(['Een reactie in de draad']);
    // A third run has nothing left to do.
    const again = await rotateKeys(env.db.prisma, models, { from: OLD, to: NEW });
    expect(Object.values(again.rotated).every((count) => count === 0)).toBe(true);
  });
});
