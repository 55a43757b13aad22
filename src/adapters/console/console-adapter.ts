// The console: slash commands typed (or piped) one per line, exactly as in Slack, replies as
// readable text. The operator's own terminal, so its user `local` is an admin. At the end of
// input it finishes what is queued and resolves `finished`.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Bot, Outcome } from '../../core/bot.ts';
import type { Place } from '../../core/framework/context.ts';
import type { Button, Reply } from '../../core/framework/reply.ts';
import { splitCommandLine } from '../../core/framework/text-parser.ts';
import { translator, type Locale } from '../../core/i18n.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import type { OutboxItem } from '../../core/outbox/outbox.ts';
import type { ChatAdapter } from '../adapter.ts';
import { encodeConsoleRef } from './message-ref.ts';
import { renderForConsole } from './render.ts';

export const CONSOLE_USER = 'local';

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  locale: Locale;
  /** Who types; `local` (an admin) unless a test plays several people. */
  userId?: string;
  /** Runs after each line, e.g. the outbox worker, so notifications print in order. */
  afterLine?: () => Promise<unknown>;
}

export class ConsoleAdapter implements ChatAdapter {
  readonly platform = 'console' as const;
  /** Resolves once the input has ended and every line has been handled. */
  finished: Promise<void>;
  private resolveFinished!: () => void;
  private buttons: Button[] = [];
  /** Messages delivered so far: the number in each one's ref. */
  private delivered = 0;
  private readonly place: Place = { platform: 'console', channelRef: 'console', channelName: 'console' };

  constructor(
    private readonly bot: Bot,
    private readonly options: ConsoleOptions,
  ) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  async start(): Promise<void> {
    const lines = createInterface({ input: this.options.input, terminal: false });
    const interactive = (this.options.input as { isTTY?: boolean }).isTTY === true;
    if (interactive) this.print(translator(this.options.locale)('console.welcome'));
    void (async () => {
      for await (const line of lines) await this.handleLine(line);
      this.resolveFinished();
    })();
  }

  /** The buttons `!1`, `!2` … press now: those of the last reply that had any. */
  get pressable(): readonly Button[] {
    return this.buttons;
  }

  async stop(): Promise<void> {
    this.resolveFinished();
  }

  async deliver(item: OutboxItem): Promise<MessageRef> {
    const header = translator(item.locale)('console.notification', { target: item.target.ref });
    this.show(item.reply, header);
    return encodeConsoleRef({ target: item.target.ref, n: ++this.delivered });
  }

  async handleLine(line: string): Promise<void> {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('//')) return;
    const userId = this.options.userId ?? CONSOLE_USER;
    const requester = { platform: 'console' as const, userId, displayName: userId };
    const press = /^!(\d+)$/.exec(trimmed);
    const typed = splitCommandLine(trimmed);
    if (press) {
      const button = this.buttons[Number(press[1]) - 1];
      if (!button) {
        const { t } = await this.bot.who(requester);
        return this.print(t('console.noSuchButton', { number: press[1] }));
      }
      this.showOutcome(await this.bot.handleAction({ requester, place: this.place, actionId: button.actionId, value: button.value }));
    } else if (typed) {
      this.showOutcome(await this.bot.handleText({ requester, place: this.place, command: typed.command, text: typed.text }));
    } else {
      const { t } = await this.bot.who(requester);
      this.print(t('console.notACommand'));
    }
    await this.options.afterLine?.();
  }

  private showOutcome(outcome: Outcome): void {
    if (outcome.kind === 'reply' || outcome.kind === 'invalid') this.show(outcome.reply);
    // The console never asks for forms (formsAvailable is off), and has no duplicate events.
  }

  /** Prints a reply; its buttons become the ones the next !N presses. */
  private show(reply: Reply, header?: string): void {
    const rendered = renderForConsole(reply, 1);
    if (rendered.buttons.length) this.buttons = rendered.buttons;
    this.print(header ? `${header}\n${rendered.text}` : rendered.text);
  }

  private print(text: string): void {
    this.options.output.write(`${text}\n\n`);
  }
}
