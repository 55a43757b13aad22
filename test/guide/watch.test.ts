// The content folder is watched: a burst of file changes gives one reload, after the debounce,
// and the changed guide is searchable; after close() nothing more happens.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GuideManager } from '../../src/core/guide/guide.ts';
import { watchGuideDirectory } from '../../src/core/guide/loader.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

const passage = (chapter: string, title: string, body: string) => `---\nchapter: "${chapter}"\ntitle: Proef\n---\n\n## ${title}\n${body}\n`;

describe('watching the content folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'binnenuit-watch-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('calls back once per burst of Markdown or thesaurus changes, ignores other files, and stops on close', async () => {
    let calls = 0;
    const watcher = watchGuideDirectory(dir, async () => void calls++, { debounceMs: 100 });
    try {
      await writeFile(path.join(dir, 'a.md'), passage('1', 'A', 'Een.'));
      await writeFile(path.join(dir, 'b.md'), passage('1', 'B', 'Twee.'));
      await writeFile(path.join(dir, 'a.md'), passage('1', 'A', 'Een, gewijzigd.'));
      await vi.waitFor(() => expect(calls).toBe(1), { timeout: 3000 });
      await writeFile(path.join(dir, 'notities.txt'), 'geen markdown');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(calls).toBe(1);
      await writeFile(path.join(dir, 'b.md'), passage('1', 'B', 'Twee, gewijzigd.'));
      await vi.waitFor(() => expect(calls).toBe(2), { timeout: 3000 });
      // The thesaurus next to the chapters is reloaded like them.
      await writeFile(path.join(dir, 'thesaurus.txt'), 'formaat: 1\nwijkagent > politie\n');
      await vi.waitFor(() => expect(calls).toBe(3), { timeout: 3000 });
    } finally {
      await watcher.close();
    }
    await writeFile(path.join(dir, 'a.md'), passage('1', 'A', 'Na het sluiten.'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls).toBe(3);
  });

  describe('with a database', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase('pglite');
    });
    afterAll(() => db?.close());

    it('reloads the guide when a file is added, changed or removed', async () => {
      const folder = await mkdtemp(path.join(dir, 'content-'));
      await writeFile(path.join(folder, '01.md'), passage('1', 'Wijkteams', 'Wijkteams kennen de buurt.'));
      const guide = new GuideManager(db.prisma, { contentDir: folder });
      await guide.reload();
      const reports: unknown[] = [];
      const watcher = watchGuideDirectory(folder, async () => void reports.push(await guide.reload()), { debounceMs: 100 });
      try {
        await writeFile(path.join(folder, '02.md'), passage('2', 'Buurtvaders', 'Buurtvaders lopen avondrondes.'));
        await vi.waitFor(async () => expect((await guide.search('buurtvaders')).hits.map((h) => h.slug)).toEqual(['2-buurtvaders']), { timeout: 5000 });
        await rm(path.join(folder, '01.md'));
        await vi.waitFor(async () => expect(await guide.count()).toBe(1), { timeout: 5000 });
      } finally {
        await watcher.close();
      }
      expect(reports).toContainEqual({ added: 1, changed: 0, removed: 0, unchanged: 1, skipped: [] });
      expect(reports.at(-1)).toEqual({ added: 0, changed: 0, removed: 1, unchanged: 1, skipped: [] });
    });
  });
});
