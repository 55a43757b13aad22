// npm run bench:ack [-- --requests 300 --levels 10,50 --backends bare,pglite,postgres]
// How fast Slack gets its ack (Slack gives up after 3 s) under bursts of slash commands. Starts
// the real bot (startApp, Slack over HTTP, against the fake Slack API of the tests) on PGlite
// and on PostgreSQL, and a bare Bolt 5 app that only acks, and fires signed slash commands at
// each: half `/update plaats …` from an approved member (a write), half `/help`, `requests` of
// them at each concurrency level, from a load generator in a process of its own (as Slack is).
// Reports ack p50/p99 per backend and level, and the ratios to bare Bolt and PGlite/PostgreSQL,
// measured in the same run. Each level waits until the bot has
// answered every request of the level before (the work behind the acks), so bursts do not
// overlap. Exits 1 when PGlite's p99 at the highest level is neither under 300 ms nor within
// 1.5x of bare Bolt's, or more than 1.5x PostgreSQL's.
// PostgreSQL: TEST_DATABASE_URL if set, else a throwaway cluster (scripts/test-postgres.sh).
// Not a test: the numbers depend on the machine; the ratios are what to compare.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, LogLevel } from '@slack/bolt';
import pg from 'pg';
import { startApp, type App as Binnenuit } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/core/logger.ts';
import { SlackAdapter } from '../src/adapters/slack/slack-adapter.ts';
import { approveMember } from '../test/support/bot.ts';
import { FakeSlack } from '../test/slack/fake-slack.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'bench-signing-secret-0123456789';
const TOKEN = 'xoxb-bench-token';
const MEMBER = 'UBENCH';
const P99_TARGET_MS = 300;
const execFileAsync = promisify(execFile);

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

const requests = Number(option('requests', '300'));
const levels = option('levels', '10,50').split(',').map(Number);
const backends = option('backends', 'bare,pglite,postgres').split(',') as Backend[];
type Backend = 'bare' | 'pglite' | 'postgres';

interface Target {
  url: string;
  /** Resolves when `count` commands have been answered on their response_url. */
  answered(count: number): Promise<void>;
  stop(): Promise<void>;
}

const fake = await new FakeSlack().start();

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Fires `count` commands, `concurrency` at a time, from a process of its own (ack-client.mjs);
 * each one's ack time in ms (Infinity: no ack).
 */
async function burst(target: Target, count: number, concurrency: number, offset: number): Promise<number[]> {
  const responseUrls = Array.from({ length: count }, () => fake.responseUrl());
  const input = JSON.stringify({ url: target.url, count, concurrency, offset, secret: SECRET, responseUrls, member: MEMBER });
  const { stdout } = await execFileAsync(process.execPath, [path.join(root, 'bench/ack-client.mjs'), input], { maxBuffer: 16 * 1024 * 1024 });
  return (JSON.parse(stdout) as Array<number | null>).map((ms) => ms ?? Number.POSITIVE_INFINITY);
}

/** Answers so far: response_url posts, and messages posted to the channel (a posted update). */
function answers(): number {
  return fake.responses.length + fake.callsTo('chat.postMessage').length;
}

/**
 * Resolves once `count` commands since `since` are answered, or when nothing more arrives for
 * 10 s (a command answered some other way must not hang the benchmark).
 */
function waitForAnswers(since: number) {
  return async (count: number) => {
    let last = -1;
    let idleSince = performance.now();
    while (answers() - since < count && performance.now() - idleSince < 10_000) {
      if (answers() !== last) {
        last = answers();
        idleSince = performance.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
}

async function startBare(): Promise<Target> {
  const app = new App({ token: TOKEN, signingSecret: SECRET, clientOptions: { slackApiUrl: fake.apiUrl }, logLevel: LogLevel.ERROR });
  app.command(/.*/, async ({ ack }) => ack());
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as unknown as { address(): AddressInfo };
  return {
    url: `http://127.0.0.1:${server.address().port}/slack/events`,
    answered: async () => {},
    stop: () => app.stop() as Promise<unknown> as Promise<void>,
  };
}

async function startBot(databaseUrl?: string): Promise<Target> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'binnenuit-bench-ack-'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const app: Binnenuit = await startApp(config, { logger: createLogger('silent') });
  await approveMember(app.services, 'slack', MEMBER, 'smn', 'Bench');
  const slack = app.adapters.find((adapter): adapter is SlackAdapter => adapter instanceof SlackAdapter)!;
  const since = answers();
  return {
    url: `http://127.0.0.1:${slack.address!.port}/slack/events`,
    answered: waitForAnswers(since),
    stop: async () => {
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A database of its own on the server (dropped afterwards); a throwaway cluster if needed. */
async function withPostgres<T>(run: (url: string) => Promise<T>): Promise<T> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  let started = false;
  const env = { ...process.env, BINNENUIT_PG_DIR: path.join(tmpdir(), 'binnenuit-bench-ack-pg') };
  if (!serverUrl) {
    serverUrl = execFileSync('bash', [path.join(root, 'scripts/test-postgres.sh'), 'start'], { env, encoding: 'utf8' }).trim();
    started = true;
  }
  const name = `binnenuit_bench_ack_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await run(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    if (started) execFileSync('bash', [path.join(root, 'scripts/test-postgres.sh'), 'stop'], { env });
  }
}

interface Figures {
  p50: number;
  p99: number;
  max: number;
  over3s: number;
  lost: number;
}

async function measure(target: Target): Promise<Map<number, Figures>> {
  const results = new Map<number, Figures>();
  let sent = 0;
  let lost = 0;
  // Warm-up: connections, plans, the first writes.
  lost += (await burst(target, 20, 5, sent)).filter((ms) => ms === Number.POSITIVE_INFINITY).length;
  sent += 20;
  await target.answered(sent - lost);
  for (const concurrency of levels) {
    const acks = (await burst(target, requests, concurrency, sent)).sort((a, b) => a - b);
    sent += requests;
    lost += acks.filter((ms) => ms === Number.POSITIVE_INFINITY).length;
    await target.answered(sent - lost);
    results.set(concurrency, {
      p50: percentile(acks, 0.5),
      p99: percentile(acks, 0.99),
      max: acks.at(-1)!,
      over3s: acks.filter((ms) => ms > 3000).length,
      lost: acks.filter((ms) => ms === Number.POSITIVE_INFINITY).length,
    });
  }
  return results;
}

const all = new Map<Backend, Map<number, Figures>>();
try {
  for (const backend of backends) {
    const run = async (target: Target) => {
      try {
        return await measure(target);
      } finally {
        await target.stop();
      }
    };
    const figures =
      backend === 'bare'
        ? await run(await startBare())
        : backend === 'postgres'
          ? await withPostgres(async (url) => run(await startBot(url)))
          : await run(await startBot());
    all.set(backend, figures);
    for (const [concurrency, f] of figures) {
      console.log(
        `${backend.padEnd(8)} concurrency ${String(concurrency).padStart(2)}: ack p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms, max ${f.max.toFixed(1)} ms, over 3 s: ${f.over3s}/${requests} (no ack at all: ${f.lost})`,
      );
    }
  }
} finally {
  await fake.stop();
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
for (const concurrency of levels) {
  const bare = all.get('bare')?.get(concurrency);
  const lite = all.get('pglite')?.get(concurrency);
  const pgres = all.get('postgres')?.get(concurrency);
  if (bare && lite) console.log(`ratio pglite/bare   concurrency ${concurrency}: p50 ${ratio(lite.p50, bare.p50)}, p99 ${ratio(lite.p99, bare.p99)}`);
  if (bare && pgres) console.log(`ratio postgres/bare concurrency ${concurrency}: p50 ${ratio(pgres.p50, bare.p50)}, p99 ${ratio(pgres.p99, bare.p99)}`);
  if (lite && pgres) console.log(`ratio pglite/postgres concurrency ${concurrency}: p50 ${ratio(lite.p50, pgres.p50)}, p99 ${ratio(lite.p99, pgres.p99)}`);
}
// The goals at the highest level: PGlite's ack p99 under 300 ms, or, where this machine cannot
// even ack that fast with a bare Bolt app (2 cores under a 50-wide burst: 260-450 ms measured),
// within 1.5x of bare Bolt measured in the same run; and within 1.5x of PostgreSQL.
const highest = Math.max(...levels);
const top = all.get('pglite')?.get(highest);
const bareTop = all.get('bare')?.get(highest);
const postgresTop = all.get('postgres')?.get(highest);
if (top) {
  const failures: string[] = [];
  if (top.p99 >= P99_TARGET_MS && (!bareTop || top.p99 > 1.5 * bareTop.p99)) {
    failures.push(`PGlite ack p99 at concurrency ${highest} is ${top.p99.toFixed(0)} ms: not under ${P99_TARGET_MS} ms${bareTop ? `, nor within 1.5× of bare Bolt (${bareTop.p99.toFixed(0)} ms)` : ''}`);
  }
  if (postgresTop && top.p99 > 1.5 * postgresTop.p99) {
    failures.push(`PGlite ack p99 at concurrency ${highest} is ${ratio(top.p99, postgresTop.p99)} PostgreSQL's, goal within 1.5×`);
  }
  for (const failure of failures) console.log(failure);
  if (failures.length === 0) console.log(`goals met at concurrency ${highest}: PGlite ack p99 ${top.p99.toFixed(0)} ms`);
  process.exitCode = failures.length ? 1 : 0;
}
process.exit();
