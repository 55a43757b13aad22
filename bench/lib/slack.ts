// Slack for the figures: the real bot (startApp, Slack over HTTP) and a bare Bolt 5 app, both
// against the fake Slack Web API of the tests on 127.0.0.1, and the load generator
// (bench/ack-client.mjs, a process of its own) that fires signed slash commands at them.
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { App, LogLevel, type RespondFn } from '@slack/bolt';
import { startApp, type App as Binnenuit } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { SlackAdapter } from '../../src/adapters/slack/slack-adapter.ts';
import { openDatabase, type DatabaseKind } from '../../src/db/index.ts';
import { approveMember } from '../../test/support/bot.ts';
import { FakeSlack } from '../../test/slack/fake-slack.ts';
import { now, root } from './harness.ts';

export const SECRET = 'bench-signing-secret-0123456789';
export const TOKEN = 'xoxb-bench-token';
export const MEMBER = 'UBENCH';
export const ENCRYPTION_KEY = 'bench-encryption-key-0123456789abcdef';
const execFileAsync = promisify(execFile);

export interface SlackTarget {
  /** The /slack/events URL. */
  url: string;
  stop(): Promise<void>;
}

export interface BotTarget extends SlackTarget {
  app: Binnenuit;
  memberId: string;
  organisationId: string | null;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  return new FakeSlack().start();
}

/** The real bot on PGlite (a data dir of its own) or on the PostgreSQL database at `databaseUrl`. */
export async function startSlackBot(fake: FakeSlack, kind: DatabaseKind, databaseUrl?: string): Promise<BotTarget> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'binnenuit-bench-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ENCRYPTION_KEY,
    ...(kind === 'postgres' ? { DATABASE_URL: databaseUrl } : {}),
  });
  const app = await startApp(config, { logger: createLogger('silent') });
  const member = await approveMember(app.services, 'slack', MEMBER, 'smn', 'Bench');
  const slack = app.adapters.find((adapter): adapter is SlackAdapter => adapter instanceof SlackAdapter)!;
  return {
    app,
    memberId: member!.id,
    organisationId: member!.organisation?.id ?? null,
    url: `http://127.0.0.1:${slack.address!.port}/slack/events`,
    stop: async () => {
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A bare Bolt 5 app: acks every command, then runs `work` (nothing, or one query) and replies
 * on the response_url with what it returns.
 */
export async function startBareBolt(
  fake: FakeSlack,
  work?: (text: string) => Promise<string>,
  options: { beforeAck?: (command: { text: string; trigger_id: string }) => Promise<void> } = {},
): Promise<SlackTarget> {
  const app = new App({ token: TOKEN, signingSecret: SECRET, clientOptions: { slackApiUrl: fake.apiUrl }, logLevel: LogLevel.ERROR });
  app.command(/.*/, async ({ ack, command, respond }: { ack: () => Promise<void>; command: { text: string; trigger_id: string }; respond: RespondFn }) => {
    await options.beforeAck?.(command);
    await ack();
    if (work) await respond({ response_type: 'ephemeral', text: await work(command.text) });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as unknown as { address(): AddressInfo };
  return { url: `http://127.0.0.1:${server.address().port}/slack/events`, stop: () => app.stop() as Promise<unknown> as Promise<void> };
}

export interface Line {
  command: string;
  text: string;
}

export interface Fired {
  /** Ack time of each request, ms (undefined: no ack). */
  acks: (number | undefined)[];
  /** Reply time of each request (send → response_url post at the fake), ms; undefined: none. */
  replies: (number | undefined)[];
}

/**
 * Fires `count` commands from the load generator's process: `concurrency` in flight (closed
 * loop) or `rate` a second (open loop). With `replies`, waits (up to replyTimeoutMs after the
 * last send) for each reply on its response_url.
 */
export async function fire(
  fake: FakeSlack,
  target: SlackTarget,
  options: { count: number; concurrency?: number; rate?: number; lines?: Line[]; offset?: number; replies?: boolean; replyTimeoutMs?: number },
): Promise<Fired> {
  const responseUrls = Array.from({ length: options.count }, () => fake.responseUrl());
  const input = JSON.stringify({ url: target.url, secret: SECRET, member: MEMBER, responseUrls, ...options });
  const { stdout } = await execFileAsync(process.execPath, [path.join(root, 'bench/ack-client.mjs'), input], { maxBuffer: 64 * 1024 * 1024 });
  const { acks, sent } = JSON.parse(stdout) as { acks: (number | null)[]; sent: number[] };
  let replies: (number | undefined)[] = [];
  if (options.replies) {
    const deadline = now() + (options.replyTimeoutMs ?? 15_000);
    replies = await Promise.all(
      responseUrls.map(async (url, i) => {
        const arrived = await fake.waitForResponse(url, Math.max(0, deadline - now()));
        return arrived === undefined ? undefined : arrived - sent[i]!;
      }),
    );
  }
  return { acks: acks.map((a) => a ?? undefined), replies };
}

/**
 * One command at a time from this process, each waiting for its reply: request to the reply
 * reaching the fake API. Sequential, so the in-process client costs next to nothing.
 */
export async function sequentialReplies(fake: FakeSlack, target: SlackTarget, lines: Line[], count: number): Promise<(number | undefined)[]> {
  const samples: (number | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    const { command, text } = lines[i % lines.length]!;
    const responseUrl = fake.responseUrl();
    const started = now();
    const response = await fetch(target.url, signed(command, text, responseUrl));
    await response.arrayBuffer();
    const arrived = await fake.waitForResponse(responseUrl, 15_000);
    samples.push(arrived === undefined ? undefined : arrived - started);
  }
  return samples;
}

function signed(command: string, text: string, responseUrl: string): RequestInit {
  const body = new URLSearchParams({
    token: 'legacy', team_id: 'T1', team_domain: 'alliantie', channel_id: 'C0BENCH', channel_name: 'bench',
    user_id: MEMBER, user_name: MEMBER, command, text, api_app_id: 'A1', response_url: responseUrl, trigger_id: `trg-${randomUUID()}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature } };
}

/**
 * The least an app can do and still keep every command it acknowledged: one row written before
 * the ack (what the bot's inbox writes; without it a kill -9 loses acknowledged commands). On a
 * database of its own of the same kind, so the floor and the bot never share a connection.
 */
export interface DurableFloor {
  /** The row before the ack. */
  receipt(key: string, body: string): Promise<void>;
  /** The one query after it (the newest rows), as every command of the bot does some work. */
  work(): Promise<string>;
  close(): Promise<void>;
}

export async function openDurableFloor(kind: DatabaseKind, databaseUrl?: string): Promise<DurableFloor> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'binnenuit-bench-floor-'));
  const db = await openDatabase(kind === 'postgres' ? { databaseUrl, dataDir } : { dataDir, inMemory: true });
  return {
    receipt: async (key, body) => {
      await db.prisma.$executeRaw`INSERT INTO "InboxEvent" (key, platform, "requestEncrypted", "leaseUntil") VALUES (${key}, 'SLACK', ${body}, now() + interval '2 minutes')`;
    },
    work: async () => `${(await db.prisma.$queryRaw<{ key: string }[]>`SELECT key FROM "InboxEvent" ORDER BY "receivedAt" DESC LIMIT 10`).length} ok`,
    close: async () => {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
