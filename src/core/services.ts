// The domain managers a handler can call, built once per process around one database.
import type { Locale } from './i18n.ts';
import { UnitOfWork, type Store } from './store.ts';
import type { FieldCipher } from './crypto.ts';
import { EventLedger } from './events.ts';
import { Inbox } from './inbox/inbox.ts';
import { Outbox } from './outbox/outbox.ts';
import { MemberManager } from './members/members.ts';
import { AccountLinker } from './members/accounts.ts';
import { UpdateManager } from './updates/updates.ts';
import { GuideManager } from './guide/guide.ts';
import { ThreadManager } from './threads/threads.ts';

export interface CoreSettings {
  timezone: string;
  defaultLocale: Locale;
  /** `platform:userId` accounts that are admins from the start (ADMINS). */
  admins: string[];
}

export interface Services {
  settings: CoreSettings;
  cipher: FieldCipher;
  events: EventLedger;
  /** Runs a handler and everything it writes as one transaction (see UnitOfWork). */
  unitOfWork: UnitOfWork;
  inbox: Inbox;
  outbox: Outbox;
  members: MemberManager;
  accounts: AccountLinker;
  updates: UpdateManager;
  guide: GuideManager;
  threads: ThreadManager;
}

export function createServices(client: Store, settings: CoreSettings, cipher: FieldCipher): Services {
  const unitOfWork = new UnitOfWork(client);
  // Every manager works on the unit-of-work view: inside a unit, its queries join that unit.
  const store = unitOfWork.store;
  const outbox = new Outbox(store, settings.defaultLocale, cipher);
  const members = new MemberManager(store, outbox, new Set(settings.admins));
  return {
    settings,
    cipher,
    events: new EventLedger(store),
    unitOfWork,
    inbox: new Inbox(store, cipher),
    outbox,
    members,
    accounts: new AccountLinker(store, members),
    updates: new UpdateManager(store),
    guide: new GuideManager(store),
    threads: new ThreadManager(store, members, cipher),
  };
}
