// Slack outside the commands. Events: the App Home tab (published on app_home_opened, its
// buttons open forms) and replies people write in the bot's threads, kept through the
// ThreadManager. Notifications: outbox DMs, channel posts and thread replies, and what happens
// when the Web API says 429 (Retry-After) or 500: the outbox retries and the message arrives once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/core/framework/reply.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { RetryLaterError } from '../../src/core/outbox/worker.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { CHANNEL, lastOpenedView, startSlack, type SlackHarness } from './harness.ts';
import { blocksButtons, blocksText, seenMessage } from './seen.ts';

const reply: Reply = { visibility: 'ephemeral', title: 'Nieuw koppelverzoek', text: '**Samira** vraagt om koppeling aan **SMN**.' };
const item = (target: OutboxItem['target'], extra: Partial<OutboxItem> = {}): OutboxItem => ({
  id: 'o1',
  dedupeKey: 'k1',
  target,
  locale: 'nl',
  reply,
  attempts: 0,
  outcomeUnknown: false,
  createdAt: new Date(),
  ...extra,
});

let testBot: TestBot;
beforeAll(async () => {
  testBot = await createTestBot({ admins: ['slack:UADMIN'], guide: true });
  await approveMember(testBot.services, 'slack', 'USAMIRA', 'smn', 'Samira');
});
afterAll(() => testBot?.close());

describe('Slack events', () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlack({ testBot });
    slack.fake.users.set('USAMIRA', { real_name: 'Samira El Idrissi', display_name: 'Samira' });
    await slack.command('USAMIRA', '/update plaats #lhbti Training over acceptatie in Utrecht');
  });
  afterAll(() => slack?.close());

  const publishedFor = (userId: string) =>
    slack.fake.callsTo('views.publish', { succeeded: true }).filter((call) => call.body.user_id === userId).at(-1)?.body.view;

  it('publishes the Home tab when it is opened: profile, recent updates and the main actions', async () => {
    await slack.event({ type: 'app_home_opened', user: 'USAMIRA', channel: 'DUSAMIRA', tab: 'home', event_ts: '1700000000.000100' });
    const view = publishedFor('USAMIRA');
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = blocksText(view.blocks);
    expect(text).toContain('Binnenuit voor Samira');
    expect(text).toContain('Samenwerkingsverband Marokkaanse Nederlanders');
    expect(text).toContain('Training over acceptatie in Utrecht');
    const labels = blocksButtons(view.blocks).map((button) => button.label);
    expect(labels).toEqual([
      'Plaats een update voor de alliantie',
      'Stel een adviesvraag aan Movisie (noem geen cliënten of slachtoffers)',
      'Plan een overleg en nodig mensen uit',
      'Zoek passages in de handreiking',
      'Vraag om gekoppeld te worden aan je organisatie of gemeente',
    ]);
  });

  it('shows a newcomer the same tab, with the explanation of how to be linked instead of updates', async () => {
    await slack.event({ type: 'app_home_opened', user: 'UNIEUW', channel: 'DUNIEUW', tab: 'home', event_ts: '1700000000.000101' });
    const text = blocksText(publishedFor('UNIEUW').blocks);
    expect(text).toContain('nog niet gekoppeld');
    expect(text).toContain('/profiel koppel');
    expect(text).not.toContain('Training over acceptatie');
  });

  it('opens the form from a Home button, and the submitted form answers by DM', async () => {
    await slack.event({ type: 'app_home_opened', user: 'USAMIRA', channel: 'DUSAMIRA', tab: 'home', event_ts: '1700000000.000102' });
    const search = blocksButtons(publishedFor('USAMIRA').blocks).find((button) => button.label.startsWith('Zoek'))!;
    const pressed = await slack.press('USAMIRA', search, { fromHome: true });
    const view = lastOpenedView(slack.fake);
    expect(view.triggerId).toBe(pressed.triggerId);
    expect(view.title.text).toBe('/handreiking zoek');
    await slack.submit('USAMIRA', view, { zoekterm: 'financiering' });
    const dm = slack.fake.callsTo('chat.postMessage', { succeeded: true }).filter((call) => call.body.channel === 'USAMIRA').at(-1);
    expect(seenMessage(dm!.body, 'direct').text).toContain("Uit de handreiking over 'financiering'");
  });

  it('answers a Home button the person may not use in a modal, with the reason', async () => {
    await slack.event({ type: 'app_home_opened', user: 'UNIEUW', channel: 'DUNIEUW', tab: 'home', event_ts: '1700000000.000103' });
    const post = blocksButtons(publishedFor('UNIEUW').blocks).find((button) => button.label.startsWith('Plaats'))!;
    await slack.press('UNIEUW', post, { fromHome: true });
    expect(blocksText(lastOpenedView(slack.fake).blocks)).toContain('goedgekeurd profiel nodig');
  });

  it("keeps replies written in the bot's threads, once, and ignores other threads and bots", async () => {
    const threads = slack.testBot.services.threads;
    const threadId = await threads.open({ platform: 'slack', channelRef: CHANNEL.id, threadRef: '1700000000.000500' });
    const reply = { type: 'message', channel: CHANNEL.id, channel_type: 'channel', user: 'USAMIRA', text: 'Ik kan donderdag aansluiten', ts: '1700000000.000600', thread_ts: '1700000000.000500', event_ts: '1700000000.000600' };
    await slack.event(reply, 'EvThread1');
    // Slack retries an event it thinks failed: same event, same message ts.
    await slack.event(reply, 'EvThread1');
    await slack.event({ ...reply, ts: '1700000000.000601', thread_ts: '1700000000.000999', text: 'Ander draadje' });
    await slack.event({ ...reply, ts: '1700000000.000602', user: undefined, bot_id: 'BOTHER', subtype: 'bot_message', text: 'Ik ben een bot' });
    await slack.event({ ...reply, ts: '1700000000.000500', thread_ts: undefined, text: 'Gewoon bericht' });
    const messages = await threads.messages(threadId);
    expect(messages.map((message) => [message.text, message.author, message.platform])).toEqual([['Ik kan donderdag aansluiten', 'Samira', 'slack']]);
    // Kept encrypted at rest.
    const raw = await slack.testBot.db.prisma.threadMessage.findFirstOrThrow();
    expect(raw.bodyEncrypted).not.toContain('donderdag');
  });
});

describe('Slack notifications', () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlack({ testBot });
  });
  afterAll(() => slack?.close());
  const posts = (channel: string) => slack.fake.callsTo('chat.postMessage').filter((call) => call.body.channel === channel);

  it('sends a DM through the DM channel, opened once per person', async () => {
    await slack.adapter.deliver(item({ platform: 'slack', kind: 'user', ref: 'UDM' }));
    await slack.adapter.deliver(item({ platform: 'slack', kind: 'user', ref: 'UDM' }));
    expect(slack.fake.callsTo('conversations.open').map((call) => call.body.users)).toEqual(['UDM']);
    const sent = posts('DUDM');
    expect(sent).toHaveLength(2);
    expect(sent[0]!.body.text).toBe('Nieuw koppelverzoek\nSamira vraagt om koppeling aan SMN.');
    expect(blocksText(sent[0]!.body.blocks)).toContain('Samira vraagt om koppeling aan SMN.');
  });

  it('posts in a channel, and in a thread with its thread_ts', async () => {
    await slack.adapter.deliver(item({ platform: 'slack', kind: 'channel', ref: 'CDIGEST' }));
    await slack.adapter.deliver(item({ platform: 'slack', kind: 'thread', ref: 'CDIGEST/1700000000.000777' }));
    const [post, threaded] = posts('CDIGEST');
    expect(post!.body.thread_ts).toBeUndefined();
    expect(threaded!.body.thread_ts).toBe('1700000000.000777');
  });

  it('turns 429 into RetryLaterError with Retry-After, and 500 into an error to retry', async () => {
    slack.fake.failNext('chat.postMessage', { status: 429, retryAfter: 42 }, { status: 500 });
    const limited = await slack.adapter.deliver(item({ platform: 'slack', kind: 'channel', ref: 'CBUSY' })).catch((error) => error);
    expect(limited).toBeInstanceOf(RetryLaterError);
    expect(limited.retryAfterMs).toBe(42_000);
    const broken = await slack.adapter.deliver(item({ platform: 'slack', kind: 'channel', ref: 'CBUSY' })).catch((error) => error);
    expect(broken).toBeInstanceOf(Error);
    expect(broken).not.toBeInstanceOf(RetryLaterError);
    expect(broken.message).toBe('slack chat.postMessage: HTTP 500');
    // The client itself did not retry: one call per delivery attempt.
    expect(posts('CBUSY')).toHaveLength(2);
  });

  it('still delivers, exactly once, after a 429 with Retry-After and then a 500', async () => {
    const { services, db, worker } = slack.testBot;
    const member = await services.members.resolve('slack', 'UNOTIFY', 'Noor');
    slack.fake.failNext('chat.postMessage', { status: 429, retryAfter: 30 }, { status: 500 });
    await db.prisma.$transaction((tx) => services.outbox.notifyMembers(tx, [member.id], 'test-notice', () => reply));
    const row = () => db.prisma.outboxMessage.findFirstOrThrow({ where: { dedupeKey: { startsWith: 'test-notice' } } });
    const due = () => db.prisma.outboxMessage.updateMany({ where: { status: 'PENDING' }, data: { nextAttemptAt: new Date() } });

    const before = Date.now();
    await worker.drain();
    const limited = await row();
    expect([limited.status, limited.attempts, limited.lastError]).toEqual(['PENDING', 1, 'slack chat.postMessage: rate limited']);
    // Retry-After (30 s) decides when the next attempt is due.
    expect(limited.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(before + 30_000);

    await due();
    await worker.drain();
    expect([(await row()).attempts, (await row()).lastError]).toEqual([2, 'slack chat.postMessage: HTTP 500']);

    await due();
    await worker.drain();
    expect((await row()).status).toBe('SENT');
    expect(posts('DUNOTIFY').map((call) => call.status)).toEqual([429, 500, 200]);
    await due();
    await worker.drain();
    expect(posts('DUNOTIFY').filter((call) => call.status === 200)).toHaveLength(1);
  });

  it('sends a long notification as several messages within Block Kit limits, losing nothing', async () => {
    const long: Reply = {
      visibility: 'ephemeral',
      text: 'woord '.repeat(1200),
      sections: Array.from({ length: 60 }, (_, i) => ({ title: `Update ${i}`, text: `Tekst ${i}` })),
    };
    await slack.adapter.deliver(item({ platform: 'slack', kind: 'channel', ref: 'CLONG' }, { reply: long }));
    const sent = posts('CLONG');
    expect(sent.length).toBeGreaterThan(1);
    for (const call of sent) {
      expect(call.body.blocks.length).toBeLessThanOrEqual(50);
      for (const block of call.body.blocks) expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3000);
    }
    // The further parts are replies in the first one's thread: the channel shows one message.
    expect(sent.slice(1).every((call) => call.body.thread_ts === sent[0]!.response!.ts)).toBe(true);
    const read = sent.map((call) => blocksText(call.body.blocks)).join('\n');
    for (let i = 0; i < 60; i++) expect(read).toContain(`Update ${i}`);
    expect(read).not.toMatch(/Er is meer/);
  });
});
