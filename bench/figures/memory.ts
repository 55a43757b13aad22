// Figure 7, memory and start-up with the compiled build (`npm run build`: tsc to dist/, built
// here when dist/ is missing or older than the sources): `node dist/src/main.js` (what
// `npm run start:prod` runs) with Slack over HTTP against the fake Slack, embedded (PGlite) and
// on PostgreSQL. Time from spawn to the first 200 from /healthz, on the first start (an empty
// database: migrations, the guide) and on reopen (the same database again); idle RSS a few
// seconds after ready, next to a bare Bolt app's (bench/bare-bolt.mjs). Targets: ready ≤ 3 s on
// reopen, RSS ≤ 2× bare Bolt on PostgreSQL.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Context, type Figure, root, sleep } from '../lib/harness.ts';
import { ENCRYPTION_KEY, SECRET, startFakeSlack, TOKEN } from '../lib/slack.ts';

const MAIN = path.join(root, 'dist/src/main.js');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(full));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) latest = Math.max(latest, statSync(full).mtimeMs);
  }
  return latest;
}

/**
 * Builds when dist/ is missing or older than a source file (or a locale), and says so. What
 * `npm run build` does, but incremental: tsc keeps its build info inside dist/ (so it goes
 * with `npm run build`'s rm -rf dist, never out of step with it) and emits only what changed;
 * a full build took 166 s of `--quick`'s 2 minutes on a busy machine. Stale files of deleted
 * sources may stay in dist/: nothing imports them.
 */
export function ensureBuild(log: (message: string) => void): void {
  const built = existsSync(MAIN) ? statSync(MAIN).mtimeMs : 0;
  if (built > Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'commands')))) {
    log('dist/ is newer than the sources: not built');
    return;
  }
  const t0 = performance.now();
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], { cwd: root, stdio: 'ignore' });
  execFileSync(process.execPath, ['scripts/build-assets.mjs'], { cwd: root, stdio: 'ignore' });
  // tsc leaves an unchanged output's time alone: the next check must see this build.
  const now = new Date();
  utimesSync(MAIN, now, now);
  log(`built dist/ (incremental tsc; dist/ was missing or older than the sources): ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function rssMB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

interface Started {
  readyMs: number;
  rssMB: number;
}

/** Spawns `args`, polls /healthz until 200 (bounded), waits idle, reads RSS, stops it. */
async function startAndMeasure(args: string[], env: NodeJS.ProcessEnv, idleMs: number): Promise<Started> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    let readyMs = Number.NaN;
    while (performance.now() - t0 < 60_000 && child.exitCode === null) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
      if (ok) {
        readyMs = performance.now() - t0;
        break;
      }
      await sleep(25);
    }
    if (Number.isNaN(readyMs)) throw new Error(`not ready within 60 s: ${stderr.slice(0, 500)}`);
    await sleep(idleMs); // idle: start-up's garbage collected, timers settled
    return { readyMs, rssMB: rssMB(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

export const figure: Figure = {
  name: 'memory',
  async run(ctx: Context) {
    ensureBuild(ctx.log);
    const fake = await startFakeSlack();
    try {
      const slackEnv = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, ENCRYPTION_KEY };
      const idleMs = ctx.quick ? 1500 : 3000;
      const bare = await startAndMeasure([path.join(root, 'bench/bare-bolt.mjs')], { SLACK_API_URL: fake.apiUrl }, idleMs);
      ctx.log(`bare Bolt: ready ${bare.readyMs.toFixed(0)} ms, RSS ${bare.rssMB.toFixed(0)} MB`);
      for (const kind of ctx.backends) {
        const dataDir = await mkdtemp(path.join(tmpdir(), 'binnenuit-bench-'));
        try {
          const env = { ...slackEnv, DATA_DIR: dataDir, ...(kind === 'postgres' ? { DATABASE_URL: await ctx.postgresDatabase() } : { DATABASE_URL: '' }) };
          const first = await startAndMeasure([MAIN], env, idleMs);
          const reopen = await startAndMeasure([MAIN], env, idleMs);
          ctx.report({
            label: `start-up (dist) ${kind}`,
            value: `ready ${(reopen.readyMs / 1000).toFixed(2)} s on reopen (first start ${(first.readyMs / 1000).toFixed(2)} s)`,
            baseline: `bare Bolt ${(bare.readyMs / 1000).toFixed(2)} s`,
            ratio: reopen.readyMs / bare.readyMs,
            target: 'ready ≤ 3 s on reopen',
            met: reopen.readyMs <= 3000,
            detail: { first, reopen, bare },
          });
          ctx.report({
            label: `idle RSS (dist) ${kind}`,
            value: `${reopen.rssMB.toFixed(0)} MB`,
            baseline: `bare Bolt ${bare.rssMB.toFixed(0)} MB`,
            ratio: reopen.rssMB / bare.rssMB,
            ...(kind === 'postgres' ? { target: 'RSS ≤ 2× bare Bolt', met: reopen.rssMB <= 2 * bare.rssMB } : {}),
            detail: { first, reopen, bare },
          });
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      }
    } finally {
      await fake.stop();
    }
  },
};
