// Wiring: configuration → database → services → bot → adapters → outbox worker. Everything a
// running Binnenuit consists of is assembled here and nowhere else.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { commands } from '../commands/index.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/index.ts';
import { Bot } from './core/bot.ts';
import { createFieldCipher, resolveEncryptionSecret } from './core/crypto.ts';
import { readGuideDirectory } from './core/guide/guide.ts';
import type { Logger } from './core/logger.ts';
import { OutboxWorker, type Deliver } from './core/outbox/worker.ts';
import type { PlatformName } from './core/platform.ts';
import { createServices, type Services } from './core/services.ts';
import type { ChatAdapter } from './adapters/adapter.ts';
import { CONSOLE_USER, ConsoleAdapter } from './adapters/console/console-adapter.ts';
import { jobs } from './scheduler/jobs.ts';
import { Scheduler } from './scheduler/scheduler.ts';

export const GUIDE_CONTENT_DIR = fileURLToPath(new URL('../content/handreiking', import.meta.url));

export interface App {
  db: Database;
  bot: Bot;
  services: Services;
  worker: OutboxWorker;
  scheduler: Scheduler;
  adapters: ChatAdapter[];
  /** The console adapter, when no chat platform is configured. */
  console?: ConsoleAdapter;
  stop(): Promise<void>;
}

export interface AppOptions {
  logger: Logger;
  /** The console's input and output (defaults: this process's stdin and stdout). */
  stdin?: Readable;
  stdout?: Writable;
}

export async function startApp(config: Config, options: AppOptions): Promise<App> {
  const { logger } = options;
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  const useConsole = !config.slack && !config.discord;
  const cipher = createFieldCipher(resolveEncryptionSecret(config.encryptionKey, config.dataDir));
  const services = createServices(
    db.prisma,
    {
      timezone: config.timezone,
      defaultLocale: config.defaultLocale,
      // The console is the operator's own terminal: its user may do everything.
      admins: useConsole ? [...config.admins, `console:${CONSOLE_USER}`] : config.admins,
    },
    cipher,
  );
  await loadGuideContent(services, logger);
  const bot = new Bot(commands, services, logger);

  const adapters: ChatAdapter[] = [];
  const deliverers = new Map<PlatformName, Deliver>();
  const worker = new OutboxWorker(services.outbox, deliverers, logger);
  let consoleAdapter: ConsoleAdapter | undefined;
  // adapters: slack (issue 3 adds its block here)
  // adapters: discord (issue 4 adds its block here)
  if (useConsole) {
    consoleAdapter = new ConsoleAdapter(bot, {
      input: options.stdin ?? process.stdin,
      output: options.stdout ?? process.stdout,
      locale: config.defaultLocale,
      afterLine: () => worker.drain(),
    });
    adapters.push(consoleAdapter);
  }
  for (const adapter of adapters) deliverers.set(adapter.platform, (item) => adapter.deliver(item));
  bot.afterWork = () => void worker.kick();

  for (const adapter of adapters) await adapter.start();
  worker.start();
  const scheduler = new Scheduler(jobs, services, config.timezone, logger);
  scheduler.start();
  logger.info({ adapters: adapters.map((a) => a.platform), database: db.kind }, 'binnenuit started');

  return {
    db,
    bot,
    services,
    worker,
    scheduler,
    adapters,
    console: consoleAdapter,
    async stop() {
      await scheduler.stop();
      for (const adapter of adapters) await adapter.stop();
      await worker.stop();
      await db.close();
    },
  };
}

/** The sample guide ships in content/; a malformed file is logged and the stored guide kept. */
async function loadGuideContent(services: Services, logger: Logger): Promise<void> {
  if (!existsSync(GUIDE_CONTENT_DIR)) return;
  try {
    const report = await services.guide.sync(readGuideDirectory(GUIDE_CONTENT_DIR));
    logger.info(report, 'guide content loaded');
  } catch (error) {
    logger.error({ err: (error as Error).message }, 'guide content not loaded; keeping what was stored');
  }
}
