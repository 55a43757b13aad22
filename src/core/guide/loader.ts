// Reading the guide from files: the shipped folder of Markdown, a single Markdown or PDF file to
// import, and watching the folder so edits show up without a restart.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuideFormatError, parseGuideMarkdown, uniqueSlugs, type PassageInput } from './markdown.ts';
import { parseGuidePdf, type PageProgress } from './pdf.ts';
import { parseThesaurus, THESAURUS_FILE, ThesaurusError, type ThesaurusEntry } from './thesaurus.ts';

/** The sample guide that ships with the bot. */
export const GUIDE_CONTENT_DIR = fileURLToPath(new URL('../../../content/handreiking', import.meta.url));

/**
 * Origins name where stored passages came from, so a reload removes exactly what its source no
 * longer has. A file of the content folder is `content/<file>`, however it was read (the
 * start-up loader, /handreiking herlaad, or `npm run handreiking:import` of that very file), so
 * the paths agree and never undo each other; a file imported from elsewhere is its file name.
 */
export const CONTENT_ORIGIN = 'content';

export function folderOrigin(file: string): string {
  return `${CONTENT_ORIGIN}/${file}`;
}

/** Whether an origin belongs to the content folder (also the single 'content' of older versions). */
export function isFolderOrigin(origin: string): boolean {
  return origin === CONTENT_ORIGIN || origin.startsWith(`${CONTENT_ORIGIN}/`);
}

/** The origin an imported file gets: its folder origin when it lies in the content folder. */
export function importOrigin(file: string, contentDir: string = GUIDE_CONTENT_DIR): string {
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : resolve(path));
  return real(dirname(resolve(file))) === real(contentDir) ? folderOrigin(basename(file)) : basename(file);
}

export interface GuideFile {
  name: string;
  origin: string;
  passages: PassageInput[];
}

/** A chapter file of the folder starts with front matter; anything else (a README) is no chapter. */
const FRONT_MATTER = /^\uFEFF?---\s*\r?\n/;

/**
 * Every chapter file (`*.md` with front matter) of a folder, parsed; a malformed one stops the
 * load with file and line. Other Markdown files are skipped and named in `skipped`: merged into
 * chapter 1 as plain Markdown they would be nonsense in the guide.
 */
export function readGuideFolder(directory: string = GUIDE_CONTENT_DIR): { files: GuideFile[]; skipped: string[] } {
  if (!existsSync(directory)) return { files: [], skipped: [] };
  const files: GuideFile[] = [];
  const skipped: string[] = [];
  for (const name of readdirSync(directory).filter((n) => n.endsWith('.md') && !n.startsWith('.')).sort()) {
    const text = readFileSync(join(directory, name), 'utf8');
    if (!FRONT_MATTER.test(text)) {
      skipped.push(name);
      continue;
    }
    files.push({ name, origin: folderOrigin(name), passages: parseGuideMarkdown(text, name) });
  }
  // Slugs are unique across the folder; a repeat in a later file gets -2 (document order).
  const unique = uniqueSlugs(files.flatMap((file) => file.passages));
  let at = 0;
  for (const file of files) file.passages = unique.slice(at, (at += file.passages.length));
  return { files, skipped };
}

/** The folder's passages as one list (tests, the benchmark corpus). */
export function readGuideDirectory(directory: string = GUIDE_CONTENT_DIR): PassageInput[] {
  return readGuideFolder(directory).files.flatMap((file) => file.passages);
}

export type ImportFormat = 'markdown' | 'pdf';

export function formatOf(file: string): ImportFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  if (ext === '.pdf') return 'pdf';
  return undefined;
}

/** One Markdown or PDF file, parsed completely (nothing is written here). */
export async function readGuideFile(file: string, onPage?: PageProgress): Promise<PassageInput[]> {
  const name = basename(file);
  const format = formatOf(file);
  if (!format) throw new GuideFormatError(name, 1, 'expected a .md or .pdf file');
  if (format === 'pdf') return parseGuidePdf(new Uint8Array(await readFile(file)), file, onPage);
  const passages = parseGuideMarkdown(await readFile(file, 'utf8'), name);
  if (passages.length === 0) throw new GuideFormatError(name, 1, 'no passages found');
  return passages;
}

/** Larger than this, the thesaurus file is not read at all (it is a few hundred lines). */
const MAX_THESAURUS_BYTES = 1_000_000;

export type ThesaurusLoad =
  | { status: 'read'; file: string; entries: ThesaurusEntry[] }
  | { status: 'missing'; file: string }
  | { status: 'refused'; file: string; error: ThesaurusError };

/** The thesaurus file of the folder, checked completely (nothing is written here). */
export function readThesaurusFile(directory: string = GUIDE_CONTENT_DIR): ThesaurusLoad {
  const file = THESAURUS_FILE;
  const path = join(directory, file);
  if (!existsSync(path)) return { status: 'missing', file };
  const bytes = readFileSync(path);
  if (bytes.length > MAX_THESAURUS_BYTES) {
    return { status: 'refused', file, error: new ThesaurusError([{ file, line: 1, problem: `${bytes.length} bytes; at most ${MAX_THESAURUS_BYTES}` }]) };
  }
  try {
    return { status: 'read', file, entries: parseThesaurus(bytes.toString('utf8'), file) };
  } catch (error) {
    if (error instanceof ThesaurusError) return { status: 'refused', file, error };
    throw error;
  }
}

/** The modules that decide what a file is stored as: a new version of them loads the files again. */
const PARSER_MODULES = ['loader', 'markdown', 'thesaurus'];

/**
 * One hash of what a load of the folder reads: every watched file's name and bytes, and the
 * source of the modules that parse them. Start-up compares it with the one stored at the last
 * clean load and skips the sync when they match, without reading the files as Markdown.
 */
export function guideContentHash(directory: string = GUIDE_CONTENT_DIR): string {
  const hash = createHash('sha256');
  const here = fileURLToPath(import.meta.url);
  for (const module of PARSER_MODULES) hash.update(readFileSync(join(dirname(here), module + extname(here))));
  for (const name of existsSync(directory) ? readdirSync(directory).filter(isWatched).sort() : []) {
    hash.update(`\0${name}\0`).update(readFileSync(join(directory, name)));
  }
  return hash.digest('hex');
}

/** The files whose change reloads the guide: chapters and the thesaurus. */
function isWatched(name: string): boolean {
  return !name.startsWith('.') && (name.endsWith('.md') || name === THESAURUS_FILE);
}

export interface GuideWatcher {
  /** Stops watching; resolves once a reload already running has finished. */
  close(): Promise<void>;
}

/**
 * Calls `onChange` once things settle after Markdown files or the thesaurus in the folder change (editors write
 * in bursts: temp file, rename, chmod). Changes during a running reload schedule one more.
 */
export function watchGuideDirectory(directory: string, onChange: () => Promise<void>, options: { debounceMs?: number } = {}): GuideWatcher {
  const debounceMs = options.debounceMs ?? 400;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const run = () => {
    timer = undefined;
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = onChange()
      .catch(() => {})
      .finally(() => {
        running = undefined;
        if (again && !closed) {
          again = false;
          schedule();
        }
      });
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
    timer.unref();
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(directory, { persistent: false }, (_event, name) => {
      if (!name || isWatched(name.toString())) schedule();
    });
    // The folder went away or the platform gave up watching: stop quietly.
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = undefined;
  }
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
      await running;
    },
  };
}
