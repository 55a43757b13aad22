// The guide's Markdown format: front matter names the chapter and document; every `## Title`
// starts a passage, optionally followed by `<!-- tags: a, b -->`.
import matter from 'gray-matter';
import { createHash } from 'node:crypto';

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
  constructor(readonly file: string, readonly line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
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

export function parseGuideMarkdown(text: string, file: string): PassageInput[] {
  let parsed: matter.GrayMatterFile<string>;
  try {
    parsed = matter(text);
  } catch (error) {
    throw new GuideFormatError(file, 1, `front matter: ${(error as Error).message.split('\n')[0]}`);
  }
  const data = parsed.data as { chapter?: unknown; title?: unknown; document?: unknown; sample?: unknown };
  if (data.chapter === undefined || typeof data.title !== 'string') {
    throw new GuideFormatError(file, 1, 'front matter needs "chapter" and "title"');
  }
  const chapter = String(data.chapter);
  const offset = text.split('\n').length - parsed.content.split('\n').length;
  const passages: PassageInput[] = [];
  let current: { title: string; line: number; lines: string[] } | undefined;
  const finish = () => {
    if (current) passages.push(toPassage(current, chapter, data.title as string, String(data.document ?? file), data.sample === true, passages.length, file));
  };
  parsed.content.split('\n').forEach((line, index) => {
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (heading) {
      finish();
      current = { title: heading[1]!, line: offset + index + 1, lines: [] };
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim() && !/^#\s/.test(line)) {
      throw new GuideFormatError(file, offset + index + 1, 'text before the first "## " heading');
    }
  });
  finish();
  return passages;
}

function toPassage(
  raw: { title: string; line: number; lines: string[] },
  chapter: string,
  chapterTitle: string,
  source: string,
  sample: boolean,
  position: number,
  file: string,
): PassageInput {
  const tagLine = raw.lines.find((line) => /^<!--\s*tags:/i.test(line.trim()));
  const tags = tagLine ? tagLine.replace(/^\s*<!--\s*tags:\s*|\s*-->\s*$/gi, '').split(',').map((tag) => tag.trim()).filter(Boolean) : [];
  const body = raw.lines.filter((line) => line !== tagLine).join('\n').trim();
  if (!body) throw new GuideFormatError(file, raw.line, `passage "${raw.title}" has no text`);
  const slug = `${slugify(chapter)}-${slugify(raw.title)}`;
  const contentHash = createHash('sha256').update(JSON.stringify([chapterTitle, raw.title, body, tags, source])).digest('hex');
  return { slug, chapter, chapterTitle, title: raw.title, body, tags, source, sample, position, contentHash };
}
