// The digest's meetings and advice parts, on the console: the digest job run at a chosen
// moment, what reaches the console channel read as text. Meetings of the next 14 days that
// were planned in a channel, with their answers counted as /overleg lijst writes them (not
// cancelled ones, not later ones, not one planned in a DM); advice as counts only, left out
// below three requests, and never a question, summary, theme or requester, even when the
// data holds them. `delen:` now offers overleg and advies.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import type { AdviceView } from '../../src/core/advice/requests.ts';
import type { Reply } from '../../src/core/framework/reply.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { truncateAll } from '../support/db.ts';
import { runJobAt, subscribe, textOfItem } from './support.ts';

let testBot: TestBot;
let sent: OutboxItem[];
const ids: Record<string, string> = {};
const CHANNEL = { platform: 'console' as const, channelRef: 'console' };

beforeAll(async () => {
  testBot = await createTestBot({ admins: ['console:local'], botOptions: { prepareDeadlineMs: 30_000 } });
}, 240_000);
afterAll(() => testBot?.close());
beforeEach(async () => {
  await truncateAll(testBot.db);
  sent = recordDeliveries(testBot, 'console');
  for (const [name, org, display] of [['ja', 'iot', 'Jasmijn'], ['nee', 'iot', 'Noor'], ['vrager', 'smn', 'Zwijgzame Zeger']] as const) {
    ids[name] = (await approveMember(testBot.services, 'console', name, org, display)).id;
  }
});

async function run(user: string, line: string, place: { platform: 'console'; channelRef?: string } = CHANNEL): Promise<Reply | undefined> {
  const [command, ...rest] = line.slice(1).split(' ');
  const outcome = await testBot.bot.handleText({ requester: { platform: 'console', userId: user }, place, command: command!, text: rest.join(' ') });
  await testBot.worker.drain();
  return outcome.kind === 'reply' ? outcome.reply : undefined;
}

async function press(user: string, actionId: string, value: string): Promise<void> {
  await testBot.bot.handleAction({ requester: { platform: 'console', userId: user }, place: CHANNEL, actionId, value });
  await testBot.worker.drain();
}

/** Plans and sends a meeting at `start` (set exactly, as typing cannot), Ja from ja, Nee from nee. */
async function meetingAt(start: string, title: string, place: { platform: 'console'; channelRef?: string } = CHANNEL) {
  const preview = await run('local', `/overleg plan wanneer:"3 maart 2027 10:00" genodigden:"@ja @nee" plek:Utrecht ${title}`, place);
  const draftId = preview!.buttons![0]!.value!;
  const startsAt = new Date(start);
  await testBot.db.prisma.meeting.update({ where: { id: draftId }, data: { startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) } });
  await press('local', 'overleg.versturen', draftId);
  await press('ja', 'overleg.ja', draftId);
  await press('nee', 'overleg.nee', draftId);
  return (await testBot.services.meetings.get(draftId))!;
}

/** As a command runs them: in a unit of work (the managers' store is its transaction). */
const inWork = <T>(work: () => Promise<T>) => testBot.services.unitOfWork.run(work);

/** Monday 1 March 2027, 09:00 in Amsterdam: a daily digest's moment. */
const DIGEST_AT = new Date('2027-03-01T08:00:00Z');

async function digestText(parts: Array<'updates' | 'overleg' | 'advies' | 'tip'>): Promise<string> {
  await subscribe(testBot.services, new Date('2027-02-27T12:00:00Z'), { parts });
  return digestAt(DIGEST_AT);
}

/** The digest the job sends at `now` (what the seeding queued is delivered first, not counted). */
async function digestAt(now: Date): Promise<string> {
  await testBot.worker.drain();
  sent.length = 0;
  await runJobAt(testBot, now);
  const digests = sent.filter((item) => item.dedupeKey.startsWith('digest:'));
  expect(digests).toHaveLength(1);
  return textOfItem(digests[0]!);
}

describe('the meetings part', () => {
  it('lists the meetings of the next 14 days planned in a channel, with the answers as /overleg lijst counts them', async () => {
    const soon = await meetingAt('2027-03-03T09:00:00Z', 'Regiotafel Utrecht');
    await meetingAt('2027-03-20T09:00:00Z', 'Te ver weg');
    const cancelled = await meetingAt('2027-03-04T09:00:00Z', 'Gaat niet door');
    await run('local', `/overleg annuleer ${cancelled.code}`);
    await meetingAt('2027-03-05T09:00:00Z', 'Onder vier ogen', { platform: 'console' });
    const text = await digestText(['overleg']);
    expect(text).toContain('1 overleg in de komende 14 dagen');
    expect(text).toContain('Overleg in de komende 14 dagen');
    expect(text).toContain(`${soon.code} · Regiotafel Utrecht`);
    // Dutch date and time, the place, and the counts line of /overleg lijst.
    expect(text).toContain('wo 3 mrt 2027, 10:00–11:00');
    expect(text).toContain('Utrecht');
    expect(text).toContain('ja 1 · misschien 0 · nee 1 · geen antwoord 0');
    for (const hidden of ['Te ver weg', 'Gaat niet door', 'Onder vier ogen']) expect(text).not.toContain(hidden);
    // Who answered what is for the organiser in /overleg lijst, never in a channel.
    expect(text).not.toContain('Jasmijn');
    expect(text).not.toContain('Noor');
  }, 120_000);
});

describe('the advice part', () => {
  const QUESTION = 'Hoe helpen we de dochter van de familie Bakker in Lelystad';
  const SUMMARY = 'Doorverwezen naar het Veilig Thuis-team van Flevoland';

  async function ask(hoursBefore: number, theme = 'huwelijksdwang') {
    const at = new Date(DIGEST_AT.getTime() - hoursBefore * 3_600_000);
    return inWork(() => testBot.services.advice.ask({ requesterId: ids.vrager!, theme, urgent: false, question: `${QUESTION} (${hoursBefore})`, organisation: 'Stichting Geheim' }, at));
  }

  it('counts new, answered and closed requests and the median first response, never their content or who asked', async () => {
    const coordinator = await testBot.services.members.resolve('console', 'local');
    // Asked on Friday 26 Feb 2027 at 13:00, 14:00 and 15:00 (Amsterdam).
    const friday = (hour: number) => new Date(Date.UTC(2027, 1, 26, hour - 1));
    const asked: AdviceView[] = [];
    for (const hour of [13, 14, 15]) {
      asked.push(await inWork(() => testBot.services.advice.ask({ requesterId: ids.vrager!, theme: 'huwelijksdwang', urgent: false, question: `${QUESTION} ${hour}`, organisation: 'Stichting Geheim' }, friday(hour))));
    }
    // First responses after 1, 2 and 1 working hours: the median is 1.
    await inWork(() => testBot.services.advice.accept(coordinator, asked[0]!.id, friday(14)));
    await inWork(() => testBot.services.advice.accept(coordinator, asked[1]!.id, friday(16)));
    await inWork(() => testBot.services.advice.accept(coordinator, asked[2]!.id, friday(16)));
    await inWork(() => testBot.services.advice.close(coordinator, asked[0]!.id, SUMMARY, friday(16)));
    await subscribe(testBot.services, new Date('2027-02-20T12:00:00Z'), { frequency: 'weekly', weekday: 1, parts: ['advies'] });
    const text = await digestAt(DIGEST_AT);
    expect(text).toContain('3 nieuwe adviesvragen');
    expect(text).toContain('Advies in cijfers');
    expect(text).toContain('nieuw 3 · beantwoord 3 · afgerond 1');
    expect(text).toContain('eerste reactie mediaan 1 werkuur');
    expect(text).toContain('Bij minder dan 3 vragen laat de digest dit deel weg.');
    for (const secret of [QUESTION, SUMMARY, 'Stichting Geheim', 'Zwijgzame Zeger', 'Huwelijksdwang', 'huwelijksdwang', ...asked.map((request) => request.number)]) {
      expect(text, secret).not.toContain(secret);
    }
    // The stored data does hold them (so the test would see a leak): the question, encrypted, and the name.
    expect(await testBot.db.prisma.adviceRequest.count()).toBe(3);
    expect((await testBot.services.members.get(ids.vrager!))?.displayName).toBe('Zwijgzame Zeger');
  }, 120_000);

  it('is left out with fewer than three requests in the period', async () => {
    await ask(5);
    await ask(3);
    const text = await digestText(['advies', 'tip']);
    expect(text).toContain('niets nieuws');
    expect(text).not.toContain('adviesvra');
    expect(text).not.toContain('Advies in cijfers');
    await ask(2);
    // The same period once more (a new subscription): three now, so it is shown.
    await testBot.services.digests.stop({ platform: 'console', ref: 'console' });
    const again = await digestText(['advies']);
    expect(again).toContain('nieuw 3 · beantwoord 0 · afgerond 0');
    // No median of nothing answered.
    expect(again).not.toContain('mediaan');
  }, 120_000);
});

describe('delen: offers the new parts', () => {
  it('takes overleg and advies, and names them when showing the subscription', async () => {
    const answer = replyToPlainText((await run('local', '/digest abonneer dagelijks delen:overleg,advies'))!);
    expect(answer).toContain('met overleggen en adviescijfers');
    const refused = replyToPlainText((await run('local', '/digest abonneer dagelijks delen:roddels'))!);
    expect(refused).toContain('Kies uit: updates, overleg, advies, tip.');
  }, 60_000);

  it('belongs to channels: every /digest sub-command in a direct message says so and stores nothing', async () => {
    for (const line of ['/digest', '/digest abonneer wekelijks', '/digest voorbeeld', '/digest nu', '/digest stop']) {
      const answer = (await run('local', line, { platform: 'console' }))!;
      expect(answer.isError, line).toBe(true);
      expect(replyToPlainText(answer), line).toContain('Dit werkt alleen in een kanaal, niet in een privébericht.');
    }
    expect(await testBot.db.prisma.digestSubscription.count()).toBe(0);
  }, 60_000);
});
