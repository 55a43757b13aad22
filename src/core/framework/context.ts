// What a handler gets: who asks, where, in which language, and the domain managers (only
// those: see DomainServices).
import type { Locale, Translate } from '../i18n.ts';
import type { Formatter } from '../format.ts';
import type { MemberView } from '../members/members.ts';
import type { PlatformName } from '../platform.ts';
import type { DomainServices } from '../services.ts';
import type { CommandDeclaration } from './declarations.ts';

export interface Place {
  platform: PlatformName;
  /** The platform's channel id, when the command came from a channel (not a DM). */
  channelRef?: string;
  channelName?: string;
  /** The platform's thread reference, when the command came from inside a thread. */
  threadRef?: string;
}

export interface CommandContext {
  actor: MemberView;
  place: Place;
  locale: Locale;
  t: Translate;
  format: Formatter;
  services: DomainServices;
  /** All declared commands, for /help. */
  commands: readonly CommandDeclaration[];
  /** The platform event being handled; also the key that makes its effects happen once. */
  eventKey?: string;
  now: Date;
}
