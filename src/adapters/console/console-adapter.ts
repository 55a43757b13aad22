// The console: slash commands typed (or piped) one per line, exactly as in Slack, replies as
// readable text. One terminal plays several people: `@naam /commando …` is typed by console
// user `naam`, a line without prefix by `local`, the operator (an admin). Messages the outbox
// delivers print under a header naming their recipient. At the end of input it finishes what
// is queued and resolves `finished`.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Bot, Outcome, Requester } from '../../core/bot.ts';
import type { Place } from '../../core/framework/context.ts';
import type { Button, Reply } from '../../core/framework/reply.ts';
import { translator, type Locale } from '../../core/i18n.ts';
import { safeError, type Logger } from '../../core/logger.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import type { OutboxItem, OutboxTarget } from '../../core/outbox/outbox.ts';
import type { ChatAdapter } from '../adapter.ts';
import { ButtonMemory } from './button-memory.ts';
import { decodeConsoleRef, encodeConsoleRef } from './message-ref.ts';
import { deliveryHeader, renderForConsole } from './render.ts';
import { CONSOLE_USER, readTypedLine } from './typed-line.ts';

export { CONSOLE_USER };

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  /** The language of texts that belong to nobody in particular (welcome, a name refused). */
  locale: Locale;
  /** Runs after each line, e.g. the outbox worker, so notifications print in order. */
  afterLine?: () => Promise<unknown>;
  logger?: Logger;
}

export class ConsoleAdapter implements ChatAdapter {
  readonly platform = 'console' as const;
  /** Resolves once the input has ended and every line has been handled. */
  finished: Promise<void>;
  private resolveFinished!: () => void;
  private readonly buttons = new ButtonMemory();
  /** Settles when the line being handled has printed its answer; deliveries wait for it. */
  private answered: Promise<void> = Promise.resolve();
  /** Messages delivered so far: the number in each one's ref. */
  private delivered = 0;
  /** Where each delivered message went and the buttons it showed (for edits and deletes). */
  private readonly printed = new Map<number, { target: OutboxTarget; buttons: readonly Button[] }>();
  private readonly place: Place = { platform: 'console', channelRef: 'console', channelName: 'console' };

  constructor(
    private readonly bot: Bot,
    private readonly options: ConsoleOptions,
  ) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  async start(): Promise<void> {
    // The operator is at the terminal from the start: as an admin, `local` receives the
    // notifications for coordinators (link requests) even before typing anything.
    await this.bot.who({ platform: 'console', userId: CONSOLE_USER, displayName: CONSOLE_USER });
    const lines = createInterface({ input: this.options.input, terminal: false });
    const interactive = (this.options.input as { isTTY?: boolean }).isTTY === true;
    if (interactive) this.print(translator(this.options.locale)('console.welcome'));
    void (async () => {
      for await (const line of lines) await this.handleLine(line);
      this.resolveFinished();
    })();
  }

  /** The buttons this console user's `!1`, `!2` … press now. */
  pressableBy(userId: string): readonly Button[] {
    return this.buttons.pressableBy(userId.toLowerCase());
  }

  async stop(): Promise<void> {
    this.resolveFinished();
  }

  /**
   * Prints one outbox message under its header. A message that arrives while a line is being
   * handled waits until that line's answer is printed: the answer always comes first.
   * Resolves with its ref (`console:<target>:<n>`).
   */
  async deliver(item: OutboxItem): Promise<MessageRef> {
    await this.answered;
    if (item.action === 'edit' || item.action === 'delete') return this.change(item);
    // A terminal has no length limit: a long reply prints whole, in one block.
    const rendered = renderForConsole(item.reply, 1);
    if (item.target.kind === 'user') this.buttons.shownTo(item.target.ref, rendered.buttons);
    else this.buttons.shownToEveryone(rendered.buttons);
    this.print(`${deliveryHeader(item.target, translator(item.locale))}\n${rendered.text}`);
    const n = ++this.delivered;
    this.printed.set(n, { target: item.target, buttons: rendered.buttons });
    return encodeConsoleRef({ target: item.target.ref, n });
  }

  /**
   * A terminal cannot change what it printed: the new version prints under the same kind of
   * header, marked as edited (or a line says the message was removed). The old message's
   * buttons no longer press anything; the new version's take their place.
   */
  private change(item: OutboxItem): MessageRef {
    const t = translator(item.locale);
    const address = item.of ? decodeConsoleRef(item.of) : undefined;
    const earlier = address ? this.printed.get(address.n) : undefined;
    const target: OutboxTarget = item.target.ref ? item.target : (earlier?.target ?? { platform: 'console', kind: 'user', ref: address?.target ?? CONSOLE_USER });
    const header = deliveryHeader(target, t);
    if (item.action === 'delete') {
      this.buttons.replace(earlier?.buttons ?? [], []);
      this.print(`${header}\n${t('console.deleted')}`);
      return item.of!;
    }
    const rendered = renderForConsole(item.reply, 1);
    this.buttons.replace(earlier?.buttons ?? [], rendered.buttons);
    if (address) this.printed.set(address.n, { target, buttons: rendered.buttons });
    this.print(`${header}\n${t('console.edited')}\n${rendered.text}`);
    return item.of!;
  }

  async handleLine(line: string): Promise<void> {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('//')) return;
    let done!: () => void;
    this.answered = new Promise((resolve) => (done = resolve));
    try {
      await this.answer(trimmed);
    } catch (error) {
      // The database may be away for a moment; the terminal stays open for the next line.
      this.options.logger?.error({ err: safeError(error) }, 'console line failed');
      this.print(translator(this.options.locale)('errors.internal'));
    } finally {
      done();
    }
    try {
      await this.options.afterLine?.();
    } catch (error) {
      this.options.logger?.error({ err: safeError(error) }, 'console follow-up work failed');
    }
  }

  /** Handles one typed line and prints its answer (no header: it answers the typist). */
  private async answer(line: string): Promise<void> {
    const typed = readTypedLine(line);
    if (typed.kind === 'badName') {
      return this.print(translator(this.options.locale)('console.badName', { name: typed.name }));
    }
    const { userId } = typed;
    const requester: Requester = { platform: 'console', userId, displayName: userId };
    if (typed.kind === 'press') {
      const button = this.buttons.pressableBy(userId)[typed.number - 1];
      if (!button) {
        const { t } = await this.bot.who(requester);
        return this.print(t('console.noSuchButton', { number: typed.number }));
      }
      const outcome = await this.bot.handleAction({ requester, place: this.place, actionId: button.actionId, value: button.value });
      return this.showOutcome(userId, outcome);
    }
    if (typed.kind === 'command') {
      const outcome = await this.bot.handleText({ requester, place: this.place, command: typed.command, text: typed.text });
      return this.showOutcome(userId, outcome);
    }
    const { t } = await this.bot.who(requester);
    this.print(t('console.notACommand'));
  }

  private showOutcome(userId: string, outcome: Outcome): void {
    // The console never asks for forms (formsAvailable is off), and has no duplicate events.
    if (outcome.kind === 'reply' || outcome.kind === 'invalid') this.showTo(userId, outcome.reply);
  }

  /** Prints an answer; its buttons become the ones the typist's next !N presses. */
  private showTo(userId: string, reply: Reply): void {
    const rendered = renderForConsole(reply, 1);
    this.buttons.shownTo(userId, rendered.buttons);
    this.print(rendered.text);
  }

  private print(text: string): void {
    this.options.output.write(`${text}\n\n`);
  }
}
