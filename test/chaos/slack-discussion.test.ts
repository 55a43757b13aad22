// The channel message that opens an update's discussion on Slack survives a broken connection:
// the post is retried, and after a failure that may have posted it, the channel is searched for
// the discussion's key first, so there is exactly one message and the discussion is on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { CHANNEL, startSlack, type SlackHarness } from '../slack/harness.ts';

describe('the Slack post that opens a discussion, through network failures', () => {
  let testBot: TestBot;
  let slack: SlackHarness;

  beforeAll(async () => {
    testBot = await createTestBot();
    await approveMember(testBot.services, 'slack', 'USAMIRA', 'smn', 'Samira');
    slack = await startSlack({ testBot });
  }, 300_000);
  afterAll(async () => {
    await slack?.close();
    await testBot?.close();
  });

  /** The update's discussion threads, with where they are. */
  const threadsOf = async (body: string) => {
    // Bodies are encrypted at rest: found through the manager.
    const update = (await testBot.services.updates.list({ limit: 100 })).find((u) => u.body === body)!;
    return testBot.db.prisma.thread.findMany({ where: { subjectType: 'update', subjectId: update.id }, include: { channel: true } });
  };
  const postedIn = (channel: string, text: string) => slack.fake.messages.filter((message) => message.channel === channel && message.text?.includes(text));

  it('a connection reset after Slack stored the message: one channel message, with the discussion on it', async () => {
    const channel = { id: 'CRESET1', name: 'reset' };
    slack.fake.faultNextIn('chat.postMessage', channel.id, 'reset-after-store');
    const answer = await slack.command('USAMIRA', '/update plaats #regie Verbinding-7Q verbroken na opslaan', { channel });

    const messages = postedIn(channel.id, 'Verbinding-7Q verbroken na opslaan');
    expect(messages).toHaveLength(1);
    expect(slack.fake.callsTo('chat.postMessage').filter((call) => call.body.channel === channel.id)).toHaveLength(1);
    // Found again by its key instead of posted twice.
    expect(slack.fake.callsTo('conversations.history', { succeeded: true }).some((call) => call.body.channel === channel.id)).toBe(true);
    const [thread, ...more] = await threadsOf('Verbinding-7Q verbroken na opslaan');
    expect(more).toHaveLength(0);
    expect([thread!.channel?.externalId, thread!.platformRef]).toEqual([channel.id, messages[0]!.ts]);
    // Not answered a second time through the response_url.
    expect(slack.fake.postsTo(answer.responseUrl)).toHaveLength(0);
  });

  it('a connection reset before Slack stored it, then a 500: posted once on the third try, with the discussion', async () => {
    const channel = { id: 'CRESET2', name: 'reset2' };
    // In the channel only: the author's confirmation DM goes out meanwhile.
    slack.fake.faultNextIn('chat.postMessage', channel.id, 'reset-before-store', 'http-500');
    const answer = await slack.command('USAMIRA', '/update plaats Verbinding-8R verbroken voor opslaan', { channel });

    const messages = postedIn(channel.id, 'Verbinding-8R verbroken voor opslaan');
    expect(messages).toHaveLength(1);
    expect(slack.fake.callsTo('chat.postMessage').filter((call) => call.body.channel === channel.id).map((call) => call.fault ?? call.status)).toEqual([
      'reset-before-store',
      'http-500',
      200,
    ]);
    const threads = await threadsOf('Verbinding-8R verbroken voor opslaan');
    expect(threads.map((thread) => thread.platformRef)).toEqual([messages[0]!.ts]);
    expect(slack.fake.postsTo(answer.responseUrl)).toHaveLength(0);
  });

  it('still answers without a discussion, once, when the bot may not post in the channel', async () => {
    slack.fake.failNext('chat.postMessage', { status: 200, error: 'not_in_channel' });
    const answer = await slack.command('USAMIRA', '/update plaats Niet-uitgenodigd-3K', { channel: { id: 'CNOTIN', name: 'notin' } });
    // Refused is final: no retry, the answer goes through the response_url.
    expect(slack.fake.callsTo('chat.postMessage').filter((call) => call.body.channel === 'CNOTIN')).toHaveLength(1);
    expect(slack.fake.postsTo(answer.responseUrl).map((post) => post.body.response_type)).toEqual(['in_channel']);
    expect(await threadsOf('Niet-uitgenodigd-3K')).toHaveLength(0);
  });
});
