// npm run prune [-- --dry-run]
// Runs the retention rules now on the bot's database (DATABASE_URL, or the embedded one under
// DATA_DIR; stop the bot first for the embedded one): removes what is past its period, in
// batches, and writes the counts to the audit log; after deletions it scrubs the database files
// (src/core/privacy/scrub.ts). --dry-run only shows what would go. Periods: RETENTION_*_DAYS.
import { Retention } from '../src/core/privacy/retention.ts';
import { pruneReportLines } from '../src/core/privacy/prune-report.ts';
import { scrubAfterErasures } from '../src/core/privacy/scrub.ts';
import { runDatabaseScript } from './lib/database-script.ts';

await runDatabaseScript(({ config, t, withDatabase }) =>
  withDatabase(async (db) => {
    const dryRun = process.argv.slice(2).includes('--dry-run');
    const retention = new Retention(db.prisma, { overrides: config.retentionDays });
    const counts = await retention.run(new Date(), { dryRun });
    for (const line of pruneReportLines(t, retention.list(), counts, dryRun)) process.stdout.write(`${line}\n`);
    // As the nightly housekeeping does: after deletions, their bytes leave the files too.
    const scrub = dryRun ? undefined : await scrubAfterErasures(db.prisma, new Date());
    if (scrub) process.stdout.write(`${t('privacy.prune.scrubbed', { count: scrub.tables })}\n`);
    return 0;
  }),
);
