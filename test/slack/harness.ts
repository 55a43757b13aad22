// The real Slack adapter (Bolt, HTTP on 127.0.0.1:0 or Socket Mode) in-process against
// FakeSlack, on a real test Bot. Requests are what Slack sends: signed form posts for commands
// and interactivity, signed JSON for events, or Socket Mode envelopes. Every helper waits for
// the acknowledgement and then for the adapter to finish its work, and returns what came back.
import { createHmac, randomUUID } from 'node:crypto';
import { SlackAdapter } from '../../src/adapters/slack/slack-adapter.ts';
import { splitCommandLine } from '../../src/core/framework/text-parser.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { HttpRoute } from '../../src/core/http-routes.ts';
import { createTestBot, silentLogger, type TestBot } from '../support/bot.ts';
import { FakeSlack, type ResponseUrlPost } from './fake-slack.ts';
import { seenMessage, seenResponse, type SlackButton, type SlackSeen } from './seen.ts';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-token';
export const APP_TOKEN = 'xapp-test-token';
export const CHANNEL = { id: 'C0ALLIANTIE', name: 'alliantie' };

export interface Posted {
  status: number;
  /** The body of the acknowledgement (JSON when there is one). */
  body: any;
  /** Milliseconds from sending until the acknowledgement arrived. */
  ackMs: number;
}

export interface Answered extends Posted {
  responseUrl: string;
  triggerId: string;
  /**
   * What the person sees: what the bot posted in the channel meanwhile (chat.postMessage, with
   * its ts as `ref`), then what arrived at this request's response_url.
   */
  seen: SlackSeen[];
}

export interface CommandOptions {
  triggerId?: string;
  channel?: { id: string; name: string };
  userName?: string;
  /** Sends the request as Slack's n-th retry (X-Slack-Retry-Num). */
  retryNum?: number;
  /** The workspace it comes from (T1, the bot's own, unless said otherwise). */
  team?: string;
}

export interface SlackHarness {
  testBot: TestBot;
  fake: FakeSlack;
  adapter: SlackAdapter;
  mode: 'http' | 'socket';
  /** http://127.0.0.1:<port> of the adapter's HTTP server. */
  baseUrl: string;
  /** Acknowledgement times measured so far (ms), for the report. */
  ackTimes: number[];
  post(raw: string, options?: { contentType?: string; timestamp?: number; signature?: string; headers?: Record<string, string> }): Promise<Posted>;
  command(userId: string, line: string, options?: CommandOptions): Promise<Answered>;
  press(userId: string, button: SlackButton, options?: { triggerId?: string; channel?: { id: string; name: string }; fromHome?: boolean; team?: string }): Promise<Answered>;
  submit(userId: string, view: any, values: Record<string, string | undefined>): Promise<Posted>;
  suggest(userId: string, view: any, blockId: string, value: string): Promise<Posted>;
  event(event: Record<string, any>, eventId?: string, team?: string): Promise<Posted>;
  close(): Promise<void>;
}

export function sign(secret: string, timestamp: number, raw: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${raw}`).digest('hex')}`;
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

export async function startSlack(
  options: {
    mode?: 'http' | 'socket';
    testBot?: TestBot;
    health?: () => Promise<boolean>;
    logger?: Logger;
    allowedTeams?: string[];
    /** H10: more GET routes on the adapter's HTTP server (the calendar feeds). */
    routes?: HttpRoute[];
  } = {},
): Promise<SlackHarness> {
  const mode = options.mode ?? 'http';
  const testBot = options.testBot ?? (await createTestBot({ admins: ['slack:UADMIN'], guide: true }));
  const fake = await new FakeSlack().start();
  const adapter = new SlackAdapter(testBot.bot, {
    botToken: BOT_TOKEN,
    signingSecret: mode === 'http' ? SIGNING_SECRET : undefined,
    appToken: mode === 'socket' ? APP_TOKEN : undefined,
    apiUrl: fake.apiUrl,
    port: 0,
    host: '127.0.0.1',
    logger: options.logger ?? silentLogger,
    health: options.health,
    allowedTeams: options.allowedTeams,
    routes: options.routes,
  });
  testBot.deliverers.set('slack', (item, progress) => adapter.deliver(item, progress));
  await adapter.start();
  const baseUrl = `http://127.0.0.1:${adapter.address!.port}`;
  const ackTimes: number[] = [];

  const post: SlackHarness['post'] = async (raw, postOptions = {}) => {
    const timestamp = postOptions.timestamp ?? Math.floor(Date.now() / 1000);
    const started = performance.now();
    const response = await fetch(`${baseUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': postOptions.contentType ?? 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': postOptions.signature ?? sign(SIGNING_SECRET, timestamp, raw),
        ...postOptions.headers,
      },
      body: raw,
      // A request the server never answers fails here, not at the test's timeout.
      signal: AbortSignal.timeout(10_000),
    });
    const ackMs = performance.now() - started;
    const text = await response.text();
    ackTimes.push(ackMs);
    await adapter.settled();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, ackMs };
  };

  /** One Slack request, over whichever transport is running. */
  const send = async (kind: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, any>, headers: Record<string, string> = {}) => {
    if (mode === 'socket') {
      const started = performance.now();
      const ack = await fake.sendEnvelope(kind, payload);
      const ackMs = performance.now() - started;
      ackTimes.push(ackMs);
      await adapter.settled();
      return { status: 200, body: ack.payload, ackMs };
    }
    if (kind === 'slash_commands') return post(form(payload), { headers });
    if (kind === 'interactive') return post(form({ payload: JSON.stringify(payload) }), { headers });
    return post(JSON.stringify(payload), { contentType: 'application/json', headers });
  };

  const answered = (posted: Posted, responseUrl: string, triggerId: string, channel: string, since: number): Answered => ({
    ...posted,
    responseUrl,
    triggerId,
    seen: [
      ...fake.channelPosts(channel, since).map((call) => ({ ...seenMessage(call.body, 'channel'), ref: { channel, message: call.response!.ts as string } })),
      ...fake.postsTo(responseUrl).map((p: ResponseUrlPost) => seenResponse(p.body)),
    ],
  });

  return {
    testBot,
    fake,
    adapter,
    mode,
    baseUrl,
    ackTimes,
    post,
    async command(userId, line, commandOptions = {}) {
      const typed = splitCommandLine(line);
      if (!typed) throw new Error(`not a command: ${line}`);
      const channel = commandOptions.channel ?? CHANNEL;
      const responseUrl = fake.responseUrl();
      const triggerId = commandOptions.triggerId ?? `trg-${randomUUID()}`;
      const headers: Record<string, string> = commandOptions.retryNum
        ? { 'x-slack-retry-num': String(commandOptions.retryNum), 'x-slack-retry-reason': 'http_timeout' }
        : {};
      const since = fake.calls.length;
      const posted = await send(
        'slash_commands',
        {
          token: 'legacy',
          team_id: commandOptions.team ?? 'T1',
          team_domain: 'alliantie',
          channel_id: channel.id,
          channel_name: channel.name,
          user_id: userId,
          user_name: commandOptions.userName ?? userId,
          command: `/${typed.command}`,
          // Slack escapes &, < and > in what people type.
          text: typed.text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
          api_app_id: 'A1',
          response_url: responseUrl,
          trigger_id: triggerId,
        },
        headers,
      );
      return answered(posted, responseUrl, triggerId, channel.id, since);
    },
    async press(userId, button, pressOptions = {}) {
      const channel = pressOptions.channel ?? CHANNEL;
      const responseUrl = fake.responseUrl();
      const triggerId = pressOptions.triggerId ?? `trg-${randomUUID()}`;
      const since = fake.calls.length;
      const container = pressOptions.fromHome
        ? { type: 'view', view_id: 'VHOME' }
        : { type: 'message', message_ts: '1700000000.000001', channel_id: channel.id, is_ephemeral: false };
      const posted = await send('interactive', {
        type: 'block_actions',
        user: { id: userId, username: userId, name: userId, team_id: pressOptions.team ?? 'T1' },
        api_app_id: 'A1',
        token: 'legacy',
        container,
        trigger_id: triggerId,
        team: { id: pressOptions.team ?? 'T1', domain: 'alliantie' },
        ...(pressOptions.fromHome ? { view: { id: 'VHOME', type: 'home' } } : { channel, message: { type: 'message', ts: '1700000000.000001' }, response_url: responseUrl }),
        actions: [
          {
            type: 'button',
            action_id: button.slackActionId,
            block_id: 'b1',
            text: { type: 'plain_text', text: button.label },
            ...(button.value !== undefined ? { value: button.value } : {}),
            action_ts: String(Date.now() / 1000),
          },
        ],
      });
      return answered(posted, responseUrl, triggerId, channel.id, since);
    },
    async submit(userId, view, values) {
      const state: Record<string, Record<string, any>> = {};
      for (const block of view.blocks.filter((b: any) => b.type === 'input')) {
        const value = values[block.block_id];
        const element = block.element;
        const entry =
          element.type === 'static_select' || element.type === 'external_select'
            ? { type: element.type, selected_option: value === undefined ? null : { text: { type: 'plain_text', text: value }, value } }
            : element.type === 'users_select'
              ? { type: element.type, selected_user: value ?? null }
              : { type: element.type, value: value ?? null };
        state[block.block_id] = { [element.action_id]: entry };
      }
      return send('interactive', {
        type: 'view_submission',
        team: { id: 'T1', domain: 'alliantie' },
        user: { id: userId, username: userId, name: userId, team_id: 'T1' },
        api_app_id: 'A1',
        token: 'legacy',
        trigger_id: `trg-${randomUUID()}`,
        view: { ...view, id: view.id ?? 'V1', team_id: 'T1', app_id: 'A1', bot_id: 'BBOT', hash: 'h1', state: { values: state } },
      });
    },
    async suggest(userId, view, blockId, value) {
      return send('interactive', {
        type: 'block_suggestion',
        user: { id: userId, name: userId, team_id: 'T1' },
        team: { id: 'T1', domain: 'alliantie' },
        api_app_id: 'A1',
        token: 'legacy',
        container: { type: 'view', view_id: view.id },
        view: { ...view, id: view.id ?? 'V1', state: { values: {} } },
        block_id: blockId,
        action_id: 'value',
        value,
      });
    },
    async event(event, eventId = `Ev${randomUUID()}`, team = 'T1') {
      return send('events_api', {
        token: 'legacy',
        team_id: team,
        api_app_id: 'A1',
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        event,
        authorizations: [{ team_id: team, user_id: 'UBOT', is_bot: true }],
      });
    },
    async close() {
      await adapter.stop();
      await fake.stop();
      if (!options.testBot) await testBot.close();
    },
  };
}

/** The last modal the bot opened (views.open), as Slack would show it. */
export function lastOpenedView(fake: FakeSlack): any {
  const call = fake.callsTo('views.open', { succeeded: true }).at(-1);
  if (!call) throw new Error('no modal was opened');
  return { ...call.body.view, id: `V-${call.body.trigger_id}`, triggerId: call.body.trigger_id };
}
