// `npm run audit:verify` as an operator runs it on an embedded database: it prints the head to
// record, finds the newest entries removed (exit 1), checks a head given with --head, and
// refuses a --head that is not one with one line (exit 2) before opening anything.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/core/audit.ts';
import { openDatabase } from '../../src/db/index.ts';
import { migratedDataDir } from '../support/data-dir.ts';

const run = promisify(execFile);
let dataDir: string;

async function verify(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DATABASE_URL|DEFAULT_LOCALE)$/.test(key)));
  try {
    const { stdout, stderr } = await run(path.resolve('node_modules/.bin/tsx'), [path.resolve('scripts/audit-verify.ts'), ...args], { cwd: dataDir, env: { ...clean, DATA_DIR: dataDir }, timeout: 120_000 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('npm run audit:verify and the head', () => {
  beforeAll(async () => {
    dataDir = migratedDataDir('audit-verify');
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the head, then finds the newest entries gone and the recorded head missing', async () => {
    let db = await openDatabase({ dataDir });
    for (let n = 1; n <= 4; n++) await recordAudit(db.prisma, { action: 'test.script', details: { n } });
    await db.close();
    const first = await verify();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('Auditlog in orde: 4 regels gecontroleerd.');
    const head = /Kop van de keten: regel (\d+), ([0-9a-f]{64})\./.exec(first.stdout);
    expect(head?.[1]).toBe('4');

    db = await openDatabase({ dataDir });
    await db.prisma.auditLog.deleteMany({ where: { seq: 4 } });
    await db.close();
    const cut = await verify('--head', `4:${head![2]}`);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain('Auditlog NIET in orde (3 regels gecontroleerd):');
    expect(cut.stdout).toContain('- de nieuwste regels ontbreken: het log eindigt vóór regel 4');
    expect(cut.stdout).toContain(`- de opgegeven kop (regel 4, ${head![2]}) staat niet (meer) in het log`);

    const bad = await verify('--head', 'banaan');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("'banaan' is geen kop. Schrijf --head <regel>:<hash>, zoals audit:verify die afdrukt.");
    expect(bad.stdout).toBe('');
  }, 300_000);
});
