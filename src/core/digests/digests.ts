// Scheduled digests per channel (`/digest`): the subscription, what a digest says, and sending
// each (subscription, period) exactly once. The run is recorded in the same transaction as its
// outbox message, under a unique key, before anything is sent: of two instances (or a restart
// in the middle), one records it and the outbox sends it, with retries; the other finds it
// taken. Every instance reads the subscriptions on every pass, so one made anywhere is
// scheduled everywhere within a minute.
import { DateTime } from 'luxon';
import type { Logger } from '../logger.ts';
import { WorkingCalendar } from '../calendar/working-time.ts';
import type { ChannelRef, ChannelRegistry } from '../channels.ts';
import { createFormatter } from '../format.ts';
import type { Reply, Section } from '../framework/reply.ts';
import { toLocale, translator, type Locale } from '../i18n.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { fromDbPlatform, toDbPlatform, type PlatformName } from '../platform.ts';
import type { MessageRef } from '../messages/message-ref.ts';
import { isUniqueViolation, type Store, type UnitOfWork } from '../store.ts';
import { digestPartNames, type DigestPartName } from './input.ts';
import type { DigestPart, DigestPartContext, DigestPartResult, DigestPeriodView } from './parts.ts';
import { frequencies, nextSlot, periodLengthMs, periodOf, previousPeriod, slotOf, type Frequency, type Period, type Schedule } from './schedule.ts';

export interface DigestSettings extends Schedule {
  locale: Locale;
  parts: DigestPartName[];
  skipEmpty: boolean;
}

export interface DigestSubscriptionView extends DigestSettings {
  id: string;
  channel: ChannelRef;
  pausedAt?: Date;
  /** Who subscribed it (told when it pauses). */
  createdById?: string;
  createdAt: Date;
  /** When the schedule was (re)set: slots before it are not sent. */
  scheduleFrom: Date;
}

export type SendNowResult = { kind: 'sent' | 'empty-skipped' } | { kind: 'already'; at: Date } | { kind: 'none' } | { kind: 'paused'; view: DigestSubscriptionView };

/** Counts of one pass, for the log. */
export interface DigestPassCounts {
  sent: number;
  late: number;
  skippedEmpty: number;
  missed: number;
  taken: number;
}

/** Outbox keys of digests start with this. */
export const DIGEST_KEY = 'digest:';

/** A digest this much after its time is marked late (the pass runs every minute). */
export const LATE_AFTER_MS = 5 * 60_000;

/**
 * What the parts said about one window in one language, kept for one pass: the channels of a
 * pass mostly share their window (subscribed at the same time, digested at the same pass), and
 * a part says the same about the same window to each of them, so 500 digests build each part
 * once per window and language instead of 500 times (bench figure `digests`).
 */
type PartCache = Map<string, Promise<DigestPartResult | undefined>>;

/** One scheduler pass: its moment, its counts, its part cache and what it read of earlier runs. */
interface Pass {
  now: Date;
  counts: DigestPassCounts;
  cache: PartCache;
  /** `${subscriptionId}|${period}` of the runs recorded before the pass, for the periods it looks at. */
  done: Set<string>;
  /** Per subscription, where its last digest ended (the next one starts there). */
  lastUntil: Map<string, Date>;
}

/** Runs of a digest that was due but not sent (too late) are recorded with this kind. */
const MISSED = 'missed';

type SubscriptionRow = Awaited<ReturnType<Store['digestSubscription']['findFirstOrThrow']>> & {
  channel: { platform: Parameters<typeof fromDbPlatform>[0]; externalId: string; name: string | null };
};

export class DigestManager {
  private readonly parts = new Map<DigestPartName, DigestPart>();
  /**
   * Per platform, the link to one of its messages (set by the adapters running here), so a
   * digest line points at the update where it was posted.
   */
  readonly links = new Map<PlatformName, (ref: MessageRef) => string | undefined>();
  readonly calendar = new WorkingCalendar();

  constructor(
    private readonly store: Store,
    private readonly unitOfWork: UnitOfWork,
    private readonly channels: ChannelRegistry,
    private readonly outbox: Outbox,
    private readonly timezone: string,
    private readonly logger: Logger,
  ) {}

  /** A part the digest can carry (`overleg` and `advies` are plugged in by their features). */
  registerPart(part: DigestPart): void {
    this.parts.set(part.name, part);
  }

  /** The parts a digest can carry here, in their order (the others are not built yet). */
  availableParts(): DigestPartName[] {
    return digestPartNames.filter((name) => this.parts.has(name));
  }

  /** Subscribes the channel, or changes its subscription; `previous` is what it was. */
  async subscribe(channel: ChannelRef, settings: DigestSettings, byMemberId: string, now = new Date()): Promise<{ view: DigestSubscriptionView; previous?: DigestSubscriptionView }> {
    const previous = await this.get(channel);
    const registered = await this.channels.register(channel, 'digest');
    const data = {
      frequency: settings.frequency,
      weekday: settings.weekday,
      hour: settings.hour,
      minute: settings.minute,
      locale: settings.locale,
      parts: settings.parts,
      skipEmpty: settings.skipEmpty,
      skipHolidays: settings.skipHolidays,
      createdById: byMemberId,
      // A new time counts from now: a slot later today goes today, an earlier one from tomorrow.
      scheduleFrom: now,
      pausedAt: null,
    };
    await this.store.digestSubscription.upsert({ where: { channelId: registered.id }, create: { channelId: registered.id, ...data }, update: data });
    return { view: (await this.get(channel))!, previous };
  }

  async get(channel: ChannelRef): Promise<DigestSubscriptionView | undefined> {
    const row = await this.store.digestSubscription.findFirst({
      where: { channel: { platform: toDbPlatform(channel.platform), externalId: channel.ref } },
      include: { channel: true },
    });
    return row ? this.view(row as SubscriptionRow) : undefined;
  }

  /** Ends the channel's subscription (its history goes with it); false when there was none. */
  async stop(channel: ChannelRef): Promise<boolean> {
    const { count } = await this.store.digestSubscription.deleteMany({ where: { channel: { platform: toDbPlatform(channel.platform), externalId: channel.ref } } });
    await this.channels.unregister(channel, 'digest');
    return count > 0;
  }

  /** When the next digest goes, for "volgende: …". */
  async nextAt(view: DigestSubscriptionView, now = new Date()): Promise<Date | undefined> {
    const taken = new Set((await this.store.digestRun.findMany({ where: { subscriptionId: view.id }, select: { period: true }, orderBy: { createdAt: 'desc' }, take: 3 })).map((run) => run.period));
    return nextSlot(view, new Date(Math.max(now.getTime(), view.scheduleFrom.getTime() - 1)), this.timezone, this.calendar, (key) => taken.has(key));
  }

  /** What the channel's next digest would say now (`/digest voorbeeld`): nothing is recorded. */
  async preview(view: DigestSubscriptionView, now = new Date()): Promise<Reply> {
    const window = await this.window(view, now);
    return (await this.compose(view, window, 'preview')) ?? this.emptyReply(view, window);
  }

  /**
   * `/digest nu`: this period's digest now; it then counts as sent for the period (the
   * scheduled one does not go). In the caller's unit of work.
   */
  async sendNow(channel: ChannelRef, now = new Date()): Promise<SendNowResult> {
    const view = await this.get(channel);
    if (!view) return { kind: 'none' };
    if (view.pausedAt) return { kind: 'paused', view };
    const period = periodOf(now, view.frequency, this.timezone);
    const earlier = await this.store.digestRun.findUnique({ where: { subscriptionId_period: { subscriptionId: view.id, period: period.key } } });
    if (earlier && earlier.kind !== MISSED) return { kind: 'already', at: earlier.createdAt };
    const sent = await this.record(view, period, 'now', now);
    return { kind: sent ? 'sent' : 'empty-skipped' };
  }

  /**
   * The scheduler's pass: every digest whose time has come and that no instance recorded yet
   * is recorded and queued, each in its own transaction. One less than a period late is sent
   * (marked late); older is recorded as missed and logged once.
   */
  async runDue(now = new Date()): Promise<DigestPassCounts> {
    const counts: DigestPassCounts = { sent: 0, late: 0, skippedEmpty: 0, missed: 0, taken: 0 };
    const rows = await this.store.digestSubscription.findMany({ where: { pausedAt: null }, include: { channel: true }, orderBy: { createdAt: 'asc' } });
    const live = rows.filter((row) => !row.channel.removedAt).map((row) => this.view(row as SubscriptionRow));
    const pass: Pass = { now, counts, cache: new Map(), ...(await this.runsOf(live, now)) };
    for (const view of live) {
      const current = periodOf(now, view.frequency, this.timezone);
      for (const period of [previousPeriod(current, view.frequency, this.timezone), current]) {
        await this.runPeriod(view, period, pass);
      }
    }
    return counts;
  }

  /**
   * The bot can no longer post in the channel (ChannelGoneError on a digest): the digest pauses
   * until someone subscribes again there, and whoever subscribed it is told, once. In the
   * caller's unit of work. Undefined when it was paused already (or is gone).
   */
  async pause(channel: ChannelRef, now = new Date()): Promise<DigestSubscriptionView | undefined> {
    const view = await this.get(channel);
    if (!view || view.pausedAt) return undefined;
    const { count } = await this.store.digestSubscription.updateMany({ where: { id: view.id, pausedAt: null }, data: { pausedAt: now } });
    if (count === 0) return undefined;
    if (view.createdById) {
      const named = view.channel.name;
      await this.outbox.notifyMembers(this.store, [view.createdById], `digest-paused:${view.id}:${now.getTime()}`, (t) => ({
        visibility: 'ephemeral',
        text: t('digest.pausedNotice', { channel: named ? `#${named}` : t('digest.thatChannel'), platform: t(`choices.${view.channel.platform}`) }),
      }));
    }
    return { ...view, pausedAt: now };
  }

  /**
   * What a pass needs to know of earlier runs, read for all subscriptions in two queries instead
   * of three per subscription (500 channels: 1,500 round trips fewer per minute). A run another
   * instance records meanwhile still stops a second send: the unique (subscription, period).
   */
  private async runsOf(views: DigestSubscriptionView[], now: Date): Promise<Pick<Pass, 'done' | 'lastUntil'>> {
    const ids = views.map((view) => view.id);
    const keys = new Set<string>();
    for (const frequency of frequencies) {
      const current = periodOf(now, frequency, this.timezone);
      keys.add(current.key).add(previousPeriod(current, frequency, this.timezone).key);
    }
    const recorded = await this.store.digestRun.findMany({ where: { subscriptionId: { in: ids }, period: { in: [...keys] } }, select: { subscriptionId: true, period: true } });
    const last = await this.store.digestRun.groupBy({ by: ['subscriptionId'], where: { subscriptionId: { in: ids }, kind: { not: MISSED } }, _max: { coveredUntil: true } });
    return {
      done: new Set(recorded.map((run) => `${run.subscriptionId}|${run.period}`)),
      lastUntil: new Map(last.flatMap((row) => (row._max.coveredUntil ? [[row.subscriptionId, row._max.coveredUntil] as const] : []))),
    };
  }

  private async runPeriod(view: DigestSubscriptionView, period: Period, pass: Pass): Promise<void> {
    const { now, counts, cache } = pass;
    const slot = slotOf(period, view, this.calendar);
    if (!slot || slot > now || slot.getTime() < view.scheduleFrom.getTime()) return;
    if (pass.done.has(`${view.id}|${period.key}`)) return;
    const lateBy = now.getTime() - slot.getTime();
    try {
      if (lateBy >= periodLengthMs(view.frequency)) {
        await this.store.digestRun.create({ data: { subscriptionId: view.id, period: period.key, coveredFrom: slot, coveredUntil: slot, kind: MISSED, skipped: true } });
        counts.missed++;
        this.logger.warn({ subscription: view.id, period: period.key, lateMinutes: Math.round(lateBy / 60_000) }, 'digest skipped: more than one period late');
        return;
      }
      const late = lateBy >= LATE_AFTER_MS;
      const sent = await this.unitOfWork.run(() => this.record(view, period, late ? 'late' : 'scheduled', now, slot, pass));
      // The next period of this pass (after a catch-up) starts where this one ended.
      pass.lastUntil.set(view.id, now);
      if (!sent) counts.skippedEmpty++;
      else if (late) counts.late++;
      else counts.sent++;
    } catch (error) {
      // Another instance recorded it first: it is theirs to send.
      if (!isUniqueViolation(error)) throw error;
      counts.taken++;
    }
  }

  /**
   * Records the period's run and queues its digest, in the current unit of work; false when
   * there was nothing new and the subscription skips empty digests (recorded all the same).
   */
  private async record(view: DigestSubscriptionView, period: Period, kind: 'scheduled' | 'late' | 'now', now: Date, slot?: Date, pass?: Pass): Promise<boolean> {
    const window = pass ? this.windowFrom(view, pass.lastUntil.get(view.id), now) : await this.window(view, now);
    // Only /digest nu can find a missed run of its period (a pass skips recorded periods).
    if (!pass) await this.store.digestRun.deleteMany({ where: { subscriptionId: view.id, period: period.key, kind: MISSED } });
    const reply = (await this.compose(view, window, kind, slot, pass?.cache)) ?? (view.skipEmpty ? undefined : this.emptyReply(view, window, kind === 'late' ? slot : undefined));
    await this.store.digestRun.create({ data: { subscriptionId: view.id, period: period.key, coveredFrom: window.from, coveredUntil: window.until, kind, skipped: !reply } });
    if (!reply) return false;
    await this.outbox.enqueue(this.store, {
      dedupeKey: `${DIGEST_KEY}${view.id}:${period.key}`,
      target: { platform: view.channel.platform, kind: 'channel', ref: view.channel.ref },
      locale: view.locale,
      reply,
    });
    return true;
  }

  /** Since the previous digest; a first digest covers the last day or week (also before subscribing). */
  private async window(view: DigestSubscriptionView, now: Date): Promise<DigestPeriodView> {
    const last = await this.store.digestRun.findFirst({ where: { subscriptionId: view.id, kind: { not: MISSED } }, orderBy: { coveredUntil: 'desc' }, select: { coveredUntil: true } });
    return this.windowFrom(view, last?.coveredUntil, now);
  }

  private windowFrom(view: DigestSubscriptionView, lastUntil: Date | undefined, now: Date): DigestPeriodView {
    const from = lastUntil && lastUntil < now ? lastUntil : new Date(now.getTime() - periodLengthMs(view.frequency));
    return { from, until: now, frequency: view.frequency, timezone: this.timezone, subscriptionId: view.id };
  }

  /** The digest as one reply (the platform splits it: on Slack the rest goes in its thread); undefined when nothing is new. */
  private async compose(view: DigestSubscriptionView, period: DigestPeriodView, kind: string, slot?: Date, cache: PartCache = new Map()): Promise<Reply | undefined> {
    const t = translator(view.locale);
    const format = createFormatter(view.locale, this.timezone);
    const summaries: string[] = [];
    const sections: Section[] = [];
    let news = false;
    for (const name of view.parts) {
      const result = await this.buildPart(name, { period, locale: view.locale, t, format }, cache);
      if (!result) continue;
      news ||= result.news;
      if (result.summary) summaries.push(result.summary);
      sections.push(...result.sections);
    }
    if (!news) return undefined;
    const lines = [t('digest.intro', { from: format.dateTime(period.from) }), ...summaries.map((line) => `- ${line}`)];
    if (kind === 'late' && slot) lines.push(`_${t('digest.lateNote', { when: format.dateTime(slot) })}_`);
    return { visibility: 'channel', title: this.title(view, period), text: lines.join('\n'), sections };
  }

  /** A part's result, from the pass's cache when another channel had the same window and language. */
  private buildPart(name: DigestPartName, ctx: DigestPartContext, cache: PartCache): Promise<DigestPartResult | undefined> {
    const part = this.parts.get(name);
    if (!part) return Promise.resolve(undefined);
    const key = [name, ctx.locale, ctx.period.frequency, ctx.period.from.toISOString(), ctx.period.until.toISOString()].join('|');
    let result = cache.get(key);
    if (!result) {
      result = part.build(ctx);
      cache.set(key, result);
      // A failure is not kept: the next channel tries again (its own transaction, its own error).
      result.catch(() => cache.delete(key));
    }
    return result;
  }

  /** "Niets nieuws" in one line (and, when it comes late, why). */
  private emptyReply(view: DigestSubscriptionView, period: DigestPeriodView, lateSlot?: Date): Reply {
    const t = translator(view.locale);
    const format = createFormatter(view.locale, this.timezone);
    const line = t('digest.nothingNew', { title: this.title(view, period), from: format.dateTime(period.from) });
    return { visibility: 'channel', text: lateSlot ? `${line}\n_${t('digest.lateNote', { when: format.dateTime(lateSlot) })}_` : line };
  }

  private title(view: DigestSubscriptionView, period: DigestPeriodView): string {
    const t = translator(view.locale);
    const date = DateTime.fromJSDate(period.until, { zone: this.timezone }).setLocale(view.locale).toFormat(t('digest.dateFormat'));
    return t(view.frequency === 'daily' ? 'digest.titleDaily' : 'digest.titleWeekly', { date });
  }

  private view(row: SubscriptionRow): DigestSubscriptionView {
    return {
      id: row.id,
      channel: { platform: fromDbPlatform(row.channel.platform), ref: row.channel.externalId, name: row.channel.name ?? undefined },
      frequency: (frequencies as readonly string[]).includes(row.frequency) ? (row.frequency as Frequency) : 'weekly',
      weekday: row.weekday,
      hour: row.hour,
      minute: row.minute,
      locale: toLocale(row.locale) ?? 'nl',
      parts: digestPartNames.filter((name) => row.parts.includes(name)),
      skipEmpty: row.skipEmpty,
      skipHolidays: row.skipHolidays,
      pausedAt: row.pausedAt ?? undefined,
      createdById: row.createdById ?? undefined,
      createdAt: row.createdAt,
      scheduleFrom: row.scheduleFrom,
    };
  }
}
