// npm run prune [-- --dry-run]
// Runs the retention rules now on the bot's database (DATABASE_URL, or the embedded one under
// DATA_DIR; stop the bot first for the embedded one): removes what is past its period, in
// batches, and writes the counts to the audit log. --dry-run only shows what would go.
import { Retention } from '../src/core/privacy/retention.ts';
import { pruneReportLines } from '../src/core/privacy/prune-report.ts';
import { runDatabaseScript } from './lib/database-script.ts';

await runDatabaseScript(({ t, withDatabase }) =>
  withDatabase(async (db) => {
    const dryRun = process.argv.slice(2).includes('--dry-run');
    const retention = new Retention(db.prisma);
    const counts = await retention.run(new Date(), { dryRun });
    for (const line of pruneReportLines(t, retention.list(), counts, dryRun)) process.stdout.write(`${line}\n`);
    return 0;
  }),
);
