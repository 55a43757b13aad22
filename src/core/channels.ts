// Channels the bot has seen, so updates and threads can point at them across platforms.
import { toDbPlatform, type PlatformName } from './platform.ts';
import type { Tx } from './store.ts';

export async function ensureChannel(tx: Tx, platform: PlatformName, externalId: string, name?: string): Promise<string> {
  const channel = await tx.channel.upsert({
    where: { platform_externalId: { platform: toDbPlatform(platform), externalId } },
    create: { platform: toDbPlatform(platform), externalId, name },
    update: name ? { name } : {},
  });
  return channel.id;
}
