// What every figure of `npm run bench` shares: the run's options, the rows it reports, the
// PostgreSQL server (TEST_DATABASE_URL, else one throwaway cluster for the whole run) and small
// statistics. A figure is a module of its own (bench/figures/<name>.ts) exporting
// `{ name, run(ctx) }`; bench/run.ts runs them one after the other, never two at once, so each
// ratio compares two measurements made on the same machine under the same load.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { DatabaseKind } from '../../src/db/index.ts';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Row {
  figure: string;
  /** What was measured, e.g. "ack p99 pglite". */
  label: string;
  /** The bot's figure, as printed (ms, per second, MB). */
  value: string;
  /** The baseline's figure, when there is one. */
  baseline?: string;
  /** bot / baseline (or as the figure defines it); printed as "ratio 1.23". */
  ratio?: number;
  /** The target, e.g. "≤ 1.5"; met is undefined where there is no target. */
  target?: string;
  met?: boolean;
  /** Anything else worth keeping in the JSON (counts, the raw numbers). */
  detail?: Record<string, unknown>;
}

export interface Context {
  quick: boolean;
  backends: DatabaseKind[];
  /** Rows of this figure; printed at the end and stored in bench/results/. */
  report(row: Omit<Row, 'figure'>): void;
  log(message: string): void;
  /** A fresh, empty database of its own on the PostgreSQL server (dropped at the end of the run). */
  postgresDatabase(): Promise<string>;
}

export interface Figure {
  name: string;
  run(ctx: Context): Promise<void>;
}

export function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
}

/** The PostgreSQL server for the run: given, or a throwaway cluster started once and stopped. */
export class PostgresServer {
  private serverUrl?: string;
  private started = false;
  private readonly databases: string[] = [];
  private readonly env = { ...process.env, BINNENUIT_PG_DIR: path.join(tmpdir(), 'binnenuit-bench-pg') };

  async database(): Promise<string> {
    if (!this.serverUrl) {
      this.serverUrl = process.env.TEST_DATABASE_URL;
      if (!this.serverUrl) {
        this.serverUrl = execFileSync('bash', [path.join(root, 'scripts/test-postgres.sh'), 'start'], { env: this.env, encoding: 'utf8' }).trim();
        this.started = true;
      }
    }
    const name = `binnenuit_bench_${process.pid}_${this.databases.length + 1}`;
    await this.admin(`CREATE DATABASE "${name}"`);
    this.databases.push(name);
    const url = new URL(this.serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async stop(): Promise<void> {
    if (!this.serverUrl) return;
    for (const name of this.databases) await this.admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    if (this.started) execFileSync('bash', [path.join(root, 'scripts/test-postgres.sh'), 'stop'], { env: this.env });
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

export interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  /** Samples that never completed (no ack, no reply). */
  lost: number;
}

export function stats(samples: readonly (number | undefined)[]): Stats {
  const done = samples.filter((s): s is number => s !== undefined && Number.isFinite(s)).sort((a, b) => a - b);
  const at = (q: number) => done[Math.min(done.length - 1, Math.floor(q * done.length))] ?? Number.NaN;
  return { n: samples.length, p50: at(0.5), p99: at(0.99), max: done.at(-1) ?? Number.NaN, lost: samples.length - done.length };
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const p50p99 = (s: Stats) => `p50 ${ms(s.p50)} p99 ${ms(s.p99)}${s.lost ? ` (${s.lost} lost)` : ''}`;

/** The same clock in every process on this machine: ms since the epoch, sub-ms precision. */
export const now = () => performance.timeOrigin + performance.now();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `done()` or the deadline; false when the deadline passed. */
export async function until(done: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}
