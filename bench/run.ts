// npm run bench [-- --quick] [-- --only ack,reply] [-- --backends pglite,postgres]
// Every figure of issue 14, one after the other on this machine, each next to its baseline
// measured in the same run (a bare Bolt 5 app, a bare discord.js client, an ILIKE scan): a
// table on stdout, one line per figure, with `ratio` where there is a baseline, and a JSON file
// per run under bench/results/ with the machine it ran on. --quick (about 2 minutes on a quiet
// machine): smaller counts, fewer rounds, and one backend (PostgreSQL: a bot starts there in
// seconds, on a fresh PGlite it runs the migrations first) unless --backends says otherwise;
// still every figure line with its ratio. PostgreSQL: TEST_DATABASE_URL if set, else a throwaway cluster
// (scripts/test-postgres.sh), stopped afterwards. All traffic goes to 127.0.0.1, is bounded in
// count and time, and stops by itself. Not a test: the numbers depend on the machine; the
// ratios are what to compare. Exits 1 when a target is missed.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseKind } from '../src/db/index.ts';
import { option, PostgresServer, root, type Context, type Figure, type Row } from './lib/harness.ts';
import { figures } from './figures/index.ts';

const quick = process.argv.includes('--quick');
const only = option('only', '').split(',').filter(Boolean);
const backends = option('backends', quick ? 'postgres' : 'pglite,postgres').split(',') as DatabaseKind[];
// --only runs the figures in the order given.
const selected: Figure[] = only.length ? only.map((name) => figures.find((f) => f.name === name)).filter((f): f is Figure => f !== undefined) : figures;
const postgres = new PostgresServer();
const rows: Row[] = [];
/** Seconds per figure, in the JSON: what --quick's 2 minutes are spent on. */
const seconds: Record<string, number> = {};
const started = new Date();
const load = os.loadavg()[0]!;

console.log(`npm run bench${quick ? ' --quick' : ''}: ${selected.map((f) => f.name).join(', ')} on ${backends.join(', ')}`);
// A stop signal still drops the benchmark databases and the throwaway cluster.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void postgres.stop().finally(() => process.exit(130)));
}
try {
  for (const figure of selected) {
    const t0 = performance.now();
    const ctx: Context = {
      quick,
      backends,
      report: (row) => {
        const full = { figure: figure.name, ...row };
        rows.push(full);
        console.log(`  ${line(full)}`);
      },
      log: (message) => console.log(`  [${figure.name}] ${message}`),
      postgresDatabase: () => postgres.database(),
    };
    console.log(`\n${figure.name}:`);
    try {
      await figure.run(ctx);
    } catch (error) {
      rows.push({ figure: figure.name, label: 'failed', value: String((error as Error).stack ?? error), met: false });
      console.log(`  ${figure.name} FAILED: ${(error as Error).stack ?? error}`);
    }
    seconds[figure.name] = Math.round((performance.now() - t0) / 100) / 10;
    console.log(`  (${seconds[figure.name]!.toFixed(0)} s)`);
  }
} finally {
  await postgres.stop();
}

function line(row: Row): string {
  const ratio = row.ratio === undefined ? '' : `  ratio ${row.ratio.toFixed(2)}`;
  const target = row.target ? `  target ${row.target}: ${row.met ? 'met' : 'MISSED'}` : '';
  return `${row.figure.padEnd(10)} ${row.label.padEnd(34)} ${row.value}${row.baseline ? `  vs ${row.baseline}` : ''}${ratio}${target}`;
}

const machine = {
  cores: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  loadAverageAtStart: load,
  loadAverageAtEnd: os.loadavg()[0],
};
const totalS = Math.round((Date.now() - started.getTime()) / 1000);
console.log(`\n${'='.repeat(20)} npm run bench${quick ? ' --quick' : ''}: ${started.toISOString()}, ${totalS} s, ${machine.cores} cores, ${machine.memoryGB} GB, Node ${machine.node}, load ${load.toFixed(1)} → ${machine.loadAverageAtEnd!.toFixed(1)}`);
for (const row of rows) console.log(line(row));
const missed = rows.filter((row) => row.met === false);
console.log(missed.length ? `\n${missed.length} target(s) missed: ${missed.map((r) => `${r.figure} ${r.label}`).join('; ')}` : '\nevery target met');

const dir = path.join(root, 'bench/results');
mkdirSync(dir, { recursive: true });
const file = path.join(dir, `${started.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
writeFileSync(file, JSON.stringify({ started: started.toISOString(), quick, backends, machine, seconds: { total: totalS, ...seconds }, rows }, null, 2) + '\n');
console.log(`results: ${path.relative(root, file)}`);
process.exitCode = missed.length ? 1 : 0;
// Open handles (a lingering keep-alive socket) must not keep a finished benchmark running.
process.exit();
