// A real Bot on a real (throwaway) database, for tests of commands and adapters. Nothing of
// our own is mocked: only the platforms are fakes, and they live in the adapter tests.
import { pino } from 'pino';
import { commands } from '../../commands/index.ts';
import type { CommandDeclaration } from '../../src/core/framework/declarations.ts';
import { GUIDE_CONTENT_DIR } from '../../src/app.ts';
import { Bot, type BotOptions } from '../../src/core/bot.ts';
import { createFieldCipher } from '../../src/core/crypto.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { OutboxWorker, type Deliver } from '../../src/core/outbox/worker.ts';
import type { PlatformName } from '../../src/core/platform.ts';
import { createServices, type CoreSettings, type Services } from '../../src/core/services.ts';
import type { Database, DatabaseKind } from '../../src/db/index.ts';
import { createTestDatabase } from './db.ts';

export interface TestBot {
  bot: Bot;
  services: Services;
  db: Database;
  worker: OutboxWorker;
  /** Deliverers the worker uses; adapters under test register theirs here. */
  deliverers: Map<PlatformName, Deliver>;
  close(): Promise<void>;
}

export const silentLogger = pino({ level: 'silent' });

export async function createTestBot(
  options: { kind?: DatabaseKind; admins?: string[]; guide?: boolean; /** Settings other than the test defaults. */ settings?: Partial<CoreSettings>; /** Test-only commands besides the real ones. */ extraCommands?: CommandDeclaration[]; botOptions?: BotOptions } = {},
): Promise<TestBot> {
  const db = await createTestDatabase(options.kind ?? 'pglite');
  const services = createServices(
    db.prisma,
    { timezone: 'Europe/Amsterdam', defaultLocale: 'nl', admins: options.admins ?? [], ...options.settings },
    createFieldCipher('test-secret-of-at-least-16-chars'),
  );
  if (options.guide) {
    await services.guide.reload(GUIDE_CONTENT_DIR);
    await services.guide.reloadThesaurus(GUIDE_CONTENT_DIR);
  }
  const bot = new Bot([...commands, ...(options.extraCommands ?? [])], services, silentLogger, options.botOptions);
  const deliverers = new Map<PlatformName, Deliver>();
  const worker = new OutboxWorker(services.outbox, deliverers, silentLogger);
  bot.afterWork = () => void worker.kick();
  return {
    bot,
    services,
    db,
    worker,
    deliverers,
    async close() {
      await worker.stop();
      await db.close();
    },
  };
}

/** Makes a platform user an approved member of an organisation, the way a coordinator would. */
export async function approveMember(services: Services, platform: PlatformName, userId: string, organisationSlug: string, displayName?: string) {
  const member = await services.members.resolve(platform, userId, displayName);
  const { match } = await services.members.findOrganisation(organisationSlug);
  const admin = await services.members.resolve('console', 'test-admin');
  const noReply = () => ({ visibility: 'ephemeral' as const });
  const { request } = await services.members.requestLink(member.id, match!.id, noReply);
  await services.members.decide(request.id, admin.id, true, noReply);
  return services.members.get(member.id);
}

/** Collects what the worker would send on one platform. */
export function recordDeliveries(testBot: TestBot, platform: PlatformName): OutboxItem[] {
  const sent: OutboxItem[] = [];
  testBot.deliverers.set(platform, async (item) => void sent.push(item));
  return sent;
}
