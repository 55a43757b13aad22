// npm run prune [-- --dry-run]
// Runs the retention rules now on the bot's database (DATABASE_URL, or the embedded one under
// DATA_DIR; stop the bot first for the embedded one): removes what is past its period, in
// batches, and writes the counts to the audit log. --dry-run only shows what would go.
import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { ConfigError, formatConfigError, loadConfig } from '../src/config.ts';
import { translator } from '../src/core/i18n.ts';
import { Retention } from '../src/core/privacy/retention.ts';
import { pruneReportLines } from '../src/core/privacy/prune-report.ts';
import { openDatabase } from '../src/db/index.ts';

if (existsSync('.env')) process.loadEnvFile('.env');

async function main(args: string[]): Promise<number> {
  const dryRun = args.includes('--dry-run');
  const config = loadConfig();
  const t = translator(config.defaultLocale);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger: pino({ level: 'silent' }) });
  try {
    const retention = new Retention(db.prisma);
    const counts = await retention.run(new Date(), { dryRun });
    for (const line of pruneReportLines(t, retention.list(), counts, dryRun)) process.stdout.write(`${line}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${formatConfigError(error)}\n`);
  else process.stderr.write(`${(error as Error).message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
