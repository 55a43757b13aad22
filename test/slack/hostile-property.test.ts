// Random requests to POST /slack/events through the real Bolt adapter (fast-check, fixed seed,
// printed): slash commands with mangled fields (duplicated, NUL, missing, another workspace),
// interactivity payloads (null, arrays, random JSON, malformed buttons and forms), Events API
// bodies, raw junk, bodies over 1 MB, bad signatures and timestamps, and command text with
// unmatched “ „ " quotes up to 40,000 characters. Whatever comes in: no unhandled rejection or
// uncaught exception, the answer is 200, 400, 401 or 413, a refused request stores nothing,
// an accepted command is answered where the person sees it, and /healthz still answers.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { SIGNING_SECRET, sign, startSlack, type SlackHarness } from './harness.ts';
import { storedRows } from './support/rows.ts';

const SEED = Number(process.env.FAST_CHECK_SEED ?? 20261201);
const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 200);

const escaped: unknown[] = [];
const onEscape = (error: unknown) => void escaped.push(error);

let testBot: TestBot;
let slack: SlackHarness;
beforeAll(async () => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
  testBot = await createTestBot({ admins: ['slack:UADMIN'] });
  await approveMember(testBot.services, 'slack', 'USAMIRA', 'smn', 'Samira');
  slack = await startSlack({ testBot });
}, 180_000);
afterAll(async () => {
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
  await slack?.close();
  await testBot?.close();
});

// ---- what a request is made of ----

const quotes = ['“', '„', '”', '"', "'", '‘', '’'];
const word = fc.oneof(
  fc.constantFrom(...quotes, 'gemeente:', 'gemeente:"Den', 'naam:“', '#regie', '#', ':', 'plaats', 'lijst', 'zoek', 'koppel', ' ', '  ', '\n', '\t', '&amp;', '&lt;', '<@U1|x>', '\u0000', '\u200b', '🙂'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const text = fc.oneof(
  { weight: 6, arbitrary: fc.array(word, { maxLength: 40 }).map((words) => words.join(' ')) },
  // A long run of one unmatched quote (or letter), up to 40,000 characters.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...quotes, 'a'), fc.integer({ min: 1000, max: 40_000 }), fc.array(word, { maxLength: 5 })).map(([quote, n, rest]) => `${rest.join(' ')} ${quote.repeat(n)}`) },
);

const commandNames = fc.constantFrom('/help', '/profiel', '/update', '/handreiking', '/nope', '/UPDATE');
const idFields = ['user_id', 'channel_id', 'team_id', 'trigger_id', 'api_app_id'] as const;
const mutation = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), field: fc.constantFrom('text', 'user_id', 'command', 'team_id', 'trigger_id'), value: text }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('control' as const), field: fc.constantFrom(...idFields), char: fc.constantFrom('\u0000', '\u0001', '\u001b', '\u007f', ' ', '"', '\n') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), field: fc.constantFrom('user_id', 'team_id', 'command', 'trigger_id', 'response_url') }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'otherTeam' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('payloadToo' as const), payload: fc.constantFrom('null', '[]', '{}', '{"type":"block_actions"}') }) },
);

const command = fc.record({ kind: fc.constant('command' as const), command: commandNames, user: fc.constantFrom('USAMIRA', 'UADMIN', 'UNIEUW'), text, mutation });

const junkValue = fc.oneof(fc.constant(null), fc.constant([]), fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 30 }));
const blockActions = fc.record({
  type: fc.constant('block_actions'),
  user: fc.oneof(fc.record({ id: fc.constantFrom('USAMIRA', 'U\u0000X', '') }), junkValue),
  team: fc.oneof(fc.constant({ id: 'T1' }), fc.constant({ id: 'T0VREEMD' }), junkValue),
  trigger_id: fc.oneof(fc.constant('trg-prop'), junkValue),
  actions: fc.oneof(fc.constant([{ type: 'button', action_id: 'profiel.goedkeuren', value: '1', action_ts: '1.1' }]), fc.array(junkValue, { maxLength: 3 }), junkValue),
});
const viewSubmission = fc.record({
  type: fc.constant('view_submission'),
  user: fc.oneof(fc.constant({ id: 'USAMIRA' }), junkValue),
  team: fc.constant({ id: 'T1' }),
  view: fc.oneof(
    fc.record({ id: fc.constant('V1'), callback_id: fc.constant('binnenuit.form'), private_metadata: fc.oneof(fc.constant('{"c":"update","s":"plaats"}'), fc.string()), state: fc.oneof(fc.constant({ values: { tekst: { value: { type: 'plain_text_input', value: '' } } } }), junkValue) }),
    junkValue,
  ),
});
const interactivePayload = fc.oneof(
  fc.constantFrom('null', '[]', '[null]', '""', '0', 'true', '{', '{"type":"block_actions"', '"\u0000"'),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  blockActions.map((value) => JSON.stringify(value)),
  viewSubmission.map((value) => JSON.stringify(value)),
);
const interactive = interactivePayload.map((payload) => ({ kind: 'raw' as const, raw: new URLSearchParams({ payload }).toString(), contentType: 'application/x-www-form-urlencoded' }));

const eventBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({
    type: fc.constant('event_callback'),
    team_id: fc.oneof(fc.constant('T1'), fc.constant('T0VREEMD'), junkValue),
    event_id: fc.oneof(fc.string({ minLength: 1, maxLength: 10 }).map((s) => `Ev${s}`), junkValue),
    event: fc.oneof(fc.record({ type: fc.constantFrom('message', 'app_home_opened', 'reaction_added'), user: fc.oneof(fc.constant('USAMIRA'), junkValue), text: fc.oneof(text, junkValue), ts: fc.constant('1700000000.000001'), thread_ts: fc.constant('1700000000.000000'), channel: fc.constant('C0ALLIANTIE') }), junkValue),
  }),
);
const events = eventBody.map((value) => ({ kind: 'raw' as const, raw: JSON.stringify(value) ?? 'null', contentType: 'application/json' }));

const raw = fc.record({
  kind: fc.constant('raw' as const),
  raw: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('', '&&&', '=', 'payload', 'payload=', 'ssl_check=1&payload=null', 'command=/help&command=/help')),
  contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', 'application/x-www-form-urlencoded; charset=utf-8'),
});
const huge = fc.integer({ min: 1024 * 1024 + 1, max: 1024 * 1024 + 4096 }).map((size) => ({ kind: 'raw' as const, raw: `payload=${'a'.repeat(size)}`, contentType: 'application/x-www-form-urlencoded' }));

const body = fc.oneof({ weight: 5, arbitrary: command }, { weight: 3, arbitrary: interactive }, { weight: 2, arbitrary: events }, { weight: 2, arbitrary: raw }, { weight: 1, arbitrary: huge });
const signing = fc.oneof(
  { weight: 8, arbitrary: fc.constant('valid' as const) },
  { weight: 1, arbitrary: fc.constantFrom('wrongSecret' as const, 'stale' as const, 'future' as const, 'missing' as const, 'garbled' as const) },
);

// ---- turning it into a request ----

let counter = 0;
function commandRaw(generated: { command: string; user: string; text: string; mutation: any }, responseUrl: string): string {
  const fields: [string, string][] = [
    ['team_id', generated.mutation.kind === 'otherTeam' ? 'T0VREEMD' : 'T1'],
    ['channel_id', 'C0ALLIANTIE'],
    ['channel_name', 'alliantie'],
    ['user_id', generated.user],
    ['user_name', generated.user.toLowerCase()],
    ['command', generated.command],
    // Slack escapes &, < and > in what people type.
    ['text', generated.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')],
    ['api_app_id', 'A1'],
    ['response_url', responseUrl],
    ['trigger_id', `trg-prop-${++counter}`],
  ];
  const m = generated.mutation;
  if (m.kind === 'duplicate') fields.push([m.field, m.value]);
  if (m.kind === 'payloadToo') fields.push(['payload', m.payload]);
  const mangled = fields
    .filter(([key]) => !(m.kind === 'drop' && key === m.field))
    .map(([key, value]): [string, string] => (m.kind === 'control' && key === m.field ? [key, `${value.slice(0, 2)}${m.char}${value.slice(2)}`] : [key, value]));
  return new URLSearchParams(mangled).toString();
}

describe('random requests to /slack/events', () => {
  it(`never crash, answer 200/400/401/413, store nothing when refused, answer accepted commands (seed ${SEED}, ${RUNS} runs)`, async () => {
    console.info(`fast-check seed ${SEED} (set FAST_CHECK_SEED to replay another)`);
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(body, signing, async (generated, signed) => {
        const responseUrl = slack.fake.responseUrl();
        const rawBody = generated.kind === 'command' ? commandRaw(generated, responseUrl) : generated.raw;
        const contentType = generated.kind === 'command' ? 'application/x-www-form-urlencoded' : generated.contentType;
        const now = Math.floor(Date.now() / 1000);
        const timestamp = signed === 'stale' ? now - 600 : signed === 'future' ? now + 600 : now;
        const signature =
          signed === 'wrongSecret' ? sign('not-the-secret', timestamp, rawBody) : signed === 'garbled' ? 'v0=zz' : sign(SIGNING_SECRET, timestamp, rawBody);
        const headers: Record<string, string> = signed === 'missing' ? { 'x-slack-signature': '' } : {};
        const before = await storedRows(testBot);
        const since = slack.fake.calls.length;

        const answered = await slack.post(rawBody, { contentType, timestamp, signature, headers });
        statuses[answered.status] = (statuses[answered.status] ?? 0) + 1;
        expect([200, 400, 401, 413]).toContain(answered.status);
        // Only Slack's SSL check goes unsigned (Bolt answers it and drops every other field).
        if (signed !== 'valid' && !/(^|&)ssl_check=1(&|$)/.test(rawBody)) expect(answered.status).not.toBe(200);
        if (answered.status !== 200) {
          expect(await storedRows(testBot)).toEqual(before);
          expect(slack.fake.postsTo(responseUrl)).toHaveLength(0);
        } else if (generated.kind === 'command') {
          // Accepted: the person sees an answer (at the response_url, in the channel, a form, or
          // the refusal for another workspace in the acknowledgement itself).
          const newCalls = slack.fake.calls.slice(since);
          const seen =
            slack.fake.postsTo(responseUrl).length +
            newCalls.filter((call) => call.method === 'chat.postMessage' || call.method === 'views.open' || call.method === 'chat.postEphemeral').length +
            (answered.body ? 1 : 0);
          expect(seen).toBeGreaterThan(0);
        }
        expect(escaped).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    console.info(`statuses: ${JSON.stringify(statuses)}`);
    expect(escaped).toEqual([]);
    const health = await fetch(`${slack.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    // Every kind of answer occurred: the generators reach each branch of the guard.
    expect(Object.keys(statuses).sort()).toEqual(['200', '400', '401', '413']);
  }, 600_000);
});
