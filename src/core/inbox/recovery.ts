// Finishes what a process that died left in the inbox (see inbox.ts): runs what was received
// but not done, and gives the person the reply, through the platform's own way of answering
// late (Slack's response_url, Discord's interaction token) or, when that is gone, a DM through
// the outbox. Runs at start-up and then every half minute, so with several instances the others
// finish the work of one that died.
import type { Bot } from '../bot.ts';
import type { Reply } from '../framework/reply.ts';
import { translator, type Locale } from '../i18n.ts';
import { safeError, type Logger } from '../logger.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { PeriodicPass } from '../periodic.ts';
import type { PlatformName } from '../platform.ts';
import { INBOX_LEASE_MS, type Inbox, type UnfinishedEvent } from './inbox.ts';

/**
 * Answers a stored request the way the platform still allows (the route is the adapter's own,
 * stored with the request). False when it can't any more: the answer then goes by DM.
 */
export type AnswerLater = (route: unknown, reply: Reply, locale: Locale, receivedAt: Date) => Promise<boolean>;

export interface InboxRecoveryOptions {
  intervalMs?: number;
  /**
   * Take every unfinished event at the first pass, whatever its lease: right when no other
   * instance can be working on them (the embedded database, locked to one process).
   */
  takeOverAtStart?: boolean;
}

export class InboxRecovery {
  private readonly passes: PeriodicPass;
  private firstPass = true;
  private readonly startedAt = new Date();

  constructor(
    private readonly bot: Bot,
    private readonly inbox: Inbox,
    private readonly outbox: Outbox,
    private readonly answerers: Map<PlatformName, AnswerLater>,
    private readonly logger: Logger,
    private readonly options: InboxRecoveryOptions = {},
  ) {
    this.passes = new PeriodicPass(() => this.runOnce(), logger, 'inbox recovery');
  }

  start(): void {
    void this.kick();
    this.passes.start(this.options.intervalMs ?? 30_000);
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** One pass; never rejects (a database that is away is logged and tried at the next tick). */
  kick(): Promise<number> {
    return this.passes.kick();
  }

  private async runOnce(): Promise<number> {
    // First: what this process is still working on keeps its lease (a long queue in a burst).
    await this.inbox.renewHeld();
    const takeOver = this.firstPass && this.options.takeOverAtStart === true;
    this.firstPass = false;
    const filter = takeOver ? { leaseCutoff: new Date(Date.now() + INBOX_LEASE_MS), receivedBefore: this.startedAt } : {};
    let finished = 0;
    for (;;) {
      const events = await this.inbox.claimUnfinished([...this.answerers.keys()], 20, filter);
      for (const event of events) if (await this.finish(event)) finished++;
      if (events.length < 20) break;
    }
    const expired = await this.inbox.expire();
    if (finished || expired) this.logger.info({ finished, expired }, 'unfinished requests finished');
    return finished;
  }

  private async finish(event: UnfinishedEvent): Promise<boolean> {
    try {
      const reply = await this.bot.finishUnfinished(event);
      if (!reply) return false;
      const { locale } = await this.bot.who(event.request.requester);
      const answer = this.answerers.get(event.platform);
      const answered = answer ? await answer(event.request.route, reply, locale, event.receivedAt).catch(() => false) : false;
      if (!answered) await this.sendByDm(event, reply, locale);
      await this.inbox.answered(event.key);
      this.bot.afterWork();
      return true;
    } catch (error) {
      // Left as it is: its lease runs out and a later pass tries again.
      this.logger.error({ eventKey: event.key, err: safeError(error) }, 'unfinished request not finished');
      return false;
    }
  }

  /** The platform's own answer is gone: the person gets it privately, saying what it answers. */
  private async sendByDm(event: UnfinishedEvent, reply: Reply, locale: Locale): Promise<void> {
    const t = translator(locale);
    const { requester } = event.request;
    await this.outbox.send({
      dedupeKey: `inbox:${event.key}`,
      target: { platform: requester.platform, kind: 'user', ref: requester.userId },
      locale,
      reply: { ...reply, visibility: 'ephemeral', discussion: undefined, title: t('inbox.lateAnswer'), text: [reply.title ? `**${reply.title}**` : undefined, reply.text].filter(Boolean).join('\n') || undefined },
    });
  }
}
