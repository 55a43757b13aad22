// npm run audit:verify
// Checks the audit log's hash chain in the bot's database (DATABASE_URL, or the embedded one
// under DATA_DIR): every entry must match its hash and link to the one before. Prints where it
// breaks (an entry changed, entries missing, a row written past the bot) and exits 1 then.
import { verifyAuditChain } from '../src/core/audit.ts';
import { verifyReportLines } from '../src/core/privacy/verify-report.ts';
import { runDatabaseScript } from './lib/database-script.ts';

await runDatabaseScript(({ t, withDatabase }) =>
  withDatabase(async (db) => {
    const report = await verifyAuditChain(db.prisma);
    for (const line of verifyReportLines(t, report)) process.stdout.write(`${line}\n`);
    return report.ok ? 0 : 1;
  }),
);
