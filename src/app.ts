import path from 'node:path';
// Wiring: configuration → database → services → bot → adapters → outbox worker. Everything a
// running Binnenuit consists of is assembled here and nowhere else.
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { commands } from '../commands/index.ts';
import type { Config } from './config.ts';
import { isDatabaseHealthy, openDatabase, type Database } from './db/index.ts';
import { Bot } from './core/bot.ts';
import { createFieldCipher, startupEncryptionKey } from './core/crypto.ts';
import { GuideFormatError } from './core/guide/markdown.ts';
import { GUIDE_CONTENT_DIR, guideContentHash, watchGuideDirectory, type GuideWatcher } from './core/guide/loader.ts';
import { clearFingerprint, readFingerprint, storedGuideCounts, writeFingerprint } from './db/startup-fingerprint.ts';
import { safeError, type Logger } from './core/logger.ts';
import { InboxRecovery, type AnswerLater } from './core/inbox/recovery.ts';
import { OutboxWorker, type Deliver } from './core/outbox/worker.ts';
import type { PlatformName } from './core/platform.ts';
import { createServices, type Services } from './core/services.ts';
import type { ChatAdapter } from './adapters/adapter.ts';
import { CONSOLE_USER, ConsoleAdapter } from './adapters/console/console-adapter.ts';
import { jobs } from './scheduler/jobs.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { checkAuditChainAtStart } from './core/privacy/startup.ts';
import { feedRoute } from './core/meetings/feed-http.ts';
import { startHttpServer, type HttpServer } from './http-server.ts';
import type { HttpRoute } from './core/http-routes.ts';

export { GUIDE_CONTENT_DIR };

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
  /**
   * The database, already being opened: main.ts starts that (PGlite's thread, migrations)
   * before it loads the rest of the app, so the two overlap. Default: opened here.
   */
  database?: Promise<Database>;
}

export async function startApp(config: Config, options: AppOptions): Promise<App> {
  const { logger } = options;
  // The SDKs load while the database opens (PGlite works in a thread of its own): start-up
  // overlaps the two instead of paying for both (npm run bench, figure memory). Loaded only
  // when configured: Bolt stays out of a console-only or Discord-only start, discord.js out of
  // a Slack-only one. The catch only marks a failure as seen; awaiting below still throws it.
  const slackModule = config.slack ? import('./adapters/slack/slack-adapter.ts') : undefined;
  const discordModule = config.discord ? import('./adapters/discord/discord-adapter.ts') : undefined;
  for (const loading of [slackModule, discordModule]) loading?.catch(() => {});
  const db = await (options.database ?? openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger }));
  const useConsole = !config.slack && !config.discord;
  // Warnings about the set-up wait until start-up succeeded: a start that fails prints its one
  // line naming the problem, and nothing before it.
  const startupWarnings: (() => void)[] = [];
  const deferredWarn = { warn: (...args: Parameters<Logger['warn']>) => void startupWarnings.push(() => logger.warn(...args)) } as Pick<Logger, 'warn'>;
  const cipher = createFieldCipher(startupEncryptionKey(config.encryptionKey, config.dataDir, { console: useConsole, database: db.kind }, deferredWarn));
  const services = createServices(
    db.prisma,
    {
      timezone: config.timezone,
      defaultLocale: config.defaultLocale,
      // The console is the operator's own terminal: its user may do everything.
      admins: useConsole ? [...config.admins, `console:${CONSOLE_USER}`] : config.admins,
      privacyUpdatesOnErase: config.privacyUpdatesOnErase,
      retentionDays: config.retentionDays,
      adviceTargets: config.adviceTargets,
      feedBaseUrl: `http://${config.host}:${config.port}`,
    },
    cipher,
    logger,
  );
  const guideWatcher = await loadGuideContent(services, db.prisma, logger);
  // PGlite runs one query at a time: a few handlers at once keep the queue short, so the
  // inbox write before each acknowledgement never waits long. PostgreSQL's pool has 10.
  // PGlite runs one transaction at a time: a second handler in flight made the inbox writes
  // before each ack wait longer (ack p99 at 50 concurrent, two runs each: 1.53-1.55x bare Bolt
  // with 2, 1.23-1.32x with 1). The price is throughput after the ack (about 9 instead of 18
  // commands a second on 2 cores), far above what the alliance sends.
  const bot = new Bot(commands, services, logger, { concurrency: db.kind === 'pglite' ? 1 : 6, receiveGraceMs: db.kind === 'pglite' ? 30_000 : 0 });

  const adapters: ChatAdapter[] = [];
  const deliverers = new Map<PlatformName, Deliver>();
  const worker = new OutboxWorker(services.outbox, deliverers, logger);
  let consoleAdapter: ConsoleAdapter | undefined;
  // Calendar feeds on PORT: Slack's server when Slack runs, else one of their own (Discord, or
  // the console with PORT set).
  const httpRoutes = [feedRoute(() => services.meetings.feeds)];
  const httpServer = !config.slack && (config.discord || config.portExplicit) ? await ownHttpServer(config, db, httpRoutes, logger) : undefined;
  if (config.slack) {
    const { SlackAdapter } = await slackModule!;
    adapters.push(
      new SlackAdapter(bot, {
        botToken: config.slack.botToken,
        signingSecret: config.slack.signingSecret,
        appToken: config.slack.appToken,
        apiUrl: config.slack.apiUrl,
        allowedTeams: config.slack.allowedTeams,
        port: config.port,
        host: config.host,
        logger: logger.child({ adapter: 'slack' }),
        health: () => isDatabaseHealthy(db),
        routes: httpRoutes,
      }),
    );
  }
  if (config.discord) {
    const { DiscordAdapter } = await discordModule!;
    adapters.push(
      new DiscordAdapter(bot, {
        token: config.discord.token,
        applicationId: config.discord.applicationId,
        apiUrl: config.discord.apiUrl,
        guildId: config.discord.guildId,
        messageContent: config.discord.messageContent,
        logger: logger.child({ adapter: 'discord' }),
      }),
    );
  }
  if (useConsole) {
    consoleAdapter = new ConsoleAdapter(bot, {
      input: options.stdin ?? process.stdin,
      output: options.stdout ?? process.stdout,
      locale: config.defaultLocale,
      afterLine: () => worker.drain(),
      logger: logger.child({ adapter: 'console' }),
      filesDir: path.join(config.dataDir, 'bestanden'),
    });
    adapters.push(consoleAdapter);
  }
  const answerers = new Map<PlatformName, AnswerLater>();
  for (const adapter of adapters) {
    // The worker keeps each message's ref (for edits and deletes) and a split reply's progress.
    deliverers.set(adapter.platform, (item, progress) => adapter.deliver(item, progress));
    if (adapter.answerLater) answerers.set(adapter.platform, adapter.answerLater);
    // Digests link each update to its post where a platform running here can tell.
    if (adapter.messageLink) services.digests.links.set(adapter.platform, (ref) => adapter.messageLink!(ref));
    // `genodigden:kanaal` asks the platform who is in the channel.
    if (adapter.channelMembers) services.meetings.invitees.channels.set(adapter.platform, (id) => adapter.channelMembers!(id));
  }
  bot.afterWork = () => void worker.kick();
  // The embedded database is locked to this process: whatever is unfinished in it was left by
  // an earlier run of this instance, and is taken over at once instead of after its lease.
  const recovery = new InboxRecovery(bot, services.inbox, services.outbox, answerers, logger, { takeOverAtStart: db.kind === 'pglite' });

  // Likewise the outbox: what the earlier run had in hand is sent now, after a check.
  if (db.kind === 'pglite') await services.outbox.takeOverAfterRestart();
  // Meeting reminders that fell due while no instance ran go only if the meeting has not begun.
  await services.meetings.reminders.dropBegun(new Date());
  for (const adapter of adapters) await adapter.start();
  worker.start();
  recovery.start();
  for (const warn of startupWarnings) warn();
  // Checks that need not hold up /healthz (each reads a whole table; nothing depends on them
  // having run: a legacy plain body reads as it is until encrypted).
  const afterStart = runAfterStart(services, db, logger);
  const scheduler = new Scheduler(jobs, services, config.timezone, logger);
  scheduler.start();
  logger.info({ adapters: adapters.map((a) => a.platform), database: db.kind, jobs: scheduler.nextRuns() }, 'binnenuit started');

  return {
    db,
    bot,
    services,
    worker,
    scheduler,
    adapters,
    console: consoleAdapter,
    async stop() {
      // New work stops first; work in flight finishes and answers; then the current outbox
      // batch; then the connections. Whatever is left stays in the database for next time.
      await guideWatcher?.close();
      await scheduler.stop();
      await recovery.stop();
      for (const adapter of adapters) await adapter.stop();
      await httpServer?.close();
      await worker.stop();
      await afterStart;
      await db.close();
    },
  };
}

/** Update bodies written before they were encrypted are encrypted now (a migration has no key); the audit chain checked. */
async function runAfterStart(services: Services, db: Database, logger: Logger): Promise<void> {
  try {
    const encrypted = await services.updates.encryptLegacyBodies();
    if (encrypted > 0) logger.info({ updates: encrypted }, 'update bodies encrypted at rest');
  } catch (error) {
    logger.warn({ err: safeError(error) }, 'legacy update bodies not encrypted; trying again at the next start');
  }
  await checkAuditChainAtStart(db.prisma, logger);
}

/**
 * The HTTP server without Slack. With PORT set, a port that is taken stops the start (as with
 * Slack); Discord on the default port only warns: Discord itself needs no HTTP, so a taken
 * port costs the feeds and /healthz, not the bot.
 */
async function ownHttpServer(config: Config, db: Database, routes: HttpRoute[], logger: Logger): Promise<HttpServer | undefined> {
  try {
    return await startHttpServer({ port: config.port, host: config.host, health: () => isDatabaseHealthy(db), routes });
  } catch (error) {
    if (config.portExplicit) throw error;
    logger.warn({ err: safeError(error), port: config.port }, 'no HTTP server: the calendar feeds and /healthz are not served');
    return undefined;
  }
}

/**
 * The guide in content/handreiking: synced at start-up (first start: all added), then again
 * whenever its Markdown files change. A malformed file is logged with file and line and the
 * stored guide kept. Logs carry counts and timings only. A start whose files (and parser) hash
 * as at the last clean load, with as many passages and thesaurus rows stored as that load
 * left, skips the sync and the thesaurus reload: their result is already stored.
 */
async function loadGuideContent(services: Services, prisma: Database['prisma'], logger: Logger): Promise<GuideWatcher | undefined> {
  const dir = services.guide.contentDir;
  if (!existsSync(dir)) return undefined;
  const load = async (why: 'start' | 'change') => {
    const started = performance.now();
    const hash = guideContentHash(dir);
    if (why === 'start' && (await guideUnchanged(prisma, hash))) {
      logger.info({ ms: Math.round(performance.now() - started) }, 'guide content unchanged since the last load; not reloaded');
      return;
    }
    // Forgotten first: a load that fails or stops halfway is done again at the next start.
    await clearFingerprint(prisma, GUIDE_FINGERPRINT);
    let passages: number | undefined;
    try {
      const { skipped, ...report } = await services.guide.reload(dir);
      if (skipped.length) logger.warn({ files: skipped, why }, 'guide files without chapter front matter skipped');
      logger.info({ ...report, why, ms: Math.round(performance.now() - started) }, 'guide content loaded');
      passages = report.added + report.changed + report.unchanged;
    } catch (error) {
      const where = error instanceof GuideFormatError ? { file: error.file, line: error.line } : { err: safeError(error) };
      logger.error({ ...where, why }, 'guide content not loaded; keeping what was stored');
    }
    const thesaurus = await loadThesaurus(services, logger, why);
    if (passages !== undefined && thesaurus.loaded) await writeFingerprint(prisma, GUIDE_FINGERPRINT, `${hash}:${passages}:${thesaurus.entries ?? '-'}`);
  };
  await load('start');
  return watchGuideDirectory(dir, () => load('change'));
}

const GUIDE_FINGERPRINT = 'guide-content';

/** The stored fingerprint has this hash and the stored counts agree with it (nobody emptied the tables since). */
async function guideUnchanged(prisma: Database['prisma'], hash: string): Promise<boolean> {
  const [storedHash, passages, entries] = ((await readFingerprint(prisma, GUIDE_FINGERPRINT)) ?? '').split(':');
  if (storedHash !== hash) return false;
  const stored = await storedGuideCounts(prisma);
  return String(stored.passages) === passages && (entries === '-' || String(stored.entries) === entries);
}

/**
 * The thesaurus next to the guide: a refused file is logged with each file and line (the
 * problems name terms of the field, never people) and the stored thesaurus stays in use.
 */
async function loadThesaurus(services: Services, logger: Logger, why: 'start' | 'change'): Promise<{ loaded: boolean; entries?: number }> {
  try {
    const load = await services.guide.reloadThesaurus();
    if (load.status === 'read') logger.info({ file: load.file, entries: load.entries.length, why }, 'thesaurus loaded');
    if (load.status === 'refused') {
      logger.error({ problems: load.error.problems, more: load.error.more, why }, 'thesaurus not loaded; keeping the previous one');
    }
    // A missing file keeps the stored thesaurus: loaded, with no count to check.
    return { loaded: load.status !== 'refused', entries: load.status === 'read' ? load.entries.length : undefined };
  } catch (error) {
    logger.error({ err: safeError(error), why }, 'thesaurus not loaded; keeping the previous one');
    return { loaded: false };
  }
}
