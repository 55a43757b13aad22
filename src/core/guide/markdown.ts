// The guide's Markdown formats.
//  - Ours (content/handreiking): front matter names the chapter and document; every `## Title`
//    starts a passage, optionally followed by `<!-- tags: a, b -->`.
//  - Plain Markdown without front matter (an exported document): `# Heading` starts a chapter
//    (a leading number, "3." or "Hoofdstuk 3", becomes the chapter number), `## Heading` a
//    passage; text under a `#` before its first `##` is a passage named after the chapter.
// Deeper headings stay in the passage text as bold lines. A malformed file is refused with
// file and line (GuideFormatError) before anything is written.
import type matter from 'gray-matter';
import { lazyModule } from '../lazy-module.ts';

/** Loaded at the first guide file read (src/core/lazy-module.ts says why). */
const grayMatter = lazyModule<typeof matter>('gray-matter');
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { slugify } from '../text.ts';

export { slugify };

export interface PassageInput {
  slug: string;
  chapter: string;
  chapterTitle: string;
  section?: string;
  title: string;
  body: string;
  tags: string[];
  source: string;
  sample: boolean;
  position: number;
  contentHash: string;
}

export class GuideFormatError extends Error {
  constructor(readonly file: string, readonly line: number, readonly problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'GuideFormatError';
  }
}

/** Slugs travel in button values: `handreiking.delen|<slug>` must stay within 100 characters. */
export const MAX_SLUG_LENGTH = 72;

interface RawPassage {
  title: string;
  line: number;
  lines: string[];
  chapter: string;
  chapterTitle: string;
}

export function parseGuideMarkdown(text: string, file: string): PassageInput[] {
  text = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!/^---\s*\n/.test(text)) return parsePlainMarkdown(text, file);
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = grayMatter()(text);
  } catch (error) {
    // js-yaml counts lines (from 0) from the end of the opening `---`: that makes it the file's
    // line number, counted from 1.
    const mark = (error as { mark?: { line?: number } }).mark;
    const line = typeof mark?.line === 'number' ? mark.line + 1 : 1;
    throw new GuideFormatError(file, line, `front matter: ${(error as Error).message.split('\n')[0]}`);
  }
  const data = parsed.data as { chapter?: unknown; title?: unknown; document?: unknown; sample?: unknown };
  if (data.chapter === undefined || data.chapter === null || typeof data.title !== 'string') {
    throw new GuideFormatError(file, 1, 'front matter needs "chapter" and "title"');
  }
  const chapter = String(data.chapter);
  const chapterTitle = data.title;
  const offset = text.split('\n').length - parsed.content.split('\n').length;
  const raws: RawPassage[] = [];
  let current: RawPassage | undefined;
  parsed.content.split('\n').forEach((line, index) => {
    const heading = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) {
      current = { title: heading[1]!, line: offset + index + 1, lines: [], chapter, chapterTitle };
      raws.push(current);
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim() && !/^#\s/.test(line)) {
      throw new GuideFormatError(file, offset + index + 1, 'text before the first "## " heading');
    }
  });
  const source = String(data.document ?? file);
  return uniqueSlugs(raws.map((raw, position) => toPassage(raw, source, data.sample === true, position, file)));
}

/** Plain Markdown: chapters from `#`, passages from `##`; the source is the file name. */
function parsePlainMarkdown(text: string, file: string): PassageInput[] {
  const blocks: OutlineBlock[] = [];
  let inFence = false;
  text.split('\n').forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,2})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading) blocks.push({ kind: heading[1] === '#' ? 'chapter' : 'passage', text: heading[2]!, line: index + 1 });
    else blocks.push({ kind: 'text', text: line, line: index + 1 });
  });
  return passagesFromOutline(blocks, { file, title: basename(file, extname(file)), source: () => basename(file) });
}

/** A document as a flat list: chapter headings, passage headings and lines of text. */
export interface OutlineBlock {
  kind: 'chapter' | 'passage' | 'text';
  text: string;
  /** Line (Markdown) or page (PDF) where the block is, for error messages and sources. */
  line: number;
}

/**
 * Chapters and passages from an outline. Text under a chapter heading before its first passage
 * heading is a passage named after the chapter; text before any heading is an introduction
 * under the document's title (chapter 0 when numbered chapters follow, else chapter 1).
 */
export function passagesFromOutline(
  blocks: OutlineBlock[],
  options: { file: string; title: string; source: (first: number, last: number) => string; sample?: boolean },
): PassageInput[] {
  const raws: (RawPassage & { intro: boolean; last: number })[] = [];
  let chapter: { number: string; title: string } | undefined;
  let chapters = 0;
  let current: (typeof raws)[number] | undefined;
  const preface = { number: '', title: options.title };
  for (const block of blocks) {
    if (block.kind === 'chapter') {
      chapters++;
      chapter = chapterFromHeading(block.text, chapters);
      current = { title: chapter.title, line: block.line, last: block.line, lines: [], chapter: chapter.number, chapterTitle: chapter.title, intro: true };
      raws.push(current);
    } else if (block.kind === 'passage') {
      const owner = chapter ?? preface;
      current = { title: block.text.trim(), line: block.line, last: block.line, lines: [], chapter: owner.number, chapterTitle: owner.title, intro: false };
      raws.push(current);
    } else if (current) {
      current.lines.push(block.text);
      if (block.text.trim()) current.last = block.line;
    } else if (block.text.trim()) {
      current = { title: options.title, line: block.line, last: block.line, lines: [block.text], chapter: '', chapterTitle: options.title, intro: true };
      raws.push(current);
    }
  }
  // Passages before the first chapter heading: chapter 0 if numbered chapters follow, else 1.
  const prefaceNumber = chapters > 0 ? '0' : '1';
  for (const raw of raws) if (raw.chapter === '') raw.chapter = prefaceNumber;
  // A chapter heading followed directly by its first passage has no text of its own: no passage.
  const kept = raws.filter((raw) => !(raw.intro && isBlank(raw)));
  const positions = new Map<string, number>();
  return uniqueSlugs(
    kept.map((raw) => {
      const position = positions.get(raw.chapter) ?? 0;
      positions.set(raw.chapter, position + 1);
      return toPassage(raw, options.source(raw.line, raw.last), options.sample ?? false, position, options.file);
    }),
  );
}

function isBlank(raw: RawPassage): boolean {
  return raw.lines.every((line) => !line.trim() || /^\s*<!--.*-->\s*$/.test(line));
}

/** "3. Regie", "Hoofdstuk 3: Regie", "3 Regie" → 3 / Regie; otherwise the running number. */
function chapterFromHeading(heading: string, count: number): { number: string; title: string } {
  const numbered = /^(?:hoofdstuk|chapter|deel)?\s*(\d{1,3})[.:)]?\s+(.+)$/i.exec(heading.trim());
  return numbered ? { number: numbered[1]!, title: numbered[2]!.trim() } : { number: String(count), title: heading.trim() };
}

function toPassage(raw: RawPassage, source: string, sample: boolean, position: number, file: string): PassageInput {
  const tagLine = raw.lines.find((line) => /^<!--\s*tags:/i.test(line.trim()));
  if (tagLine && !/-->\s*$/.test(tagLine)) {
    throw new GuideFormatError(file, raw.line + 1 + raw.lines.indexOf(tagLine), 'tags comment is not closed with "-->"');
  }
  const tags = tagLine
    ? tagLine
        .replace(/^\s*<!--\s*tags:\s*|\s*-->\s*$/gi, '')
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean)
    : [];
  const body = raw.lines
    .filter((line) => line !== tagLine && !/^\s*<!--.*-->\s*$/.test(line))
    // Deeper headings inside a passage stay readable on every platform.
    .map((line) => line.replace(/^#{3,6}\s+(.+?)\s*#*\s*$/, '**$1**'))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (!body) throw new GuideFormatError(file, raw.line, `passage "${raw.title}" has no text`);
  // Short enough for a button value on every platform (Discord: 100 characters in all).
  const slug = `${slugify(raw.chapter)}-${slugify(raw.title)}`.slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '');
  const passage = { slug, chapter: raw.chapter, chapterTitle: raw.chapterTitle, title: raw.title, body, tags, source, sample, position };
  return { ...passage, contentHash: hashPassage(passage) };
}

export function hashPassage(passage: Omit<PassageInput, 'contentHash'>): string {
  const { chapter, chapterTitle, section, title, body, tags, source, sample, position } = passage;
  return createHash('sha256')
    .update(JSON.stringify([chapter, chapterTitle, section ?? null, title, body, tags, source, sample, position]))
    .digest('hex');
}

/** Slugs must be unique in a load; a repeated title gets -2, -3 … (in document order). */
export function uniqueSlugs(passages: PassageInput[]): PassageInput[] {
  const seen = new Map<string, number>();
  return passages.map((passage) => {
    const count = (seen.get(passage.slug) ?? 0) + 1;
    seen.set(passage.slug, count);
    return count === 1 ? passage : { ...passage, slug: `${passage.slug}-${count}` };
  });
}
