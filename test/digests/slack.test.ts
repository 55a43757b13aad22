// /digest on Slack through the real Bolt adapter against FakeSlack: answers to the coordinator
// are private (response_url, ephemeral), voorbeeld never becomes a channel post, and a digest
// is one top-level message in the channel with its further parts only in that message's thread.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { CHANNEL, startSlack, type SlackHarness } from '../slack/harness.ts';
import { seenMessage } from '../slack/seen.ts';

let testBot: TestBot;
let slack: SlackHarness;
let authorId: string;
beforeAll(async () => {
  testBot = await createTestBot({ admins: ['slack:UADMIN'], guide: true });
  const author = await approveMember(testBot.services, 'slack', 'USAMIRA', 'smn', 'Samira');
  authorId = author!.id;
  slack = await startSlack({ testBot });
  slack.fake.users.set('UJOHN', { real_name: 'John Smith', locale: 'en-GB' });
  // What src/app.ts wires for every adapter that can link to its messages.
  testBot.services.digests.links.set('slack', (ref) => slack.adapter.messageLink(ref));
}, 180_000); // the guide synced and Bolt started: slow on a busy shared machine
afterAll(async () => {
  await slack?.close();
});
beforeEach(async () => {
  await testBot.services.digests.stop({ platform: 'slack', ref: CHANNEL.id });
});

const text = (answer: { seen: { text: string }[] }) => answer.seen.map((message) => message.text).join('\n');

describe('/digest on Slack', () => {
  it('subscribes this channel for a coordinator, privately, and shows it to members', async () => {
    const since = slack.fake.calls.length;
    const answer = await slack.command('UADMIN', '/digest abonneer wekelijks dag:woensdag tijd:08:15');
    expect(answer.seen).toHaveLength(1);
    expect(answer.seen[0]!.visibility).toBe('ephemeral');
    expect(answer.seen[0]!.text).toContain('Dit kanaal krijgt nu elke woensdag om 08:15 een weekoverzicht');
    expect(text(await slack.command('USAMIRA', '/digest'))).toContain('Dit kanaal krijgt elke woensdag om 08:15 een weekoverzicht');
    await testBot.worker.drain();
    expect(slack.fake.channelPosts(CHANNEL.id, since)).toHaveLength(0);
  });

  it('refuses members and strangers who may not', async () => {
    expect(text(await slack.command('USAMIRA', '/digest abonneer wekelijks'))).toContain('Dit is alleen voor coördinatoren en beheerders.');
    expect(text(await slack.command('USTRANGER', '/digest'))).toContain('Hiervoor heb je een goedgekeurd profiel nodig.');
    expect(text(await slack.command('USAMIRA', '/digest'))).toContain('Dit kanaal krijgt geen digest.');
  });

  it('voorbeeld answers only the one asking, never in the channel', async () => {
    await testBot.services.updates.post({ authorId, body: 'Voorlichting op scholen in Utrecht', theme: 'zelfbeschikking' });
    await slack.command('UADMIN', '/digest abonneer dagelijks');
    const since = slack.fake.calls.length;
    const answer = await slack.command('USAMIRA', '/digest voorbeeld');
    await testBot.worker.drain();
    expect(answer.seen.map((message) => message.visibility)).toEqual(['ephemeral']);
    expect(answer.seen[0]!.text).toContain('Voorlichting op scholen in Utrecht');
    expect(answer.seen[0]!.text).toContain('Alleen jij ziet dit');
    expect(slack.fake.channelPosts(CHANNEL.id, since)).toHaveLength(0);
    expect(slack.fake.callsTo('chat.postMessage').slice(0).filter((call) => call.body.channel === CHANNEL.id && call.body.text?.includes('Voorlichting'))).toHaveLength(0);
  });

  it('links each update to its post in the channel where it was posted', async () => {
    await slack.command('USAMIRA', '/update plaats #regie Regietafel Zwolle: wie sluit aan?');
    await testBot.worker.drain();
    const [post] = slack.fake.channelPosts(CHANNEL.id).filter((call) => String(call.body.text).includes('Regietafel Zwolle'));
    const link = `https://fake.slack.com/archives/${CHANNEL.id}/p${String(post!.response!.ts).replace('.', '')}`;
    await slack.command('UADMIN', '/digest abonneer dagelijks');
    const answer = await slack.command('UADMIN', '/digest voorbeeld');
    expect(JSON.stringify(slack.fake.postsTo(answer.responseUrl)[0]!.body)).toContain(link);
  });

  it('a long digest is one top-level message; the rest is only in its thread, in order', async () => {
    for (let i = 1; i <= 90; i++) {
      await testBot.services.updates.post({ authorId, theme: i % 2 ? 'samenwerking' : 'beleid', body: `Update ${String(i).padStart(2, '0')}: ${'verslag van de regiotafel en de afspraken die daar zijn gemaakt '.repeat(3)}` });
    }
    await slack.command('UADMIN', '/digest abonneer dagelijks');
    const since = slack.fake.calls.length;
    const answer = await slack.command('UADMIN', '/digest nu');
    await testBot.worker.drain();
    expect(text(answer)).toContain('De digest van deze periode staat nu in dit kanaal.');
    const top = slack.fake.channelPosts(CHANNEL.id, since);
    expect(top).toHaveLength(1);
    const ts = top[0]!.response!.ts as string;
    const first = seenMessage(top[0]!.body, 'channel').text;
    expect(first).toContain('Dagoverzicht');
    expect(first).toMatch(/\d+ nieuwe updates/);
    const thread = slack.fake.callsTo('chat.postMessage').slice(0).filter((call) => call.body.thread_ts === ts && call.response?.ok);
    expect(thread.length).toBeGreaterThan(0);
    const all = [first, ...thread.map((call) => seenMessage(call.body, 'channel').text)].join('\n');
    // Every update once, in order within its theme, and the tip at the end.
    for (let i = 1; i <= 90; i++) expect(all.split(`Update ${String(i).padStart(2, '0')}:`)).toHaveLength(2);
    expect(all.indexOf('Update 01:')).toBeLessThan(all.indexOf('Update 89:'));
    expect(all.lastIndexOf('Tip uit de handreiking')).toBeGreaterThan(all.lastIndexOf('Update '));
    // /digest nu again: counted as sent, nothing more in the channel.
    expect(text(await slack.command('UADMIN', '/digest nu'))).toContain('De digest van deze periode is al verstuurd');
    await testBot.worker.drain();
    expect(slack.fake.channelPosts(CHANNEL.id, since)).toHaveLength(1);
  });

  it('answers the coordinator in their language; the digest speaks the subscription language (taal:en)', async () => {
    const answer = await slack.command('UADMIN', '/digest abonneer wekelijks taal:en');
    expect(text(answer)).toContain('in het Engels');
    const since = slack.fake.calls.length;
    await slack.command('UADMIN', '/digest nu');
    await testBot.worker.drain();
    const [post] = slack.fake.channelPosts(CHANNEL.id, since);
    expect(seenMessage(post!.body, 'channel').text).toContain('Weekly summary');
  });
});

// H15: the meetings and advice parts reach Slack as part of the digest.
describe('the meetings and advice parts on Slack', () => {
  it('a digest in the channel carries the coming meeting with its counts and the advice numbers, never a question', { timeout: 120_000 }, async () => {
    const slackPlace = { platform: 'slack' as const, channelRef: CHANNEL.id };
    const type = async (userId: string, command: string, text: string) => {
      const outcome = await testBot.bot.handleText({ requester: { platform: 'slack', userId }, place: slackPlace, command, text });
      await testBot.worker.drain();
      return outcome.kind === 'reply' ? outcome.reply : undefined;
    };
    const press = async (userId: string, actionId: string, value: string) => {
      await testBot.bot.handleAction({ requester: { platform: 'slack', userId }, place: slackPlace, actionId, value });
      await testBot.worker.drain();
    };
    // A meeting planned in this channel, three days from now, Samira says Ja.
    const preview = await type('UADMIN', 'overleg', 'plan wanneer:"3 maart 2027 10:00" genodigden:"<@USAMIRA>" Regiotafel Zwolle');
    const draftId = preview!.buttons![0]!.value!;
    const startsAt = new Date(Date.now() + 3 * 86_400_000);
    await testBot.db.prisma.meeting.update({ where: { id: draftId }, data: { startsAt, endsAt: new Date(startsAt.getTime() + 3_600_000) } });
    await press('UADMIN', 'overleg.versturen', draftId);
    await press('USAMIRA', 'overleg.ja', draftId);
    // Three advice requests in the last hours.
    const question = 'Vraag over een meisje uit de wijk Holtenbroek';
    for (let i = 1; i <= 3; i++) {
      await testBot.services.unitOfWork.run(() =>
        testBot.services.advice.ask({ requesterId: authorId, theme: 'huwelijksdwang', urgent: false, question: `${question} ${i}` }, new Date(Date.now() - i * 3_600_000)),
      );
    }
    await testBot.worker.drain();
    await slack.command('UADMIN', '/digest abonneer dagelijks delen:overleg,advies');
    const since = slack.fake.calls.length;
    await slack.command('UADMIN', '/digest nu');
    await testBot.worker.drain();
    const top = slack.fake.channelPosts(CHANNEL.id, since);
    expect(top).toHaveLength(1);
    const ts = top[0]!.response!.ts as string;
    const thread = slack.fake.callsTo('chat.postMessage').filter((call) => call.body.thread_ts === ts && call.response?.ok);
    const all = [top[0]!, ...thread].map((call) => seenMessage(call.body, 'channel').text).join('\n');
    expect(all).toContain('1 overleg in de komende 14 dagen');
    expect(all).toContain('Regiotafel Zwolle');
    expect(all).toContain('ja 1 · misschien 0 · nee 0 · geen antwoord 0');
    expect(all).toContain('3 nieuwe adviesvragen');
    expect(all).toContain('nieuw 3 · beantwoord 0 · afgerond 0');
    for (const secret of [question, 'Samira', 'Huwelijksdwang']) expect(all, secret).not.toContain(secret);
  });
});

describe('a scheduled digest on Slack when Slack fails', () => {
  it('is retried through the outbox after a 429 and a lost answer, and lands in the channel once', { timeout: 90_000 }, async () => {
    await testBot.services.digests.stop({ platform: 'slack', ref: CHANNEL.id });
    const member = await testBot.services.members.resolve('slack', 'UADMIN');
    const now = new Date();
    // Due a minute ago: the job's next pass sends it.
    const local = new Date(now.getTime() - 60_000);
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', hourCycle: 'h23' }).format(local));
    await testBot.services.digests.subscribe({ platform: 'slack', ref: CHANNEL.id }, { frequency: 'daily', weekday: 1, hour, minute: local.getUTCMinutes(), skipHolidays: false, locale: 'nl', parts: ['updates', 'tip'], skipEmpty: false }, member.id, new Date(now.getTime() - 3_600_000));
    const since = slack.fake.calls.length;
    const stored = slack.fake.messages.length;
    slack.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    slack.fake.faultNext('chat.postMessage', 'reset-after-store');
    const { digests } = await import('../../src/scheduler/jobs.ts');
    expect(await digests.run(testBot.services, now)).toMatchObject({ sent: 1 });
    for (let i = 0; i < 20 && slack.fake.channelPosts(CHANNEL.id, since).filter((call) => call.response?.ok).length === 0; i++) {
      await testBot.worker.drain();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
    await testBot.worker.drain();
    // The job again finds it done; Slack shows it once (the retry found the post whose answer was lost).
    expect(await digests.run(testBot.services, new Date(now.getTime() + 60_000))).toMatchObject({ sent: 0, late: 0 });
    await testBot.worker.drain();
    const visible = slack.fake.messages.slice(stored).filter((message) => message.channel === CHANNEL.id && !message.thread_ts);
    expect(visible).toHaveLength(1);
    expect(slack.fake.calls.slice(since).filter((call) => call.method === 'chat.postMessage' && call.status === 429)).toHaveLength(1);
  });
});

describe('a channel the bot was removed from (Slack)', () => {
  afterAll(() => slack?.fake.removedFrom.clear());
  it('pauses the digest and tells the coordinator who subscribed it; subscribing again resumes it', async () => {
    await testBot.services.digests.stop({ platform: 'slack', ref: CHANNEL.id });
    await slack.command('UADMIN', '/digest abonneer dagelijks');
    // Whatever else was queued goes first, so the refusal meets the digest.
    await testBot.worker.drain();
    const since = slack.fake.calls.length;
    slack.fake.removedFrom.add(CHANNEL.id);
    await slack.command('UADMIN', '/digest nu');
    const noticesSince = () => slack.fake.calls.slice(since).filter((call) => call.method === 'chat.postMessage' && call.body.channel === 'DUADMIN' && call.response?.ok);
    // A retry-after left by an earlier failure may delay the attempt by a second or two.
    for (let i = 0; i < 20 && noticesSince().length === 0; i++) {
      await testBot.worker.drain();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(slack.fake.channelPosts(CHANNEL.id, since)).toHaveLength(0);
    const notices = noticesSince();
    expect(notices.map((call) => seenMessage(call.body, 'channel').text)).toEqual([
      expect.stringContaining('Ik kan niet meer posten in #alliantie (Slack), dus de digest daar staat stil.'),
    ]);
    expect(text(await slack.command('USAMIRA', '/digest'))).toContain('de digest staat stil sinds');
    expect(text(await slack.command('UADMIN', '/digest nu'))).toContain('de digest staat stil sinds');
    // Not retried, and the job leaves a paused digest alone.
    const { digests } = await import('../../src/scheduler/jobs.ts');
    expect(await digests.run(testBot.services, new Date(Date.now() + 2 * 86_400_000))).toMatchObject({ sent: 0, late: 0 });
    await testBot.worker.drain();
    expect(slack.fake.channelPosts(CHANNEL.id, since)).toHaveLength(0);
    // Back in the channel: a new subscription there resumes it.
    slack.fake.removedFrom.delete(CHANNEL.id);
    expect(text(await slack.command('UADMIN', '/digest abonneer dagelijks'))).toContain('Dit kanaal had al een digest');
    expect(text(await slack.command('USAMIRA', '/digest'))).toContain('De volgende komt');
  });
});
