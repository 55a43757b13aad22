// One digest pass over several channels: the pass builds each part once per window and language
// and hands it to every channel with the same window (bench figure `digests`), so each channel
// must still get exactly what is new for it, in its own language.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { truncateAll } from '../support/db.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { runJobAt, subscribe, textOfItem } from './support.ts';

let testBot: TestBot;
let sent: OutboxItem[];
beforeAll(async () => {
  testBot = await createTestBot();
}, 180_000); // migrations on a fresh database: slow on a busy shared machine
afterAll(() => testBot?.close());
beforeEach(async () => {
  await truncateAll(testBot.db);
  sent = recordDeliveries(testBot, 'console');
});

const HOUR = 3_600_000;
const channel = (ref: string) => ({ platform: 'console' as const, ref, name: ref });

async function postAt(body: string, at: Date): Promise<void> {
  const author = await testBot.services.members.resolve('console', 'local');
  const update = await testBot.services.updates.post({ authorId: author.id, theme: 'samenwerking', body });
  await testBot.db.prisma.update.update({ where: { id: update.id }, data: { createdAt: at } });
}

describe('one pass over several channels', () => {
  it('gives each channel what is new since its own last digest, in its own language', async () => {
    // The pass runs a few minutes from now, at the channels' daily time.
    const pass = new Date(Math.ceil((Date.now() + 5 * 60_000) / 60_000) * 60_000);
    const local = DateTime.fromJSDate(pass, { zone: 'Europe/Amsterdam' });
    const time = { hour: local.hour, minute: local.minute };
    // A has had a digest yesterday (/digest nu), B and C have none: their first covers the last
    // day. The old update, before A's digest but within the last day, is in B's and C's window only.
    const dayBefore = pass.getTime() - 24 * HOUR;
    const span = local.startOf('day').toMillis() - dayBefore;
    const old = new Date(dayBefore + span / 3);
    const earlier = new Date(dayBefore + (2 * span) / 3);
    await postAt('Oude update over de regiotafel', old);
    await postAt('Nieuwe update over de wijkteams', new Date(pass.getTime() - 60_000));
    await subscribe(testBot.services, new Date(dayBefore - HOUR), time, channel('kanaal-a'));
    await testBot.services.unitOfWork.run(() => testBot.services.digests.sendNow(channel('kanaal-a'), earlier));
    await testBot.worker.drain();
    expect(sent.map((item) => item.target.ref)).toEqual(['kanaal-a']);
    sent.length = 0;
    await subscribe(testBot.services, new Date(pass.getTime() - 10 * 60_000), time, channel('kanaal-b'));
    await subscribe(testBot.services, new Date(pass.getTime() - 10 * 60_000), { ...time, locale: 'en' }, channel('kanaal-c'));

    expect(await runJobAt(testBot, pass)).toMatchObject({ sent: 3 });
    const digestOf = (ref: string) => sent.filter((item) => item.target.ref === ref).map(textOfItem).join('\n');
    expect(digestOf('kanaal-a')).toContain('Nieuwe update over de wijkteams');
    expect(digestOf('kanaal-a')).not.toContain('Oude update over de regiotafel');
    expect(digestOf('kanaal-b')).toContain('Nieuwe update over de wijkteams');
    expect(digestOf('kanaal-b')).toContain('Oude update over de regiotafel');
    expect(digestOf('kanaal-b')).toContain('Dagoverzicht');
    expect(digestOf('kanaal-c')).toContain('Oude update over de regiotafel');
    expect(digestOf('kanaal-c')).toContain('Daily summary');
    expect(digestOf('kanaal-c')).not.toContain('Dagoverzicht');
  });
});
