// How Slack reaches the bot. Over HTTP: acknowledgement before the work, request signatures,
// junk, Slack's retries, double clicks, and the health route on the same server. Over Socket
// Mode: the adapter opens the socket the fake hands out (apps.connections.open), acknowledges
// envelopes over it and answers as over HTTP; /healthz is served on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.ts';
import { isDatabaseHealthy } from '../../src/db/index.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { SIGNING_SECRET, sign, startSlack, type SlackHarness } from './harness.ts';

const all = (seen: { text: string }[]) => seen.map((message) => message.text).join('\n');

function commandBody(fields: Record<string, string>): string {
  return new URLSearchParams({
    team_id: 'T1',
    channel_id: 'C0ALLIANTIE',
    channel_name: 'alliantie',
    api_app_id: 'A1',
    ...fields,
  }).toString();
}

let testBot: TestBot;
beforeAll(async () => {
  testBot = await createTestBot({ admins: ['slack:UADMIN'], guide: true });
  await approveMember(testBot.services, 'slack', 'USAMIRA', 'smn', 'Samira');
});
afterAll(() => testBot?.close());

describe('Slack over HTTP', () => {
  let slack: SlackHarness;
  let databaseUp = true;
  const updates = () => slack.testBot.db.prisma.update.count();

  beforeAll(async () => {
    slack = await startSlack({ testBot, health: async () => databaseUp && isDatabaseHealthy(testBot.db) });
  });
  afterAll(async () => {
    const sorted = [...slack.ackTimes].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
    console.info(`slack HTTP acks: n=${sorted.length} median=${at(0.5)} ms p95=${at(0.95)} ms max=${at(1)} ms`);
    await slack?.close();
  });

  it('acknowledges before doing the work: the 200 arrives while the answer is still being made', async () => {
    // The work after the acknowledgement is held up; the acknowledgement must not wait for it.
    // (The Bot stores the request and acknowledges it itself, through request.acknowledge.)
    const bot = testBot.bot;
    const original = bot.handleText.bind(bot);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    bot.handleText = (request) =>
      original({
        ...request,
        acknowledge: async () => {
          await request.acknowledge?.();
          await gate;
        },
      });
    try {
      const responseUrl = slack.fake.responseUrl();
      const raw = commandBody({ user_id: 'UWAIT', user_name: 'wacht', command: '/help', text: '', response_url: responseUrl, trigger_id: 'trg-wait' });
      const ts = Math.floor(Date.now() / 1000);
      let acked: Response | undefined;
      void fetch(`${slack.baseUrl}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(SIGNING_SECRET, ts, raw) },
        body: raw,
      }).then((response) => (acked = response));
      await expect.poll(() => acked, { timeout: 10_000 }).toBeDefined();
      expect(acked!.status).toBe(200);
      expect(await acked!.text()).toBe('');
      expect(slack.fake.postsTo(responseUrl)).toHaveLength(0);
      release();
      await slack.adapter.settled();
      expect(slack.fake.postsTo(responseUrl)).toHaveLength(1);
    } finally {
      bot.handleText = original;
      release();
    }
  });

  it('rejects a request with a wrong signature: 401, nothing stored, nothing answered', async () => {
    const responseUrl = slack.fake.responseUrl();
    const raw = commandBody({ user_id: 'USAMIRA', command: '/update', text: 'plaats Vervalst bericht', response_url: responseUrl, trigger_id: 'trg-forged' });
    const before = await updates();
    const forged = await slack.post(raw, { signature: sign('not-the-secret', Math.floor(Date.now() / 1000), raw) });
    expect(forged.status).toBe(401);
    const tampered = await slack.post(raw, { signature: sign(SIGNING_SECRET, Math.floor(Date.now() / 1000), raw.replace('Vervalst', 'Veranderd')) });
    expect(tampered.status).toBe(401);
    expect(await updates()).toBe(before);
    expect(slack.fake.postsTo(responseUrl)).toHaveLength(0);
  });

  it('rejects a correctly signed request that is ten minutes old (a replay)', async () => {
    const responseUrl = slack.fake.responseUrl();
    const raw = commandBody({ user_id: 'USAMIRA', command: '/update', text: 'plaats Oud bericht', response_url: responseUrl, trigger_id: 'trg-stale' });
    const before = await updates();
    const stale = await slack.post(raw, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.status).toBe(401);
    expect(await updates()).toBe(before);
    expect(slack.fake.postsTo(responseUrl)).toHaveLength(0);
  });

  it('survives garbage bodies, signed or not, and keeps serving', async () => {
    const before = await updates();
    expect((await slack.post('{"type": "event_callback", "event": ', { contentType: 'application/json' })).status).toBe(400);
    expect((await slack.post('payload=%7Bnot%20json')).status).toBe(400);
    expect((await slack.post('\u0000\u00ff\u0001binary junk', { signature: 'v0=00' })).status).toBe(401);
    // A command without a person: Slack never sends one, so it is malformed.
    expect((await slack.post(commandBody({ command: '/update', text: 'plaats zonder afzender' }))).status).toBe(400);
    expect(await updates()).toBe(before);
    expect(all((await slack.command('UANYONE', '/help')).seen)).toContain('/handreiking zoek');
  });

  it('handles a retried slash command (same trigger_id, X-Slack-Retry-Num) once', async () => {
    const before = await updates();
    const first = await slack.command('USAMIRA', '/update plaats #regie Regietafel in Zwolle', { triggerId: 'trg-retry' });
    const retry = await slack.command('USAMIRA', '/update plaats #regie Regietafel in Zwolle', { triggerId: 'trg-retry', retryNum: 1 });
    expect(all(first.seen)).toContain('Regietafel in Zwolle');
    expect(retry.status).toBe(200);
    expect(retry.seen).toHaveLength(0);
    expect(await updates()).toBe(before + 1);
  });

  it('keys commands by trigger_id, not by the request time: two posts in the same second both count', async () => {
    const before = await updates();
    const ts = Math.floor(Date.now() / 1000);
    for (const [trigger, text] of [['trg-same-1', 'Eerste'], ['trg-same-2', 'Tweede']]) {
      const raw = commandBody({ user_id: 'USAMIRA', command: '/update', text: `plaats ${text}`, response_url: slack.fake.responseUrl(), trigger_id: trigger! });
      expect((await slack.post(raw, { timestamp: ts })).status).toBe(200);
    }
    expect(await updates()).toBe(before + 2);
  });

  it('decides once when an approve button is double-clicked; the requester hears once', async () => {
    const approvals = () => slack.testBot.db.prisma.auditLog.count({ where: { action: 'link-request.approve' } });
    const approvedBefore = await approvals();
    await slack.command('UADMIN', '/profiel');
    await slack.command('UKEZBAN', '/profiel koppel Kezban');
    await slack.testBot.worker.drain();
    const notice = slack.fake.callsTo('chat.postMessage', { succeeded: true }).find((call) => call.body.channel === 'DUADMIN');
    const approve = notice!.body.blocks
      .flatMap((block: any) => block.elements ?? [])
      .find((element: any) => element.action_id.startsWith('profiel.goedkeuren'));
    const button = { label: approve.text.text, actionId: 'profiel.goedkeuren', slackActionId: approve.action_id, value: approve.value };
    const [one, two] = await Promise.all([slack.press('UADMIN', button), slack.press('UADMIN', button)]);
    const answers = [...one.seen, ...two.seen].map((message) => message.text);
    expect(answers.filter((text) => text.includes('is nu gekoppeld aan Stichting Kezban'))).toHaveLength(1);
    // The second click of a double click is the same press: no second answer at all.
    expect(answers.filter((text) => text.includes('al besloten'))).toHaveLength(0);
    // The same press delivered again (same trigger_id) does nothing at all.
    const replay = await slack.press('UADMIN', button, { triggerId: one.triggerId });
    expect(replay.seen).toHaveLength(0);
    await slack.testBot.worker.drain();
    const toRequester = slack.fake.callsTo('chat.postMessage', { succeeded: true }).filter((call) => call.body.channel === 'DUKEZBAN');
    expect(toRequester).toHaveLength(1);
    expect(toRequester[0]!.body.text).toContain('Je bent gekoppeld aan Stichting Kezban');
    expect(await approvals()).toBe(approvedBefore + 1);
  });

  it("answers Slack's URL verification when the Events URL is set up", async () => {
    const verified = await slack.post(JSON.stringify({ token: 'legacy', challenge: 'chal-123', type: 'url_verification' }), { contentType: 'application/json' });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ challenge: 'chal-123' });
  });

  it('answers GET /healthz with the database state, on the same server', async () => {
    const up = await fetch(`${slack.baseUrl}/healthz`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'ok', database: 'up' });
    databaseUp = false;
    const down = await fetch(`${slack.baseUrl}/healthz`);
    databaseUp = true;
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', database: 'down' });
    expect((await fetch(`${slack.baseUrl}/nope`)).status).toBe(404);
  });
});

describe('Slack logs', () => {
  it('never contain what people typed, even at trace level and when things fail', async () => {
    const lines: string[] = [];
    const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
    const slack = await startSlack({ testBot, logger });
    try {
      await slack.command('USAMIRA', '/update plaats Vertrouwelijk-7Q3 overleg met wijkteam');
      slack.fake.failNext('views.open', { status: 500 });
      await slack.command('USAMIRA', '/handreiking zoek');
      slack.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
      await slack.command('UHULP', '/profiel koppel Geheimestad-9Z');
      await slack.event({ type: 'message', channel: 'C0ALLIANTIE', user: 'USAMIRA', text: 'Draadje-4K8 inhoud', ts: '1700000000.000900', thread_ts: '1700000000.000800', event_ts: '1700000000.000900' });
      await testBot.worker.drain();
      const logged = lines.join('\n');
      expect(logged).toContain('slack adapter listening');
      expect(logged).toContain('slack views.open failed');
      for (const secret of ['Vertrouwelijk-7Q3', 'wijkteam', 'Geheimestad-9Z', 'Draadje-4K8']) expect(logged).not.toContain(secret);
    } finally {
      await slack.close();
    }
  });
});

describe('Slack over Socket Mode', () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlack({ mode: 'socket', testBot });
  });
  afterAll(() => slack?.close());

  it('connects through apps.connections.open', () => {
    expect(slack.adapter.mode).toBe('socket');
    expect(slack.fake.callsTo('apps.connections.open', { succeeded: true })).toHaveLength(1);
    expect(slack.fake.socketConnected).toBe(true);
  });

  it('acknowledges a slash command envelope and answers in the channel', async () => {
    const answer = await slack.command('USAMIRA', '/update plaats #regie Via de socket', { triggerId: 'trg-socket' });
    const ack = slack.fake.socketMessages.at(-1)!;
    expect(ack.envelope_id).toMatch(/^env-/);
    expect(ack.payload).toEqual({});
    expect(answer.seen).toHaveLength(1);
    expect(answer.seen[0]!.visibility).toBe('channel');
    expect(answer.seen[0]!.text).toContain('Via de socket');
    // Slack redelivers an envelope it saw no ack for: handled once.
    const again = await slack.command('USAMIRA', '/update plaats #regie Via de socket', { triggerId: 'trg-socket' });
    expect(again.seen).toHaveLength(0);
    expect((await slack.testBot.services.updates.list({ limit: 100 })).filter((u) => u.body === 'Via de socket')).toHaveLength(1);
  });

  it('handles buttons and form errors over the socket too', async () => {
    const [found] = (await slack.command('UREADER', '/handreiking zoek financiering')).seen;
    const share = found!.buttons.find((button) => button.actionId === 'handreiking.delen')!;
    const [shared] = (await slack.press('UREADER', share)).seen;
    expect(shared!.visibility).toBe('channel');
    expect(shared!.text).toContain('UREADER deelt uit de handreiking');

    await slack.command('USAMIRA', '/update plaats');
    const view = slack.fake.callsTo('views.open', { succeeded: true }).at(-1)!.body.view;
    const rejected = await slack.submit('USAMIRA', view, { tekst: '' });
    expect(rejected.body).toEqual({ response_action: 'errors', errors: { tekst: 'tekst ontbreekt.' } });
  });

  it('answers /healthz on its own HTTP server', async () => {
    const health = await fetch(`${slack.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'up' });
  });
});
