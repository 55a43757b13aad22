// A reopen skips the guide sync and the thesaurus reload when the content folder (and the code
// that parses it) hash as at the last clean load and the stored guide still has what that load
// left; anything else loads again. Through the real startApp on an embedded database in a temp
// DATA_DIR (console adapter, no platform), so each start is what `npm start` does.
import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { migratedDataDir } from '../support/data-dir.ts';

type Log = { level: number; msg: string; [key: string]: unknown };

describe('guide content at start-up', { timeout: 300_000 }, () => {
  const dataDir = migratedDataDir('guideskip');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Starts the app, runs `meanwhile` on it, stops it; returns the parsed log lines. */
  async function start(meanwhile: (app: App) => Promise<void> = async () => {}): Promise<Log[]> {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
    const config = loadConfig({ DATA_DIR: dataDir, ENCRYPTION_KEY: 'guide-skip-test-key-0123456789abcdef' });
    const app = await startApp(config, { logger, stdin: new PassThrough(), stdout: new PassThrough() });
    try {
      await meanwhile(app);
    } finally {
      await app.stop();
    }
    return lines.map((line) => JSON.parse(line) as Log);
  }
  const messages = (logs: Log[]) => logs.map((log) => log.msg);
  const found = async (app: App) => (await app.services.guide.search('subsidie')).total;

  it('loads on the first start, skips on a reopen, and the guide answers the same either way', async () => {
    let first = 0;
    const logs = await start(async (app) => void (first = await found(app)));
    expect(messages(logs)).toContain('guide content loaded');
    expect(messages(logs)).toContain('thesaurus loaded');
    expect(first).toBeGreaterThan(0);

    let again = 0;
    const reopen = await start(async (app) => void (again = await found(app)));
    expect(messages(reopen)).toContain('guide content unchanged since the last load; not reloaded');
    expect(messages(reopen)).not.toContain('guide content loaded');
    expect(messages(reopen)).not.toContain('thesaurus loaded');
    expect(again).toBe(first);
  });

  it('loads again when the stored guide lost passages since (the counts disagree)', async () => {
    await start(async (app) => void (await app.db.prisma.guidePassage.deleteMany({ where: { chapter: '1' } })));
    let after = 0;
    const logs = await start(async (app) => void (after = await found(app)));
    const loaded = logs.find((log) => log.msg === 'guide content loaded');
    expect(loaded).toMatchObject({ removed: 0 });
    expect(Number(loaded!.added)).toBeGreaterThan(0);
    expect(after).toBeGreaterThan(0);
  });

  it('loads again when the content hash differs from the stored one (a changed file or parser)', async () => {
    await start(async (app) => void (await app.db.prisma.startupFingerprint.updateMany({ data: { value: 'other:55:1730' } })));
    const logs = await start();
    expect(messages(logs)).toContain('guide content loaded');
    expect(messages(logs)).toContain('thesaurus loaded');
    // …and the load stored the fingerprint again: the next start skips.
    expect(messages(await start())).toContain('guide content unchanged since the last load; not reloaded');
  });
});
