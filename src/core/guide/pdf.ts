// A PDF of the guide into passages, with unpdf (PDF.js). PDF has no headings, only text at
// positions and sizes, so the outline is inferred:
//  - the body size is the font size most of the text is set in; lines clearly larger are
//    headings. With two or more heading sizes the largest marks chapters, the others passages
//    (a single very large line on page 1 only is the document's title). With one heading size,
//    numbered headings ("3 Regie", "Hoofdstuk 3") are chapters and the rest passages.
//  - a PDF set in one size: numbered lines ("3.2 Sleutelpersonen") are the headings.
//  - no headings at all: one passage per page.
// Running headers/footers and page numbers are dropped; hyphenated line ends are joined.
// The source of a passage is the file name and its page(s).
import { basename, extname } from 'node:path';
import { getDocumentProxy } from 'unpdf';
import { GuideFormatError, passagesFromOutline, type OutlineBlock, type PassageInput } from './markdown.ts';

interface Line {
  text: string;
  size: number;
  page: number;
  y: number;
}

interface PositionedText {
  str: string;
  transform: number[];
  hasEOL?: boolean;
}

export type PageProgress = (page: number, pages: number) => void;

export async function parseGuidePdf(bytes: Uint8Array, file: string, onPage?: PageProgress): Promise<PassageInput[]> {
  const name = basename(file);
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // PDF.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    // verbosity 0: PDF.js's own warnings ("Indexing all PDF objects") would reach the terminal.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    throw new GuideFormatError(name, 1, `not a readable PDF (${(error as Error).message.split('\n')[0]})`);
  }
  const lines: Line[] = [];
  const title = basename(file, extname(file));
  let metadataTitle: string | undefined;
  try {
    const info = (await pdf.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
    if (typeof info?.Title === 'string' && info.Title.trim()) metadataTitle = info.Title.trim();
    for (let page = 1; page <= pdf.numPages; page++) {
      const content = await (await pdf.getPage(page)).getTextContent();
      lines.push(...pageLines(content.items as unknown as PositionedText[], page));
      onPage?.(page, pdf.numPages);
    }
  } finally {
    await pdf.destroy();
  }
  const text = dropRunningLines(lines);
  if (!text.some((line) => /\p{L}/u.test(line.text))) {
    throw new GuideFormatError(name, 1, 'no text found in the PDF (a scan without a text layer?)');
  }
  const { blocks, documentTitle } = outline(text);
  return passagesFromOutline(blocks, {
    file: name,
    title: metadataTitle ?? documentTitle ?? title,
    source: (first, last) => (first === last ? `${name}, p. ${first}` : `${name}, p. ${first}–${last}`),
  });
}

/** Text items of one page as lines: same baseline, in reading order. */
function pageLines(items: PositionedText[], page: number): Line[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  let broken = true;
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    const size = round(Math.hypot(item.transform[2] ?? 0, item.transform[3] ?? 0));
    const y = item.transform[5] ?? 0;
    if (item.str.length > 0) {
      if (!current || broken || Math.abs(current.y - y) > Math.max(current.size, size) * 0.5) {
        current = { text: item.str, size, page, y };
        lines.push(current);
      } else {
        current.text += item.str;
        current.size = Math.max(current.size, size);
      }
    }
    broken = item.hasEOL === true;
  }
  return lines.map((line) => ({ ...line, text: line.text.replace(/\s+/g, ' ').trim() })).filter((line) => line.text);
}

const round = (size: number) => Math.round(size * 2) / 2;

/** Page numbers, and lines repeated on most pages (running headers and footers). */
function dropRunningLines(lines: Line[]): Line[] {
  const pages = new Set(lines.map((line) => line.page)).size;
  const shape = (text: string) => text.toLowerCase().replace(/\d+/g, '#');
  const pagesWith = new Map<string, Set<number>>();
  for (const line of lines) {
    const key = shape(line.text);
    pagesWith.set(key, (pagesWith.get(key) ?? new Set()).add(line.page));
  }
  return lines.filter((line) => {
    if (/^(?:(?:pagina|page|blz\.?|p\.)\s*)?\d{1,4}(?:\s*(?:van|of|\/)\s*\d{1,4})?$/i.test(line.text)) return false;
    const seen = pagesWith.get(shape(line.text))!.size;
    return !(pages >= 3 && seen >= 3 && seen >= pages / 2);
  });
}

type Level = 'chapter' | 'passage' | undefined;

const TOP_NUMBERED = /^(?:hoofdstuk\s+)?\d+[.:)]?\s+\S/i;
const SUB_NUMBERED = /^\d+(?:\.\d+)+[.)]?\s+\S/;

function outline(lines: Line[]): { blocks: OutlineBlock[]; documentTitle?: string } {
  const { level, titleSize } = headingLevels(lines);
  const blocks: OutlineBlock[] = [];
  const titleLines: string[] = [];
  let paragraph: Line[] = [];
  const flush = () => {
    // The paragraph's last page, so a passage running onto the next page cites both.
    const page = paragraph.at(-1)?.page ?? 0;
    if (paragraph.length) blocks.push({ kind: 'text', text: joinLines(paragraph.map((l) => l.text)), line: page }, { kind: 'text', text: '', line: page });
    paragraph = [];
  };
  let previous: Line | undefined;
  let previousLevel: Level;
  for (const line of lines) {
    if (line.size === titleSize) {
      titleLines.push(line.text);
      continue;
    }
    const kind = level(line);
    if (kind) {
      flush();
      const last = blocks.at(-1);
      // A heading wrapped over two lines: one heading.
      if (last && last.kind === kind && previousLevel === kind && previous?.page === line.page && previous.size === line.size) {
        last.text = `${last.text} ${line.text}`;
      } else {
        blocks.push({ kind, text: line.text, line: line.page });
      }
    } else {
      const gap = previous && previous.page === line.page ? previous.y - line.y : 0;
      if (previous && !previousLevel && gap > line.size * 1.7) flush();
      paragraph.push(line);
    }
    previous = line;
    previousLevel = kind;
  }
  flush();
  const documentTitle = titleLines.length ? titleLines.join(' ') : undefined;
  if (!blocks.some((block) => block.kind !== 'text')) return { blocks: perPage(lines.filter((line) => line.size !== titleSize)), documentTitle };
  return { blocks, documentTitle };
}

/** Which lines are chapter or passage headings (see the file comment). */
function headingLevels(lines: Line[]): { level: (line: Line) => Level; titleSize?: number } {
  const chars = new Map<number, number>();
  for (const line of lines) chars.set(line.size, (chars.get(line.size) ?? 0) + line.text.length);
  const body = [...chars.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  const isHeadingText = (line: Line) => line.text.length <= 120 && /\p{L}/u.test(line.text);
  const larger = lines.filter((line) => line.size >= body * 1.15 && isHeadingText(line));
  let sizes = [...new Set(larger.map((line) => line.size))].sort((a, b) => b - a);
  let titleSize: number | undefined;
  if (sizes.length >= 3 && larger.filter((line) => line.size === sizes[0]).every((line) => line.page === 1)) {
    titleSize = sizes[0];
    sizes = sizes.slice(1);
  }
  if (sizes.length >= 2) {
    return { titleSize, level: (line) => (!isHeadingText(line) || line.size < body * 1.15 ? undefined : line.size === sizes[0] ? 'chapter' : 'passage') };
  }
  if (sizes.length === 1) {
    const headings = larger.filter((line) => line.size === sizes[0]);
    const numberedChapters = headings.some((line) => TOP_NUMBERED.test(line.text) && !SUB_NUMBERED.test(line.text));
    return {
      level: (line) => {
        if (line.size !== sizes[0] || !isHeadingText(line)) return undefined;
        return numberedChapters && TOP_NUMBERED.test(line.text) && !SUB_NUMBERED.test(line.text) ? 'chapter' : 'passage';
      },
    };
  }
  // One size throughout: short numbered lines that do not end like a sentence.
  const numbered = (line: Line) => line.text.length <= 90 && !/[.,;:]$/.test(line.text) && /^\d+(?:\.\d+)*[.)]?\s+\p{Lu}/u.test(line.text);
  return { level: (line) => (!numbered(line) ? undefined : SUB_NUMBERED.test(line.text) ? 'passage' : 'chapter') };
}

function perPage(lines: Line[]): OutlineBlock[] {
  const blocks: OutlineBlock[] = [];
  let page = 0;
  for (const line of lines) {
    if (line.page !== page) {
      page = line.page;
      blocks.push({ kind: 'passage', text: `Pagina ${page}`, line: page });
    }
    blocks.push({ kind: 'text', text: line.text, line: page });
  }
  return blocks;
}

/** Lines of a paragraph as one text; "verant-" + "woording" becomes "verantwoording". */
function joinLines(lines: string[]): string {
  return lines.reduce((text, line) => (!text ? line : /\p{Ll}-$/u.test(text) && /^\p{Ll}/u.test(line) ? text.slice(0, -1) + line : `${text} ${line}`), '');
}
