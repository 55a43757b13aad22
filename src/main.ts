// `npm start`: read the environment, start Binnenuit, stop cleanly on SIGINT/SIGTERM or, for
// the console, at the end of input.
import { existsSync } from 'node:fs';
import { ConfigError, formatConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, safeError } from './core/logger.ts';
import { startApp } from './app.ts';

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

const logger = createLogger(config.logLevel);
try {
  const app = await startApp(config, { logger });
  const shutdown = async (code: number) => {
    await app.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  if (app.console) {
    await app.console.finished;
    await app.worker.drain();
    await shutdown(0);
  }
} catch (error) {
  // One line says what to fix; the details only at debug level, never a stack before it.
  logger.debug({ err: safeError(error) }, 'start-up failed');
  process.stderr.write(`Start-up failed: ${(error as Error).message.split('\n')[0]}\n`);
  process.exit(1);
}
