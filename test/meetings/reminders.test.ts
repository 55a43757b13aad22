// Meeting reminders through the outbox: queued when the meeting is sent (24 h and 1 h before),
// going only to those who said Ja or Misschien, moved with /overleg verplaats, dropped with
// /overleg annuleer, sent exactly once by two instances on one database, and, when one fell
// due while nothing ran, sent at start-up only if the meeting has not begun. Time is real:
// the meeting is put at a moment 1 hour and a few seconds ahead, so the 1-hour reminder falls
// due during the test; other moments are passed to dropBegun as its clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createFieldCipher } from '../../src/core/crypto.ts';
import { OutboxWorker } from '../../src/core/outbox/worker.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import { createServices } from '../../src/core/services.ts';
import { HELD } from '../../src/core/meetings/reminders.ts';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';
import type { SeenButton, SeenMessage } from '../contract/adapter-contract.ts';
import { platformNames, startPlatform, type MeetingPlatform } from './platforms.ts';

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');
const button = (messages: SeenMessage[], label: string): SeenButton | undefined => messages.flatMap((m) => m.buttons).find((b) => b.label === label);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testBackends())('reminders in the outbox (%s)', (kind) => {
  let testBot: TestBot;
  let sent: OutboxItem[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // A busy machine (two databases, other test runs) must not turn a command into "try again".
    testBot = await createTestBot({ kind, admins: ['console:local'], botOptions: { prepareDeadlineMs: 30_000 } });
    sent = recordDeliveries(testBot, 'console');
    for (const [name, org] of [['org', 'smn'], ['ja', 'iot'], ['misschien', 'iot'], ['nee', 'iot'], ['stil', 'iot']] as const) {
      ids[name] = (await approveMember(testBot.services, 'console', name, org, name)).id;
    }
  }, 240_000);
  afterAll(() => testBot?.close());

  const run = async (user: string, line: string) => {
    const [command, ...rest] = line.slice(1).split(' ');
    const outcome = await testBot.bot.handleText({ requester: { platform: 'console', userId: user }, place: { platform: 'console' }, command: command!, text: rest.join(' ') });
    await testBot.worker.drain();
    return outcome.kind === 'reply' ? outcome.reply : undefined;
  };
  const press = async (user: string, actionId: string, value: string) => {
    const outcome = await testBot.bot.handleAction({ requester: { platform: 'console', userId: user }, place: { platform: 'console' }, actionId, value });
    await testBot.worker.drain();
    return outcome.kind === 'reply' ? outcome.reply : undefined;
  };
  const reminderRows = (meetingId: string) =>
    testBot.db.prisma.outboxMessage.findMany({ where: { groupKey: { startsWith: `meeting:${meetingId}:reminder:` } }, orderBy: { createdAt: 'asc' } });
  /** Who gets which reminder when, as planned now. */
  const planned = async (meetingId: string) =>
    (await reminderRows(meetingId))
      .filter((row) => row.status === 'PENDING')
      .map((row) => ({ member: row.memberId, minutes: Number(row.groupKey!.split(':')[4]), at: row.sendAt!.toISOString() }))
      .sort((a, b) => `${a.member}${a.minutes}`.localeCompare(`${b.member}${b.minutes}`));

  /** Plans and sends a meeting starting at `start` (set exactly, which typing cannot), answered by ja, misschien and nee. */
  async function meetingAt(start: Date, title: string) {
    const preview = await run('org', `/overleg plan wanneer:"3 maart 2027 10:00" genodigden:"@ja @misschien @nee @stil" ${title}`);
    const draftId = preview!.buttons![0]!.value!;
    await testBot.db.prisma.meeting.update({ where: { id: draftId }, data: { startsAt: start, endsAt: new Date(start.getTime() + 3_600_000) } });
    await press('org', 'overleg.versturen', draftId);
    await press('ja', 'overleg.ja', draftId);
    await press('misschien', 'overleg.misschien', draftId);
    await press('nee', 'overleg.nee', draftId);
    return (await testBot.services.meetings.get(draftId))!;
  }

  it('are queued at sending for everyone, due 24 h and 1 h before for Ja and Misschien, held for the others', async () => {
    const start = new Date('2027-03-03T09:00:00.000Z');
    const meeting = await meetingAt(start, 'Gepland');
    const day = '2027-03-02T09:00:00.000Z';
    const hour = '2027-03-03T08:00:00.000Z';
    const held = HELD.toISOString();
    expect(await planned(meeting.id)).toEqual(
      [
        { member: ids.ja, minutes: 1440, at: day }, { member: ids.ja, minutes: 60, at: hour },
        { member: ids.misschien, minutes: 1440, at: day }, { member: ids.misschien, minutes: 60, at: hour },
        { member: ids.nee, minutes: 1440, at: held }, { member: ids.nee, minutes: 60, at: held },
        { member: ids.stil, minutes: 1440, at: held }, { member: ids.stil, minutes: 60, at: held },
      ].sort((a, b) => `${a.member}${a.minutes}`.localeCompare(`${b.member}${b.minutes}`)),
    );
    // A late Ja of the silent one puts theirs at its time.
    await press('stil', 'overleg.ja', meeting.id);
    expect((await planned(meeting.id)).filter((r) => r.member === ids.stil).map((r) => r.at).sort()).toEqual([day, hour]);
  });

  it('move with /overleg verplaats: the old ones are dropped, new ones at the new time', async () => {
    const meeting = await meetingAt(new Date('2027-03-04T09:00:00.000Z'), 'Verplaatst');
    await run('org', `/overleg verplaats ${meeting.code} wanneer:"4 maart 2027 14:00"`);
    const rows = await reminderRows(meeting.id);
    expect(rows.filter((row) => row.groupKey!.includes(':s0:')).every((row) => row.status === 'CANCELLED')).toBe(true);
    const now = (await planned(meeting.id)).filter((r) => r.member === ids.ja).map((r) => r.at).sort();
    expect(now).toEqual(['2027-03-03T13:00:00.000Z', '2027-03-04T12:00:00.000Z']);
  });

  it('are dropped with /overleg annuleer', async () => {
    const meeting = await meetingAt(new Date('2027-03-05T09:00:00.000Z'), 'Geannuleerd');
    await run('org', `/overleg annuleer ${meeting.code}`);
    expect(await planned(meeting.id)).toEqual([]);
    expect((await reminderRows(meeting.id)).every((row) => row.status === 'CANCELLED')).toBe(true);
  });

  it('one due while nothing ran goes at start-up only if the meeting has not begun', async () => {
    const start = new Date('2027-03-06T09:00:00.000Z');
    const meeting = await meetingAt(start, 'Na een storing');
    const reminders = testBot.services.meetings.reminders;
    // Half an hour before the start: the 1-hour reminder is overdue, the meeting not begun.
    await reminders.dropBegun(new Date(start.getTime() - 30 * 60_000));
    expect((await planned(meeting.id)).filter((r) => r.member === ids.ja)).toHaveLength(2);
    // Ten minutes after the start: it never goes.
    expect(await reminders.dropBegun(new Date(start.getTime() + 10 * 60_000))).toBeGreaterThan(0);
    expect(await planned(meeting.id)).toEqual([]);
  });

  it('are sent exactly once by two instances on one database, only to Ja and Misschien', async () => {
    // A second instance: its own services and worker on the same database.
    const other = createServices(testBot.db.prisma, { timezone: 'Europe/Amsterdam', defaultLocale: 'nl', admins: [] }, createFieldCipher('test-secret-of-at-least-16-chars'));
    const otherSent: OutboxItem[] = [];
    const otherWorker = new OutboxWorker(other.outbox, new Map([['console', async (item: OutboxItem) => void otherSent.push(item)]]), pino({ level: 'silent' }));
    try {
      // Room for planning, sending and three answers on a busy machine before the reminder is due.
      const start = new Date(Date.now() + 3_600_000 + 8_000);
      const meeting = await meetingAt(start, 'Zo meteen');
      expect(sent.some((item) => item.dedupeKey.includes(':reminder:'))).toBe(false);
      await sleep(start.getTime() - 3_600_000 - Date.now() + 500);
      await Promise.all([testBot.worker.drain(), otherWorker.drain(), testBot.worker.drain(), otherWorker.drain()]);
      const reminders = [...sent, ...otherSent].filter((item) => item.dedupeKey.startsWith(`meeting:${meeting.id}:reminder:`));
      expect(reminders.map((item) => item.target.ref).sort()).toEqual(['ja', 'misschien']);
      expect(replyToPlainText(reminders[0]!.reply)).toContain(`Herinnering ${meeting.code}: Zo meteen`);
      expect(replyToPlainText(reminders[0]!.reply)).toContain('Het overleg begint over 1 uur');
    } finally {
      await otherWorker.stop();
    }
  });
});

describe.each(platformNames)('a reminder on %s', (platform) => {
  let p: MeetingPlatform;
  beforeAll(async () => {
    p = await startPlatform(platform);
    await approveMember(p.testBot.services, platform, 'uorg', 'smn', 'Samira');
    await approveMember(p.testBot.services, platform, 'ufatima', 'iot', 'Fatima');
    await approveMember(p.testBot.services, platform, 'ujohn', 'iot', 'John');
  }, 240_000);
  afterAll(() => p?.close());

  it('reaches who said Ja as a DM an hour before, and not who did not answer', async () => {
    const preview = await p.command('uorg', `/overleg plan wanneer:"3 maart 2027 10:00" genodigden:"${p.mention('ufatima')} ${p.mention('ujohn')}" Straks`);
    const draftId = button(preview, 'Versturen')!.value!;
    const start = new Date(Date.now() + 3_600_000 + 8_000);
    await p.testBot.db.prisma.meeting.update({ where: { id: draftId }, data: { startsAt: start, endsAt: new Date(start.getTime() + 3_600_000) } });
    await p.press('uorg', button(preview, 'Versturen')!);
    const invitation = (await p.directMessages('ufatima')).filter((m) => m.text.includes('Straks')).at(-1)!;
    await p.press('ufatima', button([invitation], 'Ja')!);
    expect(all(await p.directMessages('ufatima'))).not.toContain('Herinnering');
    await sleep(start.getTime() - 3_600_000 - Date.now() + 500);
    const dms = all(await p.directMessages('ufatima'));
    expect(dms).toMatch(/Herinnering O-\d+: Straks/);
    expect(dms).toContain('Het overleg begint over 1 uur');
    expect(all(await p.directMessages('ujohn'))).not.toContain('Herinnering');
  });
});
