// The domain managers a handler can call, built once per process around one database.
import type { Locale } from './i18n.ts';
import { UnitOfWork, type Store } from './store.ts';
import type { FieldCipher } from './crypto.ts';
import { EventLedger } from './events.ts';
import { Inbox } from './inbox/inbox.ts';
import { FormDrafts } from './form-drafts.ts';
import { Outbox } from './outbox/outbox.ts';
import { MemberManager } from './members/members.ts';
import { AccountLinker } from './members/accounts.ts';
import { UpdateManager } from './updates/updates.ts';
import { GuideManager } from './guide/guide.ts';
import { ThreadManager } from './threads/threads.ts';
import { MentionResolver } from './mentions.ts';
import { ChannelRegistry } from './channels.ts';
import type { UndeliverableView } from './outbox/routing.ts';
import { ConversationManager } from './conversations/conversations.ts';
import { GROUP_KEY } from './conversations/places.ts';
import { UpdateChannels } from './updates/channels.ts';
import { AdviceManager } from './advice/requests.ts';
import { defaultTargets, type AdviceTargets } from './advice/targets.ts';
import { MeetingManager } from './meetings/meetings.ts';
import { pino, type Logger } from 'pino';
import { PrivacyManager } from './privacy/privacy.ts';
import { Retention } from './privacy/retention.ts';
import { createDigests, type DigestManager } from './digests/wiring.ts';

export interface CoreSettings {
  timezone: string;
  defaultLocale: Locale;
  /** `platform:userId` accounts that are admins from the start (ADMINS). */
  admins: string[];
  /** A deleted member's updates: kept under "verwijderd lid" (default) or removed. */
  privacyUpdatesOnErase?: 'anonymise' | 'remove';
  /** Retention periods other than the defaults, by rule name (src/core/privacy/retention.ts). */
  retentionDays?: Record<string, number>;
  /** Advice follow-up targets other than the defaults (ADVICE_* variables). */
  adviceTargets?: Partial<AdviceTargets>;
  /** Where calendar feeds are reached, e.g. http://HOST:PORT (no slash at the end). */
  feedBaseUrl?: string;
}

export interface Services {
  settings: CoreSettings;
  cipher: FieldCipher;
  events: EventLedger;
  /** Runs a handler and everything it writes as one transaction (see UnitOfWork). */
  unitOfWork: UnitOfWork;
  inbox: Inbox;
  /** Form values waiting to be shown again (Discord's reopened forms). */
  formDrafts: FormDrafts;
  outbox: Outbox;
  members: MemberManager;
  accounts: AccountLinker;
  updates: UpdateManager;
  guide: GuideManager;
  threads: ThreadManager;
  /** Turns member mentions in replies into each platform's pings (see mentions.ts). */
  mentions: MentionResolver;
  channels: ChannelRegistry;
  /** Linked places (update copies, private conversations) and the relay between them. */
  conversations: ConversationManager;
  /** Channels that receive every update (`/update kanaal`). */
  updateChannels: UpdateChannels;
  /** Advice requests, advisers and routing (/advies). */
  advice: AdviceManager;
  /** AVG: export and deletion of a member's data, the audit log. */
  privacy: PrivacyManager;
  /** What goes after how long (the nightly housekeeping, npm run prune). */
  retention: Retention;
  meetings: MeetingManager;
  /** Scheduled digests per channel (`/digest`). */
  digests: DigestManager;
}

/** What admins may learn about messages that could not be delivered. */
export interface DeliveryReport {
  undeliverable(limit?: number): Promise<UndeliverableView[]>;
  undeliverableCount(): Promise<number>;
}

/**
 * What a handler (and a precondition) may use: the domain managers only. No event ledger,
 * cipher, inbox, raw outbox or unit of work: those are the Bot's business, and a handler
 * that reached for them could break once-only handling or the encryption rules.
 */
export interface DomainServices {
  settings: CoreSettings;
  members: MemberManager;
  accounts: AccountLinker;
  updates: UpdateManager;
  guide: GuideManager;
  threads: ThreadManager;
  channels: ChannelRegistry;
  conversations: ConversationManager;
  updateChannels: UpdateChannels;
  advice: AdviceManager;
  privacy: PrivacyManager;
  meetings: MeetingManager;
  digests: DigestManager;
  deliveries: DeliveryReport;
}

/** The domain view of the services, built once per Bot. */
export function domainServices(services: Services): DomainServices {
  const deliveries: DeliveryReport = {
    undeliverable: (limit) => services.outbox.routing.undeliverable(limit),
    undeliverableCount: () => services.outbox.routing.undeliverableCount(),
  };
  // A view, not a copy: a manager swapped in Services (the guide reloaded from another folder)
  // is the one handlers see.
  const view = (name: Exclude<keyof DomainServices, 'deliveries'>) => ({ enumerable: true, get: () => services[name] });
  return Object.defineProperties({ deliveries } as DomainServices, {
    settings: view('settings'),
    members: view('members'),
    accounts: view('accounts'),
    updates: view('updates'),
    guide: view('guide'),
    threads: view('threads'),
    channels: view('channels'),
    conversations: view('conversations'),
    updateChannels: view('updateChannels'),
    advice: view('advice'),
    privacy: view('privacy'),
    meetings: view('meetings'),
    digests: view('digests'),
  });
}

export function createServices(client: Store, settings: CoreSettings, cipher: FieldCipher, logger: Logger = pino({ level: 'silent' })): Services {
  const unitOfWork = new UnitOfWork(client);
  // Every manager works on the unit-of-work view: inside a unit, its queries join that unit.
  const store = unitOfWork.store;
  const outbox = new Outbox(store, settings.defaultLocale, cipher);
  const channels = new ChannelRegistry(store);
  const members = new MemberManager(store, outbox, new Set(settings.admins));
  const conversations = new ConversationManager(store, members, outbox, cipher, settings.defaultLocale, logger, channels);
  const threads = new ThreadManager(store, cipher);
  // A group place the platform could not make: its participants get their own DMs instead,
  // and the refused message is done, in one transaction.
  outbox.onPlaceRefused(GROUP_KEY, (item, reason) =>
    unitOfWork.run(async () => {
      await conversations.fallBack(item, reason);
      await outbox.markSent(item.id, undefined, `refused: ${reason}`.slice(0, 500));
    }),
  );
  const updateChannels = new UpdateChannels(store, channels, outbox, threads, settings.defaultLocale);
  const privacy = new PrivacyManager(store, cipher, outbox, updateChannels, { defaultLocale: settings.defaultLocale, updatesOnErase: settings.privacyUpdatesOnErase, timezone: settings.timezone });
  const updates = new UpdateManager(store, cipher);
  const guide = new GuideManager(store);
  return {
    settings,
    cipher,
    events: new EventLedger(store),
    unitOfWork,
    inbox: new Inbox(store, cipher),
    formDrafts: new FormDrafts(store, cipher),
    outbox,
    members,
    accounts: new AccountLinker(store, members),
    updates,
    guide,
    threads,
    mentions: new MentionResolver(store),
    channels,
    conversations,
    advice: new AdviceManager(store, outbox, cipher, conversations, members, settings.defaultLocale, settings.timezone, undefined, { ...defaultTargets, ...settings.adviceTargets }),
    updateChannels,
    privacy,
    retention: new Retention(store, { overrides: settings.retentionDays }),
    meetings: new MeetingManager(store, outbox, members, settings.defaultLocale, settings.timezone),
    digests: createDigests({ store, unitOfWork, channels, outbox, updates, guide, threads, timezone: settings.timezone, logger }),
  };
}
