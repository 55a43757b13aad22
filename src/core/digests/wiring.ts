// The digest manager with the parts that exist today; `overleg` and `advies` are registered
// here too once meetings and advice have them (DigestManager.registerPart).
import type { ChannelRegistry } from '../channels.ts';
import type { GuideManager } from '../guide/guide.ts';
import type { Logger } from '../logger.ts';
import type { MessageRef } from '../messages/message-ref.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { PlatformName } from '../platform.ts';
import type { Store, UnitOfWork } from '../store.ts';
import type { ThreadManager } from '../threads/threads.ts';
import type { UpdateManager } from '../updates/updates.ts';
import { DigestManager } from './digests.ts';
import { tipPart, updatesPart, type MessageLinker } from './parts.ts';

export { DigestManager };

export interface DigestWiring {
  store: Store;
  unitOfWork: UnitOfWork;
  channels: ChannelRegistry;
  outbox: Outbox;
  updates: UpdateManager;
  guide: GuideManager;
  threads: ThreadManager;
  timezone: string;
  logger: Logger;
}

export function createDigests(wiring: DigestWiring): DigestManager {
  const digests = new DigestManager(wiring.store, wiring.unitOfWork, wiring.channels, wiring.outbox, wiring.timezone, wiring.logger);
  const linker: MessageLinker = (ref: MessageRef, platform: PlatformName) => digests.links.get(platform)?.(ref);
  digests.registerPart(updatesPart(wiring.updates, wiring.threads, linker));
  digests.registerPart(tipPart(wiring.guide));
  return digests;
}
