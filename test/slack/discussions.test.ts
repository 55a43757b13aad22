// Discussions on Slack: a posted update is the bot's own channel message (chat.postMessage, so
// its ts is known), replies in its thread are kept for the update and counted in /update lijst;
// where the bot may not post (not invited), the update is still shown, without a discussion.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { CHANNEL, startSlack, type SlackHarness } from './harness.ts';

describe('discussions of updates on Slack', () => {
  let testBot: TestBot;
  let slack: SlackHarness;
  const logLines: string[] = [];
  let replies = 0;

  beforeAll(async () => {
    testBot = await createTestBot({ admins: ['slack:UADMIN'] });
    await approveMember(testBot.services, 'slack', 'USAMIRA', 'smn', 'Samira');
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    slack = await startSlack({ testBot, logger: createLogger('info', sink) });
    slack.fake.users.set('UNOOR', { real_name: 'Noor Bakker', display_name: 'Noor' });
  });
  afterAll(async () => {
    await slack?.close();
    await testBot?.close();
  });

  /** A person writes in the thread of a message (Slack sends a message event with thread_ts). */
  const replyIn = (threadTs: string, user: string, text: string, channel = CHANNEL.id) => {
    const ts = `1700000900.${String(++replies).padStart(6, '0')}`;
    return slack.event({ type: 'message', channel, channel_type: 'channel', user, text, ts, thread_ts: threadTs, event_ts: ts });
  };
  const threadsOf = async (body: string) => {
    // Bodies are encrypted at rest: found through the manager.
    const update = (await testBot.services.updates.list({ limit: 100 })).find((u) => u.body === body)!;
    return testBot.db.prisma.thread.findMany({ where: { subjectType: 'update', subjectId: update.id }, include: { channel: true } });
  };

  it('posts the update as its own channel message, and keeps the replies in its thread', async () => {
    const answer = await slack.command('USAMIRA', '/update plaats #regie Regietafel Zwolle: wie sluit aan?');
    // Everyone sees it in the channel; it did not go through the response_url.
    expect(slack.fake.postsTo(answer.responseUrl)).toHaveLength(0);
    const [post] = answer.seen;
    expect(answer.seen).toHaveLength(1);
    expect(post!.visibility).toBe('channel');
    expect(post!.text).toContain('Regietafel Zwolle: wie sluit aan?');
    const ts = post!.ref!.message;

    await replyIn(ts, 'UNOOR', 'Ik sluit aan namens Utrecht');
    await replyIn(ts, 'USAMIRA', 'Fijn, tot dan');
    // A thread under some other message is not the update's.
    await replyIn('1700000000.999999', 'UNOOR', 'Ander gesprek');

    const [thread, ...more] = await threadsOf('Regietafel Zwolle: wie sluit aan?');
    expect(more).toHaveLength(0);
    expect(thread!.channel?.externalId).toBe(CHANNEL.id);
    const stored = await testBot.services.threads.messages(thread!.id);
    expect(stored.map((m) => [m.author, m.text])).toEqual([
      ['Noor', 'Ik sluit aan namens Utrecht'],
      ['Samira', 'Fijn, tot dan'],
    ]);
    const listed = (await slack.command('USAMIRA', '/update lijst #regie')).seen.map((m) => m.text).join('\n');
    expect(listed).toContain('Regietafel Zwolle: wie sluit aan?');
    expect(listed).toContain('💬 2 reacties');
    // Nothing of what people wrote went into the logs.
    expect(logLines.join('')).not.toContain('Ik sluit aan');
  });

  it('answers in the channel through the response_url, without a discussion, when the bot is not in the channel', async () => {
    slack.fake.failNext('chat.postMessage', { status: 200, error: 'not_in_channel' });
    const channel = { id: 'CPRIVE', name: 'prive' };
    const answer = await slack.command('USAMIRA', '/update plaats Vertrouwelijk-X9 overleg gepland', { channel });
    expect(answer.seen.map((m) => m.visibility)).toEqual(['channel']);
    expect(answer.seen[0]!.text).toContain('Vertrouwelijk-X9 overleg gepland');
    expect(slack.fake.postsTo(answer.responseUrl)[0]!.body.response_type).toBe('in_channel');
    // The update is stored; it just has no thread to reply in.
    expect(await threadsOf('Vertrouwelijk-X9 overleg gepland')).toHaveLength(0);
    const logged = logLines.join('');
    expect(logged).toContain('not_in_channel');
    expect(logged).not.toContain('Vertrouwelijk-X9');
  });

  it('answers in a DM through the response_url: no channel to hold a thread', async () => {
    const since = slack.fake.calls.length;
    const answer = await slack.command('USAMIRA', '/update plaats Vanuit een privébericht', { channel: { id: 'DSAMIRA', name: 'directmessage' } });
    expect(answer.seen.map((m) => m.visibility)).toEqual(['channel']);
    // No post to hold a thread. The author's private confirmation (Bewerken/Intrekken) is a DM
    // the outbox may already have sent by now: it is not the update's post.
    const posts = slack.fake.calls.slice(since).filter((call) => call.method === 'chat.postMessage' && !JSON.stringify(call.body).includes('update.bewerken'));
    expect(posts).toHaveLength(0);
    expect(await threadsOf('Vanuit een privébericht')).toHaveLength(0);
  });

  it('a retried slash command posts the update once', async () => {
    const since = slack.fake.calls.length;
    await slack.command('USAMIRA', '/update plaats Eén keer in het kanaal', { triggerId: 'trg-discussion' });
    const retried = await slack.command('USAMIRA', '/update plaats Eén keer in het kanaal', { triggerId: 'trg-discussion', retryNum: 1 });
    expect(retried.seen).toHaveLength(0);
    expect(slack.fake.channelPosts(CHANNEL.id, since)).toHaveLength(1);
    expect(await threadsOf('Eén keer in het kanaal')).toHaveLength(1);
  });
});
