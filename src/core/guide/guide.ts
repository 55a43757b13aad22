// The Handreiking as passages in the database: loading, searching and browsing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store.ts';
import { parseGuideMarkdown, type PassageInput } from './markdown.ts';

export interface PassageView {
  slug: string;
  chapter: string;
  chapterTitle: string;
  title: string;
  body: string;
  tags: string[];
  source: string;
  sample: boolean;
}

export interface SyncReport {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
}

export class GuideManager {
  constructor(private readonly store: Store) {}

  /** Makes the stored passages of these sources equal to `passages`; unchanged ones stay put. */
  async sync(passages: PassageInput[]): Promise<SyncReport> {
    const sources = [...new Set(passages.map((p) => p.source))];
    return this.store.$transaction(async (tx) => {
      const existing = await tx.guidePassage.findMany({ where: { source: { in: sources } }, select: { slug: true, contentHash: true } });
      const known = new Map(existing.map((row) => [row.slug, row.contentHash]));
      const report: SyncReport = { added: 0, changed: 0, removed: 0, unchanged: 0 };
      for (const passage of passages) {
        const hash = known.get(passage.slug);
        if (hash === passage.contentHash) report.unchanged++;
        else await tx.guidePassage.upsert({ where: { slug: passage.slug }, create: passage, update: passage });
        if (hash === undefined) report.added++;
        else if (hash !== passage.contentHash) report.changed++;
      }
      const keep = new Set(passages.map((p) => p.slug));
      const gone = existing.filter((row) => !keep.has(row.slug)).map((row) => row.slug);
      if (gone.length) report.removed = (await tx.guidePassage.deleteMany({ where: { slug: { in: gone } } })).count;
      return report;
    });
  }

  /** Dutch full-text search, best first; passages whose words match in any inflection. */
  async search(query: string, limit = 3): Promise<PassageView[]> {
    const rows = await this.store.$queryRaw<{ slug: string }[]>`
      SELECT slug FROM "GuidePassage"
      WHERE to_tsvector('dutch', title || ' ' || array_to_string(tags, ' ') || ' ' || body) @@ plainto_tsquery('dutch', ${query})
      ORDER BY ts_rank(to_tsvector('dutch', title || ' ' || array_to_string(tags, ' ') || ' ' || body), plainto_tsquery('dutch', ${query})) DESC, slug
      LIMIT ${limit}`;
    return this.bySlugs(rows.map((row) => row.slug));
  }

  async chapters(): Promise<{ chapter: string; title: string; passages: number }[]> {
    const rows = await this.store.guidePassage.groupBy({ by: ['chapter', 'chapterTitle'], _count: { _all: true } });
    return rows
      .map((row) => ({ chapter: row.chapter, title: row.chapterTitle, passages: row._count._all }))
      .sort((a, b) => a.chapter.localeCompare(b.chapter, 'nl', { numeric: true }));
  }

  async inChapter(chapter: string): Promise<PassageView[]> {
    const rows = await this.store.guidePassage.findMany({ where: { chapter }, orderBy: { position: 'asc' }, select: { slug: true } });
    return this.bySlugs(rows.map((row) => row.slug));
  }

  async passage(slug: string): Promise<PassageView | undefined> {
    return (await this.bySlugs([slug]))[0];
  }

  private async bySlugs(slugs: string[]): Promise<PassageView[]> {
    const rows = await this.store.guidePassage.findMany({ where: { slug: { in: slugs } } });
    const bySlug = new Map(rows.map((row) => [row.slug, row]));
    return slugs.flatMap((slug) => {
      const row = bySlug.get(slug);
      return row ? [{ slug, chapter: row.chapter, chapterTitle: row.chapterTitle, title: row.title, body: row.body, tags: row.tags, source: row.source, sample: row.sample }] : [];
    });
  }
}

/** Every `*.md` file of a folder, parsed; a malformed file stops the load with file and line. */
export function readGuideDirectory(directory: string): PassageInput[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .flatMap((name) => parseGuideMarkdown(readFileSync(join(directory, name), 'utf8'), name));
}
