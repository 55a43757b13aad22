// A console session as the alliance's acceptance checks run it: lines piped into the real
// app (startApp, real database, real outbox worker), the input closed, the transcript read
// back once everything queued has been printed.
import { PassThrough } from 'node:stream';
import { startApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../support/bot.ts';

export interface Transcript {
  text: string;
  /** The transcript's lines, blank ones included. */
  lines: string[];
}

/** Runs one piped session on the given data directory (and server, when a URL is given). */
export async function runConsole(input: string[], env: { dataDir: string; databaseUrl?: string; locale?: 'nl' | 'en' }): Promise<Transcript> {
  const config = loadConfig({
    DATA_DIR: env.dataDir,
    LOG_LEVEL: 'silent',
    ...(env.databaseUrl ? { DATABASE_URL: env.databaseUrl } : {}),
    ...(env.locale ? { DEFAULT_LOCALE: env.locale } : {}),
  });
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk) => (text += String(chunk)));
  const app = await startApp(config, { logger: silentLogger, stdin, stdout });
  try {
    stdin.end(input.map((line) => `${line}\n`).join(''));
    // What src/main.ts does at the end of input.
    await app.console!.finished;
    await app.worker.drain();
  } finally {
    await app.stop();
  }
  return { text, lines: text.split('\n') };
}

/** The line right under the first header line `header` at or after line `from`. */
export function lineAfter(transcript: Transcript, header: string, from = 0): { at: number; next: string } {
  const at = transcript.lines.indexOf(header, from);
  return { at, next: at === -1 ? '' : (transcript.lines[at + 1] ?? '') };
}
