// Requests no real Slack sends, through the real Bolt adapter: signed bodies Bolt would crash
// on (payload=null), duplicated fields, control characters in ids, timestamps from the future,
// huge bodies, byte-identical replays, kinds the bot does not listen to, requests from other
// workspaces, and malformed Socket Mode envelopes. Each gets a 400/401/413 or a short
// localised answer, stores nothing, and the process goes on serving.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { startSlack, type SlackHarness } from './harness.ts';
import { storedRows } from './support/rows.ts';

const all = (seen: { text: string }[]) => seen.map((message) => message.text).join('\n');

// Whatever escapes the adapter would land here; none may.
const escaped: unknown[] = [];
const onEscape = (error: unknown) => void escaped.push(error);
beforeAll(() => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
});
afterAll(() => {
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
});
afterEach(() => expect(escaped).toEqual([]));

let testBot: TestBot;
beforeAll(async () => {
  testBot = await createTestBot({ admins: ['slack:UADMIN'] });
  await approveMember(testBot.services, 'slack', 'USAMIRA', 'smn', 'Samira');
  // A machine shared by several test runs can take long to start a database.
}, 180_000);
afterAll(() => testBot?.close());

/** A slash command as Slack sends it, with fields replaced or added as given (in order). */
function commandForm(slack: SlackHarness, overrides: Record<string, string | undefined> = {}, extra: [string, string][] = []): { raw: string; responseUrl: string } {
  const responseUrl = slack.fake.responseUrl();
  const fields: Record<string, string | undefined> = {
    team_id: 'T1',
    channel_id: 'C0ALLIANTIE',
    channel_name: 'alliantie',
    user_id: 'USAMIRA',
    user_name: 'samira',
    command: '/update',
    text: 'plaats Vijandig bericht',
    api_app_id: 'A1',
    response_url: responseUrl,
    trigger_id: `trg-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
  const pairs = Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return { raw: new URLSearchParams([...pairs, ...extra]).toString(), responseUrl };
}

const interactive = (payload: string) => new URLSearchParams({ payload }).toString();

describe('hostile requests over HTTP', () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlack({ testBot });
  });
  afterAll(() => slack?.close());

  it('a signed payload=null (and other payloads that are no object) gets a 400; the process goes on serving', async () => {
    const before = await storedRows(testBot);
    for (const payload of ['null', '[]', '[{"type":"block_actions"}]', '"block_actions"', '42', 'true', '{}', '{"type":null}']) {
      expect((await slack.post(interactive(payload))).status, payload).toBe(400);
    }
    expect(await storedRows(testBot)).toEqual(before);
    expect(all((await slack.command('UANYONE', '/help')).seen)).toContain('Binnenuit: wat kan ik hier doen?');
    expect((await fetch(`${slack.baseUrl}/healthz`)).status).toBe(200);
  });

  it('duplicated form fields (two texts, two user ids, two payloads) get a 400: nothing answered, nothing stored', async () => {
    const before = await storedRows(testBot);
    for (const duplicate of [['text', 'plaats Tweede tekst'], ['user_id', 'UADMIN'], ['command', '/help']] as [string, string][]) {
      const { raw, responseUrl } = commandForm(slack, {}, [duplicate]);
      expect((await slack.post(raw)).status, duplicate[0]).toBe(400);
      expect(slack.fake.postsTo(responseUrl)).toHaveLength(0);
    }
    const twoPayloads = `${interactive('{"type":"block_actions"}')}&${interactive('{"type":"view_submission"}')}`;
    expect((await slack.post(twoPayloads)).status).toBe(400);
    expect(await storedRows(testBot)).toEqual(before);
  });

  it('NUL and control characters in ids get a 400; in the text they get a localised explanation', async () => {
    const before = await storedRows(testBot);
    for (const field of ['user_id', 'channel_id', 'team_id', 'trigger_id', 'api_app_id']) {
      for (const bad of ['U\u0000NUL', 'U\u0007BEL', 'U 1', 'U"1']) {
        const { raw, responseUrl } = commandForm(slack, { [field]: bad });
        expect((await slack.post(raw)).status, `${field}=${JSON.stringify(bad)}`).toBe(400);
        expect(slack.fake.postsTo(responseUrl)).toHaveLength(0);
      }
    }
    const press = JSON.stringify({
      type: 'block_actions',
      user: { id: 'UADMIN\u0000' },
      team: { id: 'T1' },
      trigger_id: 'trg-nul',
      actions: [{ type: 'button', action_id: 'profiel.goedkeuren', value: 'x', action_ts: '1.2' }],
    });
    expect((await slack.post(interactive(press))).status).toBe(400);
    expect(await storedRows(testBot)).toEqual(before);

    const { raw, responseUrl } = commandForm(slack, { text: 'plaats Tekst met een \u0000 erin' });
    expect((await slack.post(raw)).status).toBe(200);
    const [answer] = slack.fake.postsTo(responseUrl);
    expect(answer!.body.response_type).toBe('ephemeral');
    expect(answer!.body.text).toMatch(/tekens/);
    expect((await storedRows(testBot)).updates).toBe(before.updates);
  });

  it('refuses timestamps more than five minutes ahead (401) and takes those within (200)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ahead = commandForm(slack, { user_id: 'UVOORUIT', command: '/help', text: '' });
    expect((await slack.post(ahead.raw, { timestamp: now + 6 * 60 })).status).toBe(401);
    expect(slack.fake.postsTo(ahead.responseUrl)).toHaveLength(0);
    const slightlyAhead = commandForm(slack, { user_id: 'UVOORUIT', command: '/help', text: '' });
    expect((await slack.post(slightlyAhead.raw, { timestamp: now + 4 * 60 })).status).toBe(200);
    expect(slack.fake.postsTo(slightlyAhead.responseUrl)).toHaveLength(1);
    const notANumber = commandForm(slack, { command: '/help', text: '' });
    expect((await slack.post(notANumber.raw, { headers: { 'x-slack-request-timestamp': '1e12' } })).status).toBe(401);
  });

  it('answers a body over 1 MB with 413 and stores nothing; a large one under it gets the usual explanation', async () => {
    const before = await storedRows(testBot);
    const huge = commandForm(slack, { text: `plaats ${'a'.repeat(1024 * 1024)}` });
    expect((await slack.post(huge.raw)).status).toBe(413);
    expect(slack.fake.postsTo(huge.responseUrl)).toHaveLength(0);
    expect(await storedRows(testBot)).toEqual(before);
    // Accepted (the inbox keeps a record of it), explained, and no update stored.
    const large = commandForm(slack, { text: `plaats ${'lang '.repeat(8000)}` });
    expect((await slack.post(large.raw)).status).toBe(200);
    expect(slack.fake.postsTo(large.responseUrl)[0]!.body.text).toMatch(/te lang/);
    expect((await storedRows(testBot)).updates).toBe(before.updates);
  });

  it('runs a byte-identical replay of a request without trigger_id once: the replay gets 200 and nothing happens', async () => {
    const updates = () => testBot.db.prisma.update.count();
    const before = await updates();
    const { raw, responseUrl } = commandForm(slack, { text: 'plaats Zonder trigger verstuurd', trigger_id: undefined });
    const since = slack.fake.calls.length;
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await slack.post(raw, { timestamp })).status).toBe(200);
    expect((await slack.post(raw, { timestamp })).status).toBe(200);
    expect((await slack.post(raw, { timestamp })).status).toBe(200);
    expect(await updates()).toBe(before + 1);
    // Posted in the channel once, and nothing more said at the response_url.
    expect(slack.fake.channelPosts('C0ALLIANTIE', since)).toHaveLength(1);
    expect(slack.fake.postsTo(responseUrl)).toHaveLength(0);
  });

  it('answers well-formed kinds the bot does not listen to with an empty 200 at once', async () => {
    const shortcut = { type: 'shortcut', callback_id: 'x', trigger_id: 'trg-sc', user: { id: 'U1' }, team: { id: 'T1' } };
    const closed = { type: 'view_closed', user: { id: 'U1' }, team: { id: 'T1' }, view: { id: 'V1', callback_id: 'other' } };
    const otherForm = { type: 'view_submission', user: { id: 'U1' }, team: { id: 'T1' }, view: { id: 'V2', callback_id: 'someone.else', state: { values: {} } } };
    for (const payload of [shortcut, closed, otherForm]) {
      const answered = await slack.post(interactive(JSON.stringify(payload)));
      expect(answered.status, payload.type).toBe(200);
      expect(answered.body).toBeUndefined();
    }
    const rateLimited = await slack.post(JSON.stringify({ type: 'app_rate_limited', team_id: 'T1', minute_rate_limited: 1 }), { contentType: 'application/json' });
    expect(rateLimited.status).toBe(200);
  });

  it('refuses JSON events that are no object or have a malformed event', async () => {
    for (const body of ['null', '[]', '"x"', '{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":null}', '{"type":"event_callback","team_id":"T1","event_id":"Ev1","event":{"type":"message","text":["a"]}}']) {
      expect((await slack.post(body, { contentType: 'application/json' })).status, body).toBe(400);
    }
  });
});

describe('requests from other Slack workspaces', () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlack({ testBot });
  });
  afterAll(() => slack?.close());

  it('learns its own workspace from auth.test at start-up and serves it', async () => {
    expect(slack.fake.callsTo('auth.test', { succeeded: true }).length).toBeGreaterThan(0);
    expect(all((await slack.command('USAMIRA', '/help')).seen)).toContain('Binnenuit: wat kan ik hier doen?');
  });

  it('answers a command from another workspace with a short localised refusal and stores nothing', async () => {
    const before = await storedRows(testBot);
    const refused = await slack.command('UVREEMD', '/profiel koppel SMN', { team: 'T0VREEMD' });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('werkruimte van de alliantie') });
    expect(refused.seen).toHaveLength(0);
    expect(slack.fake.callsTo('users.info').filter((call) => call.body.user === 'UVREEMD')).toHaveLength(0);
    expect(await storedRows(testBot)).toEqual(before);
  });

  it('refuses a button press from another workspace in the conversation, and ignores its events', async () => {
    const before = await storedRows(testBot);
    const button = { label: 'Goedkeuren', actionId: 'profiel.goedkeuren', slackActionId: 'profiel.goedkeuren', value: '1' };
    const pressed = await slack.press('UVREEMD', button, { team: 'T0VREEMD' });
    expect(pressed.seen).toHaveLength(1);
    expect(pressed.seen[0]!.visibility).toBe('ephemeral');
    expect(pressed.seen[0]!.text).toContain('werkruimte van de alliantie');

    const published = () => slack.fake.callsTo('views.publish').length;
    const publishedBefore = published();
    expect((await slack.event({ type: 'app_home_opened', user: 'UVREEMD', channel: 'DUVREEMD', tab: 'home', event_ts: '1.1' }, undefined, 'T0VREEMD')).status).toBe(200);
    expect(published()).toBe(publishedBefore);
    expect(await storedRows(testBot)).toEqual(before);
    // The same event from our own workspace is served.
    await slack.event({ type: 'app_home_opened', user: 'USAMIRA', channel: 'DUSAMIRA', tab: 'home', event_ts: '1.2' });
    expect(published()).toBe(publishedBefore + 1);
  });

  it('serves the workspaces listed in SLACK_ALLOWED_TEAMS, and still no others', async () => {
    const partner = await startSlack({ testBot, allowedTeams: ['T0PARTNER'] });
    try {
      expect(all((await partner.command('UPARTNER', '/help', { team: 'T0PARTNER' })).seen)).toContain('Binnenuit: wat kan ik hier doen?');
      expect(all((await partner.command('USAMIRA', '/help')).seen)).toContain('Binnenuit: wat kan ik hier doen?');
      expect((await partner.command('UVREEMD', '/help', { team: 'T0VREEMD' })).body.text).toContain('werkruimte van de alliantie');
    } finally {
      await partner.close();
    }
  });
});

describe('hostile envelopes over Socket Mode', () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlack({ mode: 'socket', testBot });
  });
  afterAll(() => slack?.close());

  it('skips malformed envelopes (acknowledged, nothing run, no crash) and goes on serving', async () => {
    const before = await storedRows(testBot);
    const envelopes: [string, unknown][] = [
      ['events_api', null],
      ['events_api', { type: 'event_callback', event: null }],
      ['events_api', []],
      ['slash_commands', null],
      ['slash_commands', { command: '/update', user_id: 'U\u0000', team_id: 'T1', text: 'plaats x' }],
      ['slash_commands', { command: '/update', user_id: 'USAMIRA', team_id: 'T1', text: ['plaats', 'x'] }],
      ['interactive', [{ type: 'block_actions' }]],
      ['interactive', { type: 'block_actions', user: null, actions: [] }],
    ];
    for (const [index, [type, payload]] of envelopes.entries()) {
      const envelopeId = `bad-${index}`;
      slack.fake.sendRawSocketMessage(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }));
      expect(await slack.fake.ackFor(envelopeId), `${type} ${JSON.stringify(payload)}`).toMatchObject({ envelope_id: envelopeId });
    }
    for (const junk of ['null', '[]', '"text"', '{"type":"events_api"}', '{"type":"mystery","envelope_id":"m1","payload":{}}']) {
      slack.fake.sendRawSocketMessage(junk);
    }
    await slack.adapter.settled();
    expect(await storedRows(testBot)).toEqual(before);
    expect(all((await slack.command('UANYONE', '/help')).seen)).toContain('Binnenuit: wat kan ik hier doen?');
  });

  it('refuses a command from another workspace in the acknowledgement', async () => {
    const refused = await slack.command('UVREEMD', '/help', { team: 'T0VREEMD' });
    expect(refused.body).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('werkruimte van de alliantie') });
  });
});
