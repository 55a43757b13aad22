// Messages that must arrive: queued once per key, sent through the adapter, retried after
// failures (waiting as long as the platform asked), and never sent twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRef } from '../../src/core/messages/message-ref.ts';
import { splitReply } from '../../src/core/outbox/split.ts';
import { MessageGoneError, OutboxWorker, OutcomeUnknownError, RetryLaterError } from '../../src/core/outbox/worker.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { createTestBot, recordDeliveries, silentLogger, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

describe.each(testBackends())('outbox on %s', (kind) => {
  let env: TestBot;
  beforeAll(async () => {
    env = await createTestBot({ kind });
  });
  afterAll(() => env?.close());

  const queue = (dedupeKey: string, text: string, ref = 'U1') =>
    env.services.outbox.enqueue(env.db.prisma, {
      dedupeKey,
      target: { platform: 'slack', kind: 'user', ref },
      locale: 'nl',
      reply: { visibility: 'ephemeral', text },
    });

  it('queues a message once per dedupe key and sends it once', async () => {
    const sent: OutboxItem[] = [];
    env.deliverers.set('slack', async (item) => void sent.push(item));
    await queue('once', 'Hallo');
    await queue('once', 'Hallo');
    await env.worker.drain();
    await env.worker.drain();
    expect(sent.map((item) => item.reply.text)).toEqual(['Hallo']);
    expect(await env.services.outbox.pendingCount(['slack'])).toBe(0);
  });

  it('keeps a message after a failure and sends it on a later try', async () => {
    let failures = 1;
    const sent: string[] = [];
    env.deliverers.set('slack', async (item) => {
      if (failures-- > 0) throw new Error('HTTP 500 from the platform');
      sent.push(item.reply.text!);
    });
    await queue('flaky', 'Na een storing');
    await env.worker.drain();
    expect(sent).toEqual([]);
    const row = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'flaky' } });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, lastError: 'HTTP 500 from the platform' });
    // Make the retry due now instead of waiting out the back-off.
    await env.db.prisma.outboxMessage.update({ where: { id: row.id }, data: { nextAttemptAt: new Date() } });
    await env.worker.drain();
    expect(sent).toEqual(['Na een storing']);
  });

  it('keeps the order of messages to one place while an earlier one is retried, and lets one failing for long no longer hold up the rest', async () => {
    const sent: string[] = [];
    let failFirst = 1;
    env.deliverers.set('slack', async (item) => {
      if (item.reply.text === 'Eerste' && failFirst-- > 0) throw new Error('HTTP 500 from the platform');
      sent.push(item.reply.text!);
    });
    await queue('order-1', 'Eerste', 'U-ORDER');
    await queue('order-2', 'Tweede', 'U-ORDER');
    await queue('order-other', 'Elders', 'U-OTHER');
    await env.worker.drain();
    // The first failed; the second waits for it, the other place does not.
    expect(sent).toEqual(['Elders']);
    await queue('order-3', 'Derde', 'U-ORDER');
    await env.worker.drain();
    expect(sent).toEqual(['Elders']);
    await env.db.prisma.outboxMessage.update({ where: { dedupeKey: 'order-1' }, data: { nextAttemptAt: new Date() } });
    await env.worker.drain();
    expect(sent).toEqual(['Elders', 'Eerste', 'Tweede', 'Derde']);

    // One that has failed five times (about a minute of back-off) holds nothing up any more.
    env.deliverers.set('slack', async (item) => {
      if (item.reply.text === 'Kapot') throw new Error('HTTP 500 from the platform');
      sent.push(item.reply.text!);
    });
    await queue('order-broken', 'Kapot', 'U-ORDER');
    await env.db.prisma.outboxMessage.update({ where: { dedupeKey: 'order-broken' }, data: { attempts: 5, nextAttemptAt: new Date(Date.now() + 60_000) } });
    await queue('order-4', 'Vierde', 'U-ORDER');
    await env.worker.drain();
    expect(sent.at(-1)).toBe('Vierde');
  });

  it('waits as long as the platform asked when it answers 429', async () => {
    env.deliverers.set('slack', async () => {
      throw new RetryLaterError('rate limited', 30_000);
    });
    const before = Date.now();
    // A place of its own: it stays pending, and later messages to its place wait for it.
    await queue('limited', 'Even geduld', 'U-LIMITED');
    await env.worker.drain();
    const row = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'limited' } });
    expect(row.status).toBe('PENDING');
    expect(row.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(29_000);
  });

  it('leaves messages for platforms that are not running untouched, and sends them once that platform runs', async () => {
    env.deliverers.delete('discord');
    const slackSent = recordDeliveries(env, 'slack');
    await env.services.outbox.enqueue(env.db.prisma, {
      dedupeKey: 'discord-only',
      target: { platform: 'discord', kind: 'user', ref: '42' },
      locale: 'en',
      reply: { visibility: 'ephemeral', text: 'later' },
    });
    const queued = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'discord-only' } });
    await env.worker.drain();
    // Not claimed, not tried, not leased: exactly as it was queued.
    const waiting = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'discord-only' } });
    expect(waiting).toMatchObject({ status: 'PENDING', attempts: 0, lastError: null, sentAt: null });
    expect(waiting.nextAttemptAt).toEqual(queued.nextAttemptAt);
    expect(slackSent).toEqual([]);

    const discordSent = recordDeliveries(env, 'discord');
    await env.worker.drain();
    await env.worker.drain();
    expect(discordSent.map((item) => [item.dedupeKey, item.target.ref, item.reply.text])).toEqual([['discord-only', '42', 'later']]);
    expect((await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'discord-only' } })).status).toBe('SENT');
    env.deliverers.delete('discord');
  });

  it('stores the ref of the sent message, to be found by dedupe key', async () => {
    env.deliverers.set('slack', async (item) => `slack:D${item.target.ref}:1700000000.000042` as MessageRef);
    await queue('with-ref', 'Met verwijzing', 'UREF');
    expect(await env.services.outbox.messageRef('with-ref')).toBeUndefined();
    await env.worker.drain();
    expect(await env.services.outbox.messageRef('with-ref')).toBe('slack:DUREF:1700000000.000042');
    expect(await env.services.outbox.messageRef('never-queued')).toBeUndefined();
  });

  it('remembers that an attempt may have posted, through later failures, so the next one looks first', async () => {
    const seen: boolean[] = [];
    const failures = [new OutcomeUnknownError('slack chat.postMessage: request failed'), new RetryLaterError('rate limited', 0)];
    env.deliverers.set('slack', async (item) => {
      seen.push(item.outcomeUnknown);
      const failure = failures.shift();
      if (failure) throw failure;
      return 'slack:DU1:1.2' as MessageRef;
    });
    await queue('unknown-outcome', 'Misschien al verstuurd');
    for (let pass = 0; pass < 3; pass++) {
      await env.db.prisma.outboxMessage.updateMany({ where: { dedupeKey: 'unknown-outcome' }, data: { nextAttemptAt: new Date() } });
      await env.worker.drain();
    }
    // First try: nothing known; then unknown, and still unknown after the 429 in between.
    expect(seen).toEqual([false, true, true]);
    const row = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'unknown-outcome' } });
    expect(row).toMatchObject({ status: 'SENT', attempts: 2, messageRef: 'slack:DU1:1.2' });
  });

  it('gives up after 30 failed tries (about 19 hours of back-off) and says so in the row', async () => {
    env.deliverers.set('slack', async () => {
      throw new Error('channel_not_found');
    });
    await queue('doomed', 'Nooit');
    const row = () => env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'doomed' } });
    for (let attempt = 0; attempt < 30; attempt++) {
      expect((await row()).status).toBe('PENDING');
      await env.db.prisma.outboxMessage.updateMany({ where: { dedupeKey: 'doomed' }, data: { nextAttemptAt: new Date() } });
      await env.worker.drain();
    }
    expect(await row()).toMatchObject({ status: 'FAILED', attempts: 30, lastError: 'channel_not_found' });
  });

  const due = (dedupeKey: string) => env.db.prisma.outboxMessage.updateMany({ where: { dedupeKey }, data: { nextAttemptAt: new Date() } });

  it('never runs an edit before the post it edits: it waits (without counting a try) and then edits the sent message', async () => {
    const done: string[] = [];
    let postFails = 1;
    env.deliverers.set('slack', async (item) => {
      if (item.action === 'edit') {
        done.push(`edit ${item.of} → ${item.reply.text}`);
        return item.of;
      }
      if (postFails-- > 0) throw new Error('HTTP 500 from the platform');
      done.push(`post ${item.reply.text}`);
      return 'slack:DU1:100.1' as MessageRef;
    });
    await queue('ordered', 'Ja 1');
    await env.worker.drain();
    expect(await env.services.outbox.edit(env.db.prisma, { dedupeKey: 'ordered:2', of: { key: 'ordered' }, reply: { visibility: 'ephemeral', text: 'Ja 2' } })).toBe(true);
    await due('ordered:2');
    await env.worker.drain();
    // The post is waiting out its back-off: the edit waits for it and has used no attempt.
    expect(done).toEqual([]);
    expect(await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'ordered:2' } })).toMatchObject({ status: 'PENDING', attempts: 0 });
    await due('ordered');
    await env.worker.drain();
    await due('ordered:2');
    await env.worker.drain();
    expect(done).toEqual(['post Ja 1', 'edit slack:DU1:100.1 → Ja 2']);
    // An edit of something never queued is refused at once.
    expect(await env.services.outbox.edit(env.db.prisma, { dedupeKey: 'nothing:2', of: { key: 'nothing' }, reply: { visibility: 'ephemeral' } })).toBe(false);
  });

  it('skips an edit a newer one overtook, and marks an edit of a message gone from the platform done with a note', async () => {
    const edits: string[] = [];
    env.deliverers.set('slack', async (item) => {
      if (item.action !== 'edit') return 'slack:DU1:200.1' as MessageRef;
      if (item.reply.text === 'weg') throw new MessageGoneError('message_not_found');
      edits.push(item.reply.text!);
      return item.of;
    });
    await queue('overtaken', 'Stand 0');
    await env.worker.drain();
    const edit = (key: string, text: string) => env.services.outbox.edit(env.db.prisma, { dedupeKey: key, of: { key: 'overtaken' }, reply: { visibility: 'ephemeral', text } });
    await edit('overtaken:1', 'Stand 1');
    await edit('overtaken:2', 'Stand 2');
    // The older edit was held up (another worker, say) while the newer one went.
    await env.db.prisma.outboxMessage.update({ where: { dedupeKey: 'overtaken:1' }, data: { nextAttemptAt: new Date(Date.now() + 60_000) } });
    await env.worker.drain();
    await due('overtaken:1');
    await env.worker.drain();
    expect(edits).toEqual(['Stand 2']);
    expect((await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'overtaken:1' } })).lastError).toBe('skipped: a newer edit was sent');

    await edit('overtaken:3', 'weg');
    await env.worker.drain();
    await env.worker.drain();
    const gone = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'overtaken:3' } });
    expect(gone).toMatchObject({ status: 'SENT', attempts: 0, lastError: 'skipped: message was deleted on the platform' });
  });

  it('sends a planned message once, with two workers and a restart; cancelled ones never, moved ones at their new time', async () => {
    const sent: string[] = [];
    env.deliverers.set('slack', async (item) => {
      // Earlier tests' rows (a restart makes them due) are not this test's business.
      if (item.dedupeKey.startsWith('plan:')) sent.push(item.dedupeKey);
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    const plan = (dedupeKey: string, sendAt: Date, groupKey: string) =>
      env.services.outbox.enqueue(env.db.prisma, { dedupeKey, target: { platform: 'slack', kind: 'user', ref: 'U9' }, locale: 'nl', reply: { visibility: 'ephemeral', text: 'Herinnering' }, sendAt, groupKey });
    // Far enough ahead for the take-over and a drain on a busy machine to finish before it.
    const soon = new Date(Date.now() + 2000);
    await plan('plan:a', soon, 'meeting:O-7:reminder');
    await plan('plan:b', soon, 'meeting:O-8:reminder');
    await plan('plan:c', new Date(Date.now() + 3_600_000), 'meeting:O-9:reminder');
    expect(await env.services.outbox.cancelGroup(env.db.prisma, 'meeting:O-8:reminder')).toBe(1);
    await env.services.outbox.takeOverAfterRestart();
    await env.worker.drain();
    expect(sent).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, soon.getTime() - Date.now()) + 50));
    const second = new OutboxWorker(env.services.outbox, env.deliverers, silentLogger);
    await Promise.all([env.worker.drain(), second.drain(), env.worker.drain(), second.drain()]);
    await env.services.outbox.takeOverAfterRestart();
    await Promise.all([env.worker.drain(), second.drain()]);
    expect(sent).toEqual(['plan:a']);
    expect(await env.services.outbox.rescheduleGroup(env.db.prisma, 'meeting:O-9:reminder', new Date())).toBe(1);
    // Cancelling after it went changes nothing: what was sent stays sent.
    await env.worker.drain();
    expect(await env.services.outbox.cancelGroup(env.db.prisma, 'meeting:O-9:reminder')).toBe(0);
    expect(sent).toEqual(['plan:a', 'plan:c']);
    await second.stop();
  });

  it('does not bring back a planned message cancelled while an attempt to send it failed', async () => {
    const outbox = env.services.outbox;
    let cancelDuringSend = true;
    env.deliverers.set('slack', async (item) => {
      if (item.dedupeKey !== 'cancel-midway') return;
      if (cancelDuringSend) {
        cancelDuringSend = false;
        await outbox.cancelGroup(env.db.prisma, 'meeting:O-11:reminder');
        throw new Error('HTTP 500 from the platform');
      }
      throw new Error('sent after it was cancelled');
    });
    await outbox.enqueue(env.db.prisma, { dedupeKey: 'cancel-midway', target: { platform: 'slack', kind: 'user', ref: 'U11' }, locale: 'nl', reply: { visibility: 'ephemeral', text: 'Herinnering' }, groupKey: 'meeting:O-11:reminder' });
    await env.worker.drain();
    await due('cancel-midway');
    await env.worker.drain();
    expect(await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'cancel-midway' } })).toMatchObject({ status: 'CANCELLED', attempts: 0 });
  });

  it('goes on with the next part of a split reply after a failure in the middle, sending no part twice', async () => {
    const posted: string[] = [];
    let failAtPart = 2;
    env.deliverers.set('slack', async (item, progress) => {
      if (item.dedupeKey !== 'split') return;
      const parts = splitReply(item.reply, { maxChars: 120, maxSections: 5 });
      for (let part = progress!.sent.length; part < parts.length; part++) {
        if (part === failAtPart) {
          failAtPart = -1;
          throw new OutcomeUnknownError('connection reset');
        }
        posted.push(parts[part]!.text!);
        await progress!.partSent(`slack:DU2:${part}` as MessageRef);
      }
      return progress!.sent[0];
    });
    const text = Array.from({ length: 5 }, (_, i) => `Alinea ${i + 1} ${'tekst '.repeat(15).trim()}`).join('\n\n');
    await queue('split', text, 'U2');
    await env.worker.drain();
    expect(posted.map((part) => part.slice(0, 8))).toEqual(['Alinea 1', 'Alinea 2']);
    await due('split');
    await env.worker.drain();
    expect(posted.map((part) => part.slice(0, 8))).toEqual(['Alinea 1', 'Alinea 2', 'Alinea 3', 'Alinea 4', 'Alinea 5']);
    const row = await env.db.prisma.outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'split' } });
    expect(row).toMatchObject({ status: 'SENT', messageRef: 'slack:DU2:0', partRefs: ['slack:DU2:0', 'slack:DU2:1', 'slack:DU2:2', 'slack:DU2:3', 'slack:DU2:4'] });
  });

  it('keeps payloads encrypted in the table, and wipes sent ones while an edit still finds its message', async () => {
    const sent: OutboxItem[] = [];
    env.deliverers.set('slack', async (item) => {
      sent.push(item);
      return (item.of ?? 'slack:DU3:300.1') as MessageRef;
    });
    await queue('secret', 'Vertrouwelijk: huwelijksdwang in Tilburg', 'U3');
    const raw = async () => (await env.db.prisma.$queryRawUnsafe<{ payload: string }[]>(`SELECT payload::text AS payload FROM "OutboxMessage" WHERE "dedupeKey" = 'secret'`))[0]!.payload;
    expect(await raw()).not.toContain('huwelijksdwang');
    expect(await raw()).not.toContain('Vertrouwelijk');
    await env.worker.drain();
    expect(sent.map((item) => item.reply.text)).toEqual(['Vertrouwelijk: huwelijksdwang in Tilburg']);
    expect(await env.services.outbox.wipeSentPayloads(new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(1);
    expect(await raw()).toBe('{"wiped": true}');
    await env.services.outbox.edit(env.db.prisma, { dedupeKey: 'secret:2', of: { key: 'secret' }, reply: { visibility: 'ephemeral', text: 'Ingetrokken' } });
    await env.worker.drain();
    expect(sent.at(-1)).toMatchObject({ action: 'edit', of: 'slack:DU3:300.1', reply: { text: 'Ingetrokken' } });
  });
});
