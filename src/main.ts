// `npm start`: read the environment, start Binnenuit, and stop cleanly: on SIGINT/SIGTERM (a
// second signal stops at once) or, for the console, at the end of input after finishing what
// is queued. A stray rejected promise is logged and the bot keeps serving; an exception that
// nobody caught stops it cleanly (exit 1) for the supervisor to restart: nothing acknowledged
// is lost either way, because the inbox and the outbox are in the database.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, formatConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, safeError } from './core/logger.ts';
import type { App } from './app.ts';

/** How long a stop may take to let work in flight finish before the process exits anyway. */
const SHUTDOWN_BUDGET_MS = 10_000;

// A .env file in the working directory, if there is one; variables already set win.
if (existsSync('.env')) process.loadEnvFile('.env');

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(formatConfigError(error) + '\n');
  process.exit(1);
}

// On PostgreSQL the only WebAssembly is Prisma's query compiler. V8 tiers its hot functions up
// to optimised code in background threads while start-up compiles the first query plans, and
// the memory those compilations take stays resident after: 60-80 MB of idle RSS (issue 14,
// figure 7: 236 MB against bare Bolt's 75 MB). Baseline (Liftoff) code is enough: Prisma caches
// each query's plan, so the compiler runs once per query shape. PGlite's database is itself
// WebAssembly, where optimised code matters for every query: there the default stays. Set
// before the first query compiles the module, which is when V8 reads the flag.
if (config.databaseUrl) setFlagsFromString('--liftoff-only');

const logger = createLogger(config.logLevel);
let app: App | undefined;
let stopping: Promise<void> | undefined;

/** Stops taking work, lets work in flight finish (bounded), closes connections, exits. */
function shutdown(code: number, why: string): Promise<void> {
  stopping ??= (async () => {
    logger.info({ why }, 'stopping');
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.warn({ ms: SHUTDOWN_BUDGET_MS }, 'stop took too long; exiting anyway');
        resolve();
      }, SHUTDOWN_BUDGET_MS);
    });
    const stop = (app?.stop() ?? Promise.resolve()).catch((error: unknown) => logger.error({ err: safeError(error) }, 'stop failed'));
    await Promise.race([stop, budget]);
    clearTimeout(timer);
    process.exit(code);
  })();
  return stopping;
}

let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // The second signal: the person means it, now.
    if (++signals > 1) process.exit(signal === 'SIGINT' ? 130 : 143);
    void shutdown(0, signal);
  });
}
process.on('unhandledRejection', (reason) => {
  logger.error({ err: safeError(reason) }, 'unhandled rejection; still running');
});
process.on('uncaughtException', (error) => {
  logger.fatal({ err: safeError(error) }, 'uncaught exception; stopping');
  void shutdown(1, 'uncaughtException');
});

try {
  // The database opens (PGlite starts its thread, migrations are checked) while the rest of
  // the app loads: on a reopen the two overlap instead of taking turns (issue 14, figure 7).
  // The catch only marks a failure as seen; startApp awaits it and it fails the start there.
  const database = import('./db/index.ts').then(({ openDatabase }) => openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger }));
  database.catch(() => {});
  const { startApp } = await import('./app.ts');
  app = await startApp(config, { logger, database });
} catch (error) {
  // One line says what to fix; the details only at debug level, never a stack before it.
  logger.debug({ err: safeError(error) }, 'start-up failed');
  process.stderr.write(`Start-up failed: ${(error as Error).message.split('\n')[0]}\n`);
  process.exit(1);
}
if (app.console) {
  await app.console.finished;
  // Input ended by itself: send what is queued first. Ended by a signal: that stop goes on.
  if (!stopping) await app.worker.drain();
  await shutdown(0, 'end of input');
}
