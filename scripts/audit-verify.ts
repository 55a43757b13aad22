// npm run audit:verify
// Checks the audit log's hash chain in the bot's database (DATABASE_URL, or the embedded one
// under DATA_DIR): every entry must match its hash and link to the one before. Prints where it
// breaks (an entry changed, entries missing, a row written past the bot) and exits 1 then.
import { existsSync } from 'node:fs';
import { pino } from 'pino';
import { ConfigError, formatConfigError, loadConfig } from '../src/config.ts';
import { verifyAuditChain } from '../src/core/audit.ts';
import { translator } from '../src/core/i18n.ts';
import { verifyReportLines } from '../src/core/privacy/verify-report.ts';
import { openDatabase } from '../src/db/index.ts';

if (existsSync('.env')) process.loadEnvFile('.env');

async function main(): Promise<number> {
  const config = loadConfig();
  const t = translator(config.defaultLocale);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger: pino({ level: 'silent' }) });
  try {
    const report = await verifyAuditChain(db.prisma);
    for (const line of verifyReportLines(t, report)) process.stdout.write(`${line}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${formatConfigError(error)}\n`);
  else process.stderr.write(`${(error as Error).message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
