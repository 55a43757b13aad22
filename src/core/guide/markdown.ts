// The guide's Markdown formats.
//  - Ours (content/handreiking): front matter names the chapter and document; every `## Title`
//    starts a passage, optionally followed by `<!-- tags: a, b -->`.
//  - Plain Markdown without front matter (an exported document): `# Heading` starts a chapter
//    (a leading number, "3." or "Hoofdstuk 3", becomes the chapter number), `## Heading` a
//    passage; text under a `#` before its first `##` is a passage named after the chapter.
// Deeper headings stay in the passage text as bold lines. A malformed file is refused with
// file and line (GuideFormatError) before anything is written.
import matter from 'gray-matter';
import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';

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

export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

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
    parsed = matter(text);
  } catch (error) {
    // js-yaml reports the line inside the front matter (0-based); the file has `---` above it.
    const mark = (error as { mark?: { line?: number } }).mark;
    const line = typeof mark?.line === 'number' ? mark.line + 2 : 1;
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
  return raws.map((raw, position) => toPassage(raw, source, data.sample === true, position, file));
}

/** Plain Markdown: chapters from `#`, passages from `##`; the source is the file name. */
function parsePlainMarkdown(text: string, file: string): PassageInput[] {
  const fileTitle = basename(file, extname(file));
  const raws: RawPassage[] = [];
  let chapter = { number: '', title: '' };
  let chapters = 0;
  let current: RawPassage | undefined;
  let inFence = false;
  text.split('\n').forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,2})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1] === '#') {
      chapters++;
      chapter = chapterFromHeading(heading[2]!, chapters);
      // Text right under the chapter heading is a passage of its own, named after the chapter.
      current = { title: chapter.title, line: index + 1, lines: [], chapter: chapter.number, chapterTitle: chapter.title };
      raws.push(current);
    } else if (heading?.[1] === '##') {
      if (!chapter.number) chapter = { number: '1', title: fileTitle };
      current = { title: heading[2]!, line: index + 1, lines: [], chapter: chapter.number, chapterTitle: chapter.title };
      raws.push(current);
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim()) {
      // Text before any heading: an introduction, under the file's own name.
      chapter = { number: '1', title: fileTitle };
      current = { title: fileTitle, line: index + 1, lines: [line], chapter: chapter.number, chapterTitle: chapter.title };
      raws.push(current);
    }
  });
  // A chapter heading followed directly by its first `##` has no text of its own: no passage.
  const passages = raws.filter((raw, i) => !(isChapterIntro(raw) && isBlank(raw) && raws[i + 1]?.chapter === raw.chapter));
  const sample = false;
  const positions = new Map<string, number>();
  return passages.map((raw) => {
    const position = positions.get(raw.chapter) ?? 0;
    positions.set(raw.chapter, position + 1);
    return toPassage(raw, basename(file), sample, position, file);
  });

  function isChapterIntro(raw: RawPassage): boolean {
    return raw.title === raw.chapterTitle;
  }
}

function isBlank(raw: RawPassage): boolean {
  return raw.lines.every((line) => !line.trim() || /^\s*<!--.*-->\s*$/.test(line));
}

/** "3. Regie", "Hoofdstuk 3: Regie", "3 Regie" → 3 / Regie; otherwise the running number. */
function chapterFromHeading(heading: string, count: number): { number: string; title: string } {
  const numbered = /^(?:hoofdstuk|chapter|deel)?\s*(\d+(?:\.\d+)*)[.:)]?\s+(.+)$/i.exec(heading);
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
  const slug = `${slugify(raw.chapter)}-${slugify(raw.title)}`;
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
