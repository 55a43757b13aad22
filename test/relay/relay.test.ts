// Updates and their discussions across platforms, end to end through the real Bolt and
// discord.js adapters in one process: an update posted on Discord appears in the Slack updates
// channel as the bot's post; a reply in its Slack thread appears in the Discord thread and the
// other way round: in order, each once, never looping, also when an event comes twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_ID, textOf, type Person } from '../discord/harness.ts';
import { CHANNEL, startSlack } from '../slack/harness.ts';
import { approveMember } from '../support/bot.ts';
import { startBoth, type BothPlatforms } from './harness.ts';

const FATIMA: Person = { id: '100000000000000077', name: 'Fatima' };
const JAN = 'UJAN';

describe('relay between Slack and Discord', () => {
  let env: BothPlatforms;
  let slackTs = 0;
  const nextTs = () => `1700001000.${String(++slackTs).padStart(6, '0')}`;
  /** Jan writes in the Slack thread under `threadTs`. */
  const slackReply = (threadTs: string, text: string, ts = nextTs()) =>
    env.slack.event({ type: 'message', channel: CHANNEL.id, channel_type: 'channel', user: JAN, text, ts, thread_ts: threadTs, event_ts: ts }, `Ev-${ts}`);
  const slackThread = (threadTs: string) => env.slack.fake.messages.filter((m) => m.channel === CHANNEL.id && m.thread_ts === threadTs);
  let discordPost: string;
  let slackCopy: string;
  let organisation: string;

  beforeAll(async () => {
    env = await startBoth();
    env.slack.fake.users.set(JAN, { real_name: 'Jan' });
    // As on Discord: a thread exists only once someone (or the bot) started it.
    env.discord.fake.strictThreads = true;
    organisation = (await approveMember(env.testBot.services, 'discord', FATIMA.id, 'iot', 'Fatima')).organisation!.name;
    // A coordinator on each platform makes their channel an updates channel.
    const onSlack = await env.slack.command('UADMIN', '/update kanaal');
    expect(onSlack.seen.map((s) => s.text).join('\n')).toContain('updatekanaal');
    const onDiscord = await env.discord.typed({ id: '100000000000000001' }, '/update kanaal');
    expect(onDiscord.original?.embeds.map((e) => e.description).join('') + (onDiscord.original?.content ?? '')).toContain('updatekanaal');
  }, 240_000);
  afterAll(async () => {
    await env?.close();
  });

  it('shows an update posted on Discord in the Slack updates channel, and only the bot post on Discord', async () => {
    const record = await env.discord.typed(FATIMA, '/update plaats #regie Regiotafel gestart in Utrecht');
    discordPost = record.original!.id;
    await env.drain();
    const copies = env.slack.fake.messages.filter((m) => m.channel === CHANNEL.id && !m.thread_ts && m.text?.includes('Regiotafel gestart in Utrecht'));
    expect(copies).toHaveLength(1);
    expect(copies[0]!.text).toContain('Fatima');
    expect(copies[0]!.text).toContain(organisation);
    expect(copies[0]!.text).toContain('#regie');
    slackCopy = copies[0]!.ts;
    // The Discord channel it was posted in has the bot's own answer, and no relayed copy.
    expect(env.discord.fake.messagesIn(CHANNEL_ID).filter((m) => textOf(m).includes('Regiotafel'))).toHaveLength(0);
  });

  it('relays a Slack thread reply into the Discord thread and a Discord reply into the Slack thread', async () => {
    await slackReply(slackCopy, 'Ik doe mee vanuit Rotterdam');
    await env.drain();
    const inDiscord = env.discord.fake.messagesIn(discordPost).map(textOf);
    expect(inDiscord).toHaveLength(1);
    expect(inDiscord[0]).toContain('Jan');
    expect(inDiscord[0]).toContain('(Slack)');
    expect(inDiscord[0]).toContain('Ik doe mee vanuit Rotterdam');
    // Nobody had opened the Discord post's thread yet: the bot started it from its post.
    expect(env.discord.fake.threadStarts).toEqual([{ parent: CHANNEL_ID, messageId: discordPost, name: 'Reacties' }]);

    await env.discord.startThread({ channel: CHANNEL_ID, message: discordPost }, FATIMA);
    expect(await env.discord.write(FATIMA, discordPost, 'Fijn, donderdag om tien uur?')).toBe(true);
    await env.drain();
    const inSlack = slackThread(slackCopy).map((m) => m.text ?? '');
    expect(inSlack).toHaveLength(1);
    expect(inSlack[0]).toContain('Fatima');
    expect(inSlack[0]).toContain('(Discord)');
    expect(inSlack[0]).toContain('Fijn, donderdag om tien uur?');
  });

  it('keeps 20 messages back and forth in order, each once, without loops or doubles', async () => {
    const discordBefore = env.discord.fake.messagesIn(discordPost).length;
    const slackBefore = slackThread(slackCopy).length;
    const slackTsOf: string[] = [];
    for (let i = 1; i <= 20; i++) {
      if (i % 2 === 1) {
        const ts = nextTs();
        slackTsOf.push(ts);
        await slackReply(slackCopy, `bericht ${i}`, ts);
      } else {
        await env.discord.write(FATIMA, discordPost, `bericht ${i}`);
      }
      // Some go out at once, some wait: the order must hold either way.
      if (i % 5 === 0) await env.drain();
    }
    // Slack retries an event; Discord replays one after a reconnect; the bot's own relays come back as events.
    await slackReply(slackCopy, 'bericht 1', slackTsOf[0]);
    const ownRelay = slackThread(slackCopy).at(-1)!;
    await env.slack.event({ type: 'message', subtype: 'bot_message', bot_id: 'BBOT', channel: CHANNEL.id, text: ownRelay.text, ts: ownRelay.ts, thread_ts: slackCopy });
    await env.slack.event({ type: 'message', bot_id: 'BBOT', user: 'UBOT', channel: CHANNEL.id, text: ownRelay.text, ts: nextTs(), thread_ts: slackCopy });
    const ownDiscord = env.discord.fake.messagesIn(discordPost).at(-1)!;
    expect(await env.discord.write({ id: env.discord.fake.botUserId, name: 'Binnenuit' }, discordPost, textOf(ownDiscord), { isBot: true })).toBe(false);
    await env.drain();

    const toDiscord = env.discord.fake.messagesIn(discordPost).slice(discordBefore).map(textOf);
    const toSlack = slackThread(slackCopy).slice(slackBefore).map((m) => m.text ?? '');
    const numbers = (texts: string[]) => texts.map((text) => Number(/bericht (\d+)/.exec(text)?.[1]));
    expect(numbers(toDiscord)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    expect(numbers(toSlack)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    const update = (await env.testBot.services.updates.list()).find((u) => u.body.includes('Regiotafel'))!;
    const threads = await env.testBot.db.prisma.thread.findMany({ where: { subjectType: 'update', subjectId: update.id } });
    expect(threads).toHaveLength(2);
    const stored = (await Promise.all(threads.map((t) => env.testBot.services.threads.messages(t.id)))).flat();
    expect(stored).toHaveLength(22);
    expect(await env.testBot.db.prisma.outboxMessage.count({ where: { status: { not: 'SENT' } } })).toBe(0);
  }, 240_000);

  it('shortens a 40,000-character Slack message for Discord with a clear note, and keeps it whole', async () => {
    const long = 'Lang verslag van de regiotafel. '.repeat(1250).slice(0, 40_000);
    await slackReply(slackCopy, long);
    await env.drain();
    const last = textOf(env.discord.fake.messagesIn(discordPost).at(-1)!);
    expect(last).toContain('Lang verslag van de regiotafel.');
    expect(last).toContain('Ingekort: de eerste 1500 van 40000 tekens');
    expect(last.length).toBeLessThan(2000);
    const update = (await env.testBot.services.updates.list()).find((u) => u.body.includes('Regiotafel'))!;
    const slackPlace = await env.testBot.db.prisma.thread.findFirstOrThrow({ where: { subjectType: 'update', subjectId: update.id, platformRef: slackCopy } });
    const kept = await env.testBot.services.threads.messages(slackPlace.id);
    expect(kept.at(-1)!.text).toBe(long);
  });

  it('loses no relay when the process stops between storing a message and sending its relay', async () => {
    // Slack is down (no deliverer): the Discord reply is stored, its relay waits in the outbox.
    env.testBot.deliverers.delete('slack');
    expect(await env.discord.write(FATIMA, discordPost, 'Nog iemand voor de agenda?')).toBe(true);
    await env.drain();
    const pending = await env.testBot.db.prisma.outboxMessage.findMany({ where: { status: 'PENDING', platform: 'SLACK' } });
    expect(pending).toHaveLength(1);
    expect(pending[0]!.dedupeKey).toMatch(/^conv:.*:relay:/);
    // A new Slack adapter (a restart) on the same database sends it, once.
    await env.slack.close();
    const again = await startSlack({ testBot: env.testBot });
    env.slack = again;
    await env.testBot.services.outbox.takeOverAfterRestart();
    await env.drain();
    const delivered = again.fake.messages.filter((m) => m.thread_ts === slackCopy);
    expect(delivered.map((m) => m.text)).toEqual([expect.stringContaining('Nog iemand voor de agenda?')]);
  }, 120_000);
});
