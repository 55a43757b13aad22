// `npm run prune -- --dry-run` as an operator runs it, on an embedded database in a data dir of
// its own: the retention periods come from the environment (RETENTION_*_DAYS), a changed period
// changes what it says would go, and a bad value stops it with one line naming the variable.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.ts';
import { migratedDataDir } from '../support/data-dir.ts';

const run = promisify(execFile);
const DAY = 24 * 60 * 60 * 1000;
let dataDir: string;

/** The script's output and exit code, with only these variables set (no .env: cwd is the data dir). */
async function prune(env: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const script = path.resolve('scripts/prune.ts');
  const tsx = path.resolve('node_modules/.bin/tsx');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(RETENTION_|DATABASE_URL|ENCRYPTION_KEY|DEFAULT_LOCALE)/.test(key)));
  try {
    const { stdout, stderr } = await run(tsx, [script, ...args], { cwd: dataDir, env: { ...clean, DATA_DIR: dataDir, ...env }, timeout: 120_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('npm run prune with retention periods from the environment', () => {
  beforeAll(async () => {
    dataDir = migratedDataDir('prune');
    const db = await openDatabase({ dataDir });
    const ago = (days: number) => new Date(Date.now() - days * DAY);
    // A message sent 10 days ago: kept under the default 30 days, past a period of 7.
    await db.prisma.outboxMessage.create({ data: { dedupeKey: 'sent-10', platform: 'SLACK', targetKind: 'user', targetRef: 'U1', locale: 'nl', payload: { wiped: true }, status: 'SENT', sentAt: ago(10) } });
    await db.close();
  }, 120_000);
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('says what would go under the defaults, and more under a shorter period; nothing changes', async () => {
    const defaults = await prune({}, '--dry-run');
    expect(defaults.code, defaults.stderr).toBe(0);
    expect(defaults.stdout).toContain('- verzonden berichten (ouder dan 30 dagen): 0');
    expect(defaults.stdout).toContain('- afgesloten adviesvragen met hun gesprek (ouder dan 365 dagen): 0');

    const shorter = await prune({ RETENTION_SENT_DAYS: '7', RETENTION_ADVICE_DAYS: '180', RETENTION_EVENTS_DAYS: '2', RETENTION_AUDIT_DAYS: '400', RETENTION_DIGESTS_DAYS: '30' }, '--dry-run');
    expect(shorter.code, shorter.stderr).toBe(0);
    expect(shorter.stdout).toContain('- verzonden berichten (ouder dan 7 dagen): 1');
    expect(shorter.stdout).toContain('- afgesloten adviesvragen met hun gesprek (ouder dan 180 dagen): 0');
    expect(shorter.stdout).toContain('- sleutels van verwerkte gebeurtenissen (ouder dan 2 dagen): 0');
    expect(shorter.stdout).toContain('- afgehandelde opdrachten (ouder dan 2 dagen): 0');
    expect(shorter.stdout).toContain('- auditregels (ouder dan 400 dagen): 0');
    expect(shorter.stdout).toContain('- verslagen van verstuurde digests (ouder dan 30 dagen): 0');
    // A dry run changed nothing: the same answer again.
    expect((await prune({ RETENTION_SENT_DAYS: '7' }, '--dry-run')).stdout).toContain('- verzonden berichten (ouder dan 7 dagen): 1');
  }, 240_000);

  it('refuses a bad period with one line naming the variable, and changes nothing', async () => {
    for (const [value, problem] of [['banaan', 'expected a whole number of days, e.g. 365'], ['0', 'expected at least 1 day'], ['-5', 'expected a whole number of days']] as const) {
      const refused = await prune({ RETENTION_ADVICE_DAYS: value });
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toEqual([expect.stringContaining(`Configuration error: RETENTION_ADVICE_DAYS ${problem}`)]);
      expect(refused.stdout).toBe('');
    }
    expect((await prune({ RETENTION_SENT_DAYS: '7' }, '--dry-run')).stdout).toContain('(ouder dan 7 dagen): 1');
  }, 240_000);
});
