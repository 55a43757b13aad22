// Reading the guide from files: the shipped folder of Markdown, a single Markdown or PDF file to
// import, and watching the folder so edits show up without a restart.
import { existsSync, readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuideFormatError, parseGuideMarkdown, uniqueSlugs, type PassageInput } from './markdown.ts';
import { parseGuidePdf, type PageProgress } from './pdf.ts';

/** The sample guide that ships with the bot. */
export const GUIDE_CONTENT_DIR = fileURLToPath(new URL('../../../content/handreiking', import.meta.url));

/** The origin of passages loaded from the content folder (imports use their file name). */
export const CONTENT_ORIGIN = 'content';

/** Every `*.md` file of a folder, parsed; a malformed file stops the load with file and line. */
export function readGuideDirectory(directory: string = GUIDE_CONTENT_DIR): PassageInput[] {
  if (!existsSync(directory)) return [];
  return uniqueSlugs(
    readdirSync(directory)
      .filter((name) => name.endsWith('.md') && !name.startsWith('.'))
      .sort()
      .flatMap((name) => parseGuideMarkdown(readFileSync(join(directory, name), 'utf8'), name)),
  );
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

export interface GuideWatcher {
  /** Stops watching; resolves once a reload already running has finished. */
  close(): Promise<void>;
}

/**
 * Calls `onChange` once things settle after Markdown files in the folder change (editors write
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
      if (!name || (name.toString().endsWith('.md') && !name.toString().startsWith('.'))) schedule();
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
