// npm run handreiking:import <file.md|file.pdf> [more files]
// Imports the guide from Markdown (our format, or plain Markdown with `#`/`##` headings) or a
// PDF into the database the bot uses (DATABASE_URL, or the embedded one under DATA_DIR). Each
// file is parsed completely before anything is written and synced in one transaction, so a
// malformed file (reported with file and line) changes nothing. Running it again with the same
// file reports everything unchanged. With the embedded database, stop the bot first: one
// process at a time may open it (a PGlite that is open leaves postmaster.pid in its folder;
// after a crash it stays behind, and --force goes ahead anyway).
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pino } from 'pino';
import { ConfigError, formatConfigError, loadConfig } from '../src/config.ts';
import { GuideManager } from '../src/core/guide/guide.ts';
import { importOrigin, readGuideFile } from '../src/core/guide/loader.ts';
import { GuideFormatError } from '../src/core/guide/markdown.ts';
import { translator } from '../src/core/i18n.ts';
import { openDatabase } from '../src/db/index.ts';

if (existsSync('.env')) process.loadEnvFile('.env');

async function main(args: string[]): Promise<number> {
  const force = args.includes('--force');
  const files = args.filter((arg) => arg !== '--force');
  const config = loadConfig();
  const t = translator(config.defaultLocale);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (files.length === 0) {
    process.stderr.write(`${t('guide.import.usage')}\n`);
    return 2;
  }
  const missing = files.find((file) => !existsSync(file));
  if (missing) {
    process.stderr.write(`${t('guide.import.missing', { file: missing })}\n`);
    return 1;
  }
  const embedded = resolve(config.dataDir, 'pglite');
  if (!config.databaseUrl && existsSync(join(embedded, 'postmaster.pid')) && !force) {
    process.stderr.write(`${t('guide.import.inUse', { dir: embedded })}\n`);
    return 1;
  }
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger: pino({ level: 'silent' }) });
  try {
    const guide = new GuideManager(db.prisma);
    for (const file of files) {
      say(t('guide.import.reading', { file: basename(file) }));
      const progress = (page: number, pages: number) => {
        const line = t('guide.import.page', { page, pages });
        if (process.stdout.isTTY) process.stdout.write(`\r${line}${page === pages ? '\n' : ''}`);
        else if (page === pages || page % 10 === 0) say(line);
      };
      try {
        const passages = await readGuideFile(file, progress);
        const chapters = new Set(passages.map((p) => p.chapter)).size;
        say(t('guide.import.parsed', { passages: t('guide.passageCount', { count: passages.length }), chapters: t('guide.chapterCount', { count: chapters }) }));
        // The same origin as the start-up loader gives a file of the content folder, so the two agree.
        const report = await guide.sync(passages, importOrigin(file, guide.contentDir));
        say(t('guide.import.report', { file: basename(file), ...report }));
      } catch (error) {
        if (!(error instanceof GuideFormatError)) throw error;
        process.stderr.write(`${t('guide.import.malformed', { file: error.file, line: error.line, problem: error.problem })}\n`);
        process.stderr.write(`${t('guide.import.nothingChanged')}\n`);
        return 1;
      }
    }
    return 0;
  } finally {
    await db.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2).filter((arg) => arg !== '--'));
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${formatConfigError(error)}\n`);
  else process.stderr.write(`${translator('nl')('guide.import.failed', { message: (error as Error).message.split('\n')[0] })}\n`);
  process.exitCode = 1;
}
