// Conversations: a set of places that belong together, relayed into one another. The places
// are Threads with the same subject: the discussion threads under the copies of one update in
// several channels on Slack and Discord, or the places of a private conversation: one shared
// place per platform where the platform has one (a Slack group DM, a Discord private thread:
// group places, see places.ts), else each participant's direct messages (on the console, lines
// addressed to them). A message
// a person writes in one place is stored once, encrypted, and in the same transaction queued
// through the outbox to every other place as "Fatima (Discord): …". Each relay has a dedupe key
// (target place + stored message), and the same platform message twice is stored once, so a
// redelivered event relays nothing twice. The bot's own posts never come back in: adapters drop
// messages written by bots, and a relay is only ever made from a person's message.
import { ensureChannel, type ChannelRegistry } from '../channels.ts';
import type { FieldCipher } from '../crypto.ts';
import type { Reply } from '../framework/reply.ts';
import { translator, toLocale, type Locale } from '../i18n.ts';
import type { Logger } from '../logger.ts';
import type { MemberManager, MemberView } from '../members/members.ts';
import type { MessageRef } from '../messages/message-ref.ts';
import { groupTargetRef, parseGroupTargetRef, type Outbox, type OutboxItem, type OutboxTarget } from '../outbox/outbox.ts';
import type { ThreadRef } from '../threads/threads.ts';
import { GROUP_KEY, GROUP_PLACE, groupPlatforms, groupReply, personalFromGroup, type Participant } from './places.ts';
import { fromDbPlatform, toDbPlatform, type PlatformName } from '../platform.ts';
import type { Store } from '../store.ts';

/** A message a person wrote in a thread or conversation place, as an adapter hands it to the Bot. */
export interface IncomingThreadMessage {
  platform: PlatformName;
  /** The channel (Slack channel or DM, Discord parent channel or DM; console: `@naam`). */
  channelRef: string;
  /** Slack thread_ts, Discord thread id; console: the conversation's code. */
  threadRef: string;
  /** The platform's id of this message: the same message twice is stored once. */
  messageRef: string;
  author: { platform: PlatformName; userId: string; displayName?: string };
  text: string;
  /** The platform's event id (kept for logs and once-only handling upstream). */
  eventKey: string;
  /**
   * Where the platform says this message answers a bot message (a Slack thread in a DM, a
   * Discord reply in a DM): the ref of that message, as the adapter's delivery returned it.
   */
  replyTo?: MessageRef;
  /**
   * Written in a channel that is a group place as a whole (a Slack group DM), where people
   * also write outside the thread of the opening message: a message that belongs to no thread
   * of the bot's there goes to the conversation opened there last.
   */
  channelWide?: boolean;
}

export interface Subject {
  type: string;
  id: string;
}

export interface StoredMessage {
  id: string;
  subject?: Subject;
  author: MemberView;
  text: string;
  platform: PlatformName;
}

export type Received = { kind: 'ignored' } | { kind: 'duplicate' } | { kind: 'stored'; message: StoredMessage; relays: number };

export interface OpenConversation {
  subject: Subject;
  participants: string[];
  title: string;
}

/** Relayed text above this length is cut, with a note where the whole message can be read. */
export const RELAY_MAX_LENGTH = 1500;
/** Thread.subjectType-independent prefix of every outbox key that goes to a conversation place. */
const PLACE_KEY = /^conv:([0-9a-f-]{36}):/;

export class ConversationManager {
  constructor(
    private readonly store: Store,
    private readonly members: MemberManager,
    private readonly outbox: Outbox,
    private readonly cipher: FieldCipher,
    private readonly defaultLocale: Locale,
    private readonly logger: Logger,
    private readonly channels?: ChannelRegistry,
  ) {}

  /**
   * Stores a person's message in the place it was written and queues it for every other place
   * of the conversation. Call inside a unit of work: the stored message and its relays are
   * one transaction, so a crash loses neither and never keeps one without the other.
   */
  async receive(message: IncomingThreadMessage): Promise<Received> {
    const place = await this.placeOf(message);
    if (!place) return { kind: 'ignored' };
    const platform = toDbPlatform(message.platform);
    const existing = await this.store.threadMessage.findUnique({
      where: { threadId_platform_platformRef: { threadId: place.id, platform, platformRef: message.messageRef } },
      select: { id: true },
    });
    if (existing) return { kind: 'duplicate' };
    const author = await this.members.resolve(message.author.platform, message.author.userId, message.author.displayName);
    const row = await this.store.threadMessage.create({
      data: { threadId: place.id, authorId: author.id, platform, platformRef: message.messageRef, bodyEncrypted: this.cipher.encrypt(message.text) },
    });
    const subject = place.subjectType && place.subjectId ? { type: place.subjectType, id: place.subjectId } : undefined;
    const relays = subject ? await this.relay(row.id, place.id, subject, author, message) : 0;
    return { kind: 'stored', message: { id: row.id, subject, author, text: message.text, platform: message.platform }, relays };
  }

  /**
   * Opens a private conversation about a subject between members. On a platform where two or
   * more participants have an account and that can hold a shared private place (Slack: a group
   * DM; Discord: a private thread in the channel registered for `conversations`), they share
   * one: a single `group` outbox message, whose adapter makes the place and reports it
   * (recordGroupPlace); when it cannot, they fall back to their own DMs (fallBack). Everyone
   * else gets a place of their own: their DMs, lines for them on the console. Opening it again
   * adds nothing twice. A participant who cannot be found (left, removed) is skipped with a log
   * line; the others still get it. Returns the number of places asked for.
   */
  async open(conversation: OpenConversation): Promise<number> {
    const { subject } = conversation;
    const members = await this.store.member.findMany({ where: { id: { in: conversation.participants } }, include: { identities: true } });
    const missing = conversation.participants.filter((id) => !members.some((member) => member.id === id));
    if (missing.length) this.logger.warn({ subjectType: subject.type, subjectId: subject.id, missing: missing.length }, 'conversation participants not found; skipped');
    const participants: Participant[] = [];
    for (const member of members) {
      if (member.identities.length === 0) this.logger.warn({ subjectType: subject.type, memberId: member.id }, 'conversation participant has no account; skipped');
      const locale = toLocale(member.locale) ?? this.defaultLocale;
      const others = members.filter((other) => other.id !== member.id).map((other) => other.displayName);
      for (const identity of member.identities) participants.push({ memberId: member.id, name: member.displayName, locale, others, platform: fromDbPlatform(identity.platform), userId: identity.externalId });
    }
    const shared = groupPlatforms(participants);
    let places = 0;
    for (const [platform, group] of shared) {
      await this.openGroup(conversation, platform, group, members.map((member) => member.displayName));
      places++;
    }
    for (const participant of participants.filter((candidate) => !shared.has(candidate.platform))) {
      await this.openPersonal(subject, conversation.title, participant);
      places++;
    }
    return places;
  }

  /** One message that opens the shared place of these participants on their platform. */
  private async openGroup(conversation: OpenConversation, platform: PlatformName, group: Participant[], names: string[]): Promise<void> {
    const { subject } = conversation;
    // Discord holds it under a channel registered for it; no channel: the adapter refuses, and they get DMs.
    const parent = (await this.channels?.list('conversations', platform))?.at(-1)?.ref;
    // One message for all of them: their language if they share one, else the alliance's.
    const locales = new Set(group.map((participant) => participant.locale));
    const locale = locales.size === 1 ? [...locales][0]! : this.defaultLocale;
    await this.outbox.enqueue(this.store, {
      dedupeKey: `${GROUP_KEY}${subject.type}:${subject.id}:${platform}:open`,
      target: { platform, kind: 'group', ref: groupTargetRef(parent, group.map((participant) => participant.userId)) },
      locale,
      reply: groupReply(locale, subject, conversation.title, names),
    });
  }

  /** A participant's own place (their DMs; the console: lines for them) and its opening message. */
  private async openPersonal(subject: Subject, title: string, participant: Participant, opening?: Reply): Promise<string> {
    const { platform, userId, locale } = participant;
    const id = await this.ensurePlace(platform, userId, subject);
    const t = translator(locale);
    const how = platform === 'console' ? t('conversation.howConsole', { code: subject.id }) : t('conversation.howReply');
    const reply: Reply = opening ?? { visibility: 'channel', title: t('conversation.openedTitle', { title }), text: [t('conversation.with', { names: participant.others.join(', ') || '—' }), how].join('\n'), footer: t('safety.formNotice') };
    await this.outbox.enqueue(this.store, { dedupeKey: `conv:${id}:open`, target: { platform, kind: 'user', ref: userId }, locale, reply });
    return id;
  }

  /**
   * The adapter made the shared place of a conversation (`where`: the group DM and the opening
   * message's ts; the private thread under its parent) and tells us before anyone can write
   * there, so every message written there is recognised. Messages the others wrote before it
   * existed are relayed into it now (the same keys as live relays: never twice). Recording it
   * again changes nothing. Call inside a unit of work.
   */
  async recordGroupPlace(where: ThreadRef, subject: Subject): Promise<string> {
    const channelId = await ensureChannel(this.store, where.platform, where.channelRef);
    const existing = await this.store.thread.findUnique({ where: { channelId_platformRef: { channelId, platformRef: where.threadRef } } });
    if (existing) return existing.id;
    await this.lockConversation(subject);
    const place = await this.store.thread.create({
      data: { channelId, platformRef: where.threadRef, subjectType: subject.type, subjectId: subject.id, relayToKind: GROUP_PLACE },
    });
    await this.catchUp(place.id, subject);
    return place.id;
  }

  /** The shared place of a conversation on a platform, once its adapter reported it. */
  async groupPlace(platform: PlatformName, subject: Subject): Promise<ThreadRef | undefined> {
    const place = await this.store.thread.findFirst({
      where: { subjectType: subject.type, subjectId: subject.id, relayToKind: GROUP_PLACE, channel: { platform: toDbPlatform(platform) } },
      include: { channel: true },
      orderBy: { createdAt: 'desc' },
    });
    return place?.channel && place.platformRef ? { platform, channelRef: place.channel.externalId, threadRef: place.platformRef } : undefined;
  }

  /**
   * The platform could not make the shared place (no channel for it, no access, no private
   * threads): each of its participants gets their own DMs instead, with the same opening, and
   * what was already said. A place that was half made is forgotten, so nothing is relayed
   * there. Call inside a unit of work.
   */
  async fallBack(item: OutboxItem, reason: string): Promise<number> {
    const subject = item.reply.discussion && { type: item.reply.discussion.subjectType, id: item.reply.discussion.subjectId };
    if (!subject) return 0;
    const platform = item.target.platform;
    await this.store.thread.deleteMany({ where: { subjectType: subject.type, subjectId: subject.id, relayToKind: GROUP_PLACE, channel: { platform: toDbPlatform(platform) } } });
    const { userIds } = parseGroupTargetRef(item.target.ref);
    let opened = 0;
    for (const userId of userIds) {
      const identity = await this.store.platformIdentity.findUnique({ where: { platform_externalId: { platform: toDbPlatform(platform), externalId: userId } }, include: { member: true } });
      if (!identity) continue;
      const locale = toLocale(identity.member.locale) ?? item.locale;
      const participant: Participant = { memberId: identity.memberId, name: identity.member.displayName, locale, others: [], platform, userId };
      const id = await this.openPersonal(subject, '', participant, personalFromGroup(item.reply, locale));
      await this.catchUp(id, subject);
      opened++;
    }
    this.logger.info({ platform, subjectType: subject.type, places: opened, reason }, 'conversation falls back to direct messages');
    return opened;
  }

  /**
   * Until the end of the transaction, nobody else adds a place to this conversation or relays
   * in it. Without it, on PostgreSQL a message stored while a new place is recorded could miss
   * both: its relays read the places before the new one was committed, and the new place's
   * catch-up read the messages before this one was. (PGlite runs one transaction at a time.)
   */
  private async lockConversation(subject: Subject): Promise<void> {
    await this.store.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`conversation:${subject.type}:${subject.id}`}))`;
  }

  /** Everything already said in the conversation's other places, relayed into a new place, in order. */
  private async catchUp(placeId: string, subject: Subject): Promise<void> {
    const earlier = await this.store.threadMessage.findMany({
      where: { threadId: { not: placeId }, thread: { subjectType: subject.type, subjectId: subject.id } },
      include: { author: true },
      orderBy: { createdAt: 'asc' },
    });
    if (earlier.length === 0) return;
    const place = await this.store.thread.findUniqueOrThrow({ where: { id: placeId }, include: { channel: true } });
    const target = targetOf(place);
    if (!target) return;
    const locale = await this.localeAt(target);
    for (const message of earlier) {
      const author = { displayName: message.author?.displayName ?? '—' };
      const text = this.cipher.decrypt(message.bodyEncrypted);
      await this.outbox.enqueue(this.store, { dedupeKey: `conv:${placeId}:relay:${message.id}`, target, locale, reply: relayReply(locale, author, { platform: fromDbPlatform(message.platform), text }) });
    }
  }

  /**
   * The place a message was written in: a registered thread, the conversation a reply to one of
   * the bot's messages answers, or (in a channel that is a group place as a whole) the
   * conversation opened there last.
   */
  private async placeOf(message: IncomingThreadMessage) {
    const channel = { platform: toDbPlatform(message.platform), externalId: message.channelRef };
    const direct = await this.store.thread.findFirst({ where: { platformRef: message.threadRef, channel } });
    if (direct) return direct.relayToKind === 'user' && direct.relayToRef !== message.author.userId ? undefined : direct;
    const answered = message.replyTo && (await this.answeredPlace(message));
    if (answered) return answered;
    if (!message.channelWide) return undefined;
    return (await this.store.thread.findFirst({ where: { relayToKind: GROUP_PLACE, channel }, orderBy: { createdAt: 'desc' } })) ?? undefined;
  }

  /** The place whose relay or opening message this message replies to, if the author may speak there. */
  private async answeredPlace(message: IncomingThreadMessage) {
    const answered = await this.store.outboxMessage.findFirst({ where: { messageRef: message.replyTo }, select: { dedupeKey: true } });
    const placeId = answered && PLACE_KEY.exec(answered.dedupeKey)?.[1];
    if (!placeId) return undefined;
    const place = await this.store.thread.findUnique({ where: { id: placeId }, include: { channel: true } });
    if (!place?.channel || place.channel.platform !== toDbPlatform(message.platform)) return undefined;
    // A group place is everyone's who is in it; someone's direct messages only theirs.
    if (place.relayToKind === GROUP_PLACE) return place.channel.externalId === message.channelRef ? place : undefined;
    return place.relayToKind === 'user' && place.relayToRef === message.author.userId ? place : undefined;
  }

  private async ensurePlace(platform: PlatformName, userId: string, subject: Subject): Promise<string> {
    // A person's direct messages, as a channel of their own (console: `@naam`, as typed).
    const channelId = await ensureChannel(this.store, platform, platform === 'console' ? `@${userId}` : `dm:${userId}`);
    const platformRef = platform === 'console' ? subject.id : `${subject.type}:${subject.id}`;
    const thread = await this.store.thread.upsert({
      where: { channelId_platformRef: { channelId, platformRef } },
      create: { channelId, platformRef, subjectType: subject.type, subjectId: subject.id, relayToKind: 'user', relayToRef: userId },
      update: {},
    });
    return thread.id;
  }

  private async relay(messageId: string, fromPlaceId: string, subject: Subject, author: MemberView, message: IncomingThreadMessage): Promise<number> {
    await this.lockConversation(subject);
    const places = await this.store.thread.findMany({
      where: { subjectType: subject.type, subjectId: subject.id, id: { not: fromPlaceId } },
      include: { channel: true },
      orderBy: { createdAt: 'asc' },
    });
    let queued = 0;
    for (const place of places) {
      const target = targetOf(place);
      if (!target) continue;
      // The same person's other place (their other account) gets it too: they see the whole conversation.
      const locale = await this.localeAt(target);
      await this.outbox.enqueue(this.store, { dedupeKey: `conv:${place.id}:relay:${messageId}`, target, locale, reply: relayReply(locale, author, message) });
      queued++;
    }
    if (queued === 0) this.logger.debug({ subjectType: subject.type }, 'no other places to relay to');
    return queued;
  }

  /** A person's place speaks their language; a channel (an update's copy) the alliance's default. */
  private async localeAt(target: OutboxTarget): Promise<Locale> {
    if (target.kind !== 'user') return this.defaultLocale;
    const identity = await this.store.platformIdentity.findUnique({
      where: { platform_externalId: { platform: toDbPlatform(target.platform), externalId: target.ref } },
      select: { member: { select: { locale: true } } },
    });
    return toLocale(identity?.member.locale) ?? this.defaultLocale;
  }
}

function targetOf(place: { relayToKind: string | null; relayToRef: string | null; platformRef: string | null; channel: { platform: 'SLACK' | 'DISCORD' | 'CONSOLE'; externalId: string } | null }): OutboxTarget | undefined {
  if (!place.channel) return undefined;
  const platform = fromDbPlatform(place.channel.platform);
  if (place.relayToKind === 'user' && place.relayToRef) return { platform, kind: 'user', ref: place.relayToRef };
  if (!place.platformRef) return undefined;
  return { platform, kind: 'thread', ref: `${place.channel.externalId}/${place.platformRef}` };
}

/** "Fatima (Discord): …", cut with a clear note when it is too long for a chat message. */
export function relayReply(locale: Locale, author: Pick<MemberView, 'displayName'>, message: Pick<IncomingThreadMessage, 'platform' | 'text'>): Reply {
  const t = translator(locale);
  const platform = t(`platforms.${message.platform}`);
  const long = message.text.length > RELAY_MAX_LENGTH;
  const text = long ? `${cutAt(message.text, RELAY_MAX_LENGTH)}…` : message.text;
  return {
    visibility: 'channel',
    text: t('relay.line', { author: author.displayName, platform, text }),
    ...(long ? { footer: t('relay.shortened', { shown: RELAY_MAX_LENGTH, length: message.text.length, platform }) } : {}),
  };
}

/** Cut without splitting a surrogate pair. */
function cutAt(text: string, max: number): string {
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
