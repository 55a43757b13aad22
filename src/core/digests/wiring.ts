// The digest manager with its parts: updates, meetings (`overleg`), advice counts (`advies`)
// and the tip (DigestManager.registerPart).
import type { ChannelRegistry } from '../channels.ts';
import type { GuideManager } from '../guide/guide.ts';
import type { Logger } from '../logger.ts';
import type { MessageRef } from '../messages/message-ref.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { PlatformName } from '../platform.ts';
import type { Store, UnitOfWork } from '../store.ts';
import type { ThreadManager } from '../threads/threads.ts';
import type { UpdateManager } from '../updates/updates.ts';
import { DIGEST_KEY, DigestManager } from './digests.ts';
import { tipPart, updatesPart, type MessageLinker } from './parts.ts';
import { advicePart, meetingsPart } from './activity-parts.ts';
import { WorkingCalendar } from '../calendar/working-time.ts';

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
  digests.registerPart(meetingsPart(wiring.store, wiring.timezone));
  digests.registerPart(advicePart(wiring.store, new WorkingCalendar({ zone: wiring.timezone })));
  digests.registerPart(tipPart(wiring.guide));
  // A digest the platform refuses because the bot is no longer in the channel: paused, the
  // coordinator told, and this post done (not retried for a day), in one transaction.
  wiring.outbox.onChannelGone(DIGEST_KEY, (item, reason) =>
    wiring.unitOfWork.run(async () => {
      const paused = await digests.pause({ platform: item.target.platform, ref: item.target.ref });
      wiring.logger.warn({ platform: item.target.platform, paused: paused !== undefined }, 'digest channel gone; subscription paused');
      await wiring.outbox.markSent(item.id, undefined, `channel gone: ${reason}`.slice(0, 500));
    }),
  );
  return digests;
}
