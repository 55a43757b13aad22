// The console: slash commands typed (or piped) one per line, exactly as in Slack, replies as
// readable text. One terminal plays several people: `@naam /commando …` is typed by console
// user `naam`, a line without prefix by `local`, the operator (an admin). Messages the outbox
// delivers print under a header naming their recipient. At the end of input it finishes what
// is queued and resolves `finished`.
import { createInterface } from 'node:readline';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Bot, Outcome, Requester } from '../../core/bot.ts';
import type { Place } from '../../core/framework/context.ts';
import type { Button, Reply } from '../../core/framework/reply.ts';
import { filesWithinLimit, safeFileName } from '../../core/framework/files.ts';
import { parseCommandText } from '../../core/framework/text-parser.ts';
import { parseHandlerFormPart, type Form } from '../../core/framework/usage.ts';
import { translator, type Locale, type Translate } from '../../core/i18n.ts';
import { safeError, type Logger } from '../../core/logger.ts';
import { MAX_CHANNEL_MEMBERS } from '../../core/meetings/channel-members.ts';
import type { MessageRef } from '../../core/messages/message-ref.ts';
import type { OutboxItem, OutboxTarget } from '../../core/outbox/outbox.ts';
import type { ChatAdapter } from '../adapter.ts';
import { ButtonMemory } from './button-memory.ts';
import { decodeConsoleRef, encodeConsoleRef } from './message-ref.ts';
import { ConsoleFiles } from './files.ts';
import { deliveryHeader, renderForConsole, renderFormForConsole } from './render.ts';
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
  /** Where files are saved: DATA_DIR/bestanden (default ./data/bestanden). */
  filesDir?: string;
}

/** The pseudo-button `!N naam:waarde …` presses to submit a form shown on the console. */
const FORM_ACTION = '~form';

export class ConsoleAdapter implements ChatAdapter {
  readonly platform = 'console' as const;
  /** Resolves once the input has ended and every line has been handled. */
  finished: Promise<void>;
  private resolveFinished!: () => void;
  private readonly buttons = new ButtonMemory();
  /** Settles when the line being handled has printed its answer; deliveries wait for it. */
  private answered: Promise<void> = Promise.resolve();
  /** Conversation lines typed so far: part of each one's message ref. */
  private lines = 0;
  /** Messages delivered so far: the number in each one's ref. */
  private delivered = 0;
  /** Where each delivered message went and the buttons it showed (for edits and deletes). */
  private readonly printed = new Map<number, { target: OutboxTarget; buttons: readonly Button[] }>();
  private readonly place: Place = { platform: 'console', channelRef: 'console', channelName: 'console' };
  private readonly files: ConsoleFiles;
  /** Who typed a line in #console so far: the channel's people for `genodigden:kanaal`. */
  private readonly typists = new Set<string>();

  constructor(
    private readonly bot: Bot,
    private readonly options: ConsoleOptions,
  ) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.files = new ConsoleFiles(options.filesDir ?? path.join('data', 'bestanden'));
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

  /** The console has one channel; its people are those who typed a line in it. */
  async channelMembers(channelId: string): Promise<string[]> {
    return channelId === this.place.channelRef ? [...this.typists].slice(0, MAX_CHANNEL_MEMBERS) : [];
  }

  /**
   * Prints one outbox message under its header. A message that arrives while a line is being
   * handled waits until that line's answer is printed: the answer always comes first.
   * Resolves with its ref (`console:<target>:<n>`).
   */
  async deliver(item: OutboxItem): Promise<MessageRef> {
    await this.answered;
    if (item.action === 'edit' || item.action === 'delete') return this.change(item);
    const t = translator(item.locale);
    // A terminal has no length limit: a long reply prints whole, in one block.
    const reply = await this.withFiles(await this.bot.forPlatform(item.reply, 'console'), t);
    const rendered = renderForConsole(reply, 1);
    if (item.target.kind === 'user') this.buttons.shownTo(item.target.ref, rendered.buttons);
    else this.buttons.shownToEveryone(rendered.buttons);
    this.print(`${deliveryHeader(item.target, t)}\n${rendered.text}`);
    const n = ++this.delivered;
    this.printed.set(n, { target: item.target, buttons: rendered.buttons });
    return encodeConsoleRef({ target: item.target.ref, n });
  }

  /**
   * A terminal cannot change what it printed: the new version prints under the same kind of
   * header, marked as edited (or a line says the message was removed). The old message's
   * buttons no longer press anything; the new version's take their place.
   */
  private async change(item: OutboxItem): Promise<MessageRef> {
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
    const rendered = renderForConsole(await this.bot.forPlatform(item.reply, 'console'), 1);
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
    if (typed.kind !== 'conversation') this.typists.add(userId);
    const requester: Requester = { platform: 'console', userId, displayName: userId };
    if (typed.kind === 'press') {
      const button = this.buttons.pressableBy(userId)[typed.number - 1];
      if (!button) {
        const { t } = await this.bot.who(requester);
        return this.print(t('console.noSuchButton', { number: typed.number }));
      }
      if (button.actionId === FORM_ACTION) return this.submitForm(userId, requester, button.value ?? '', typed.text);
      // Words after the number belong to forms only; a button is pressed with !N alone.
      if (typed.text) return this.print((await this.bot.who(requester)).t('console.notACommand'));
      const outcome = await this.bot.handleAction({ requester, place: this.place, actionId: button.actionId, value: button.value });
      return this.showOutcome(userId, outcome);
    }
    if (typed.kind === 'command') {
      const outcome = await this.bot.handleText({ requester, place: this.place, command: typed.command, text: typed.text });
      return this.showOutcome(userId, outcome);
    }
    if (typed.kind === 'conversation') return this.conversationLine(requester, typed.code, typed.text);
    const { t } = await this.bot.who(requester);
    this.print(t('console.notACommand'));
  }

  /**
   * `>CODE tekst`: written in the typist's place of a private conversation (the lines addressed
   * to them), relayed to the others by the Bot like a message in a platform thread.
   */
  private async conversationLine(requester: Requester, code: string, text: string): Promise<void> {
    const { t } = await this.bot.who(requester);
    if (!text.trim()) return this.print(t('conversation.empty', { code }));
    this.lines += 1;
    const result = await this.bot.threadMessage({
      platform: 'console',
      channelRef: `@${requester.userId}`,
      threadRef: code,
      messageRef: `line-${Date.now()}-${this.lines}`,
      author: { platform: 'console', userId: requester.userId, displayName: requester.displayName },
      text,
      eventKey: `console:line:${Date.now()}-${this.lines}`,
    });
    this.print(t(result === 'stored' ? 'conversation.sent' : result === 'failed' ? 'errors.internal' : 'conversation.unknown', { code }));
  }

  private async showOutcome(userId: string, outcome: Outcome): Promise<void> {
    // Commands never ask for forms here (formsAvailable is off): only handlers do. There are
    // no duplicate events on the console.
    if (outcome.kind === 'form') return this.showForm(userId, outcome.form, outcome.t);
    if (outcome.kind === 'reply' || outcome.kind === 'invalid') await this.showTo(userId, outcome.reply, outcome.t);
  }

  /** Prints an answer; its buttons become the ones the typist's next !N presses. */
  private async showTo(userId: string, reply: Reply, t: Translate): Promise<void> {
    const rendered = renderForConsole(await this.withFiles(reply, t), 1);
    this.buttons.shownTo(userId, rendered.buttons);
    this.print(rendered.text);
    if (reply.visibility === 'channel' && reply.discussion) await this.postShown(reply.discussion, rendered.buttons);
  }

  /**
   * A channel answer about a subject (a posted update) is a message in #console like a
   * delivered one: it gets a ref, reported to the Bot, so the subject can change it later
   * (an edit prints the new version under `#console`). Nobody writes in a thread here.
   */
  private async postShown(discussion: NonNullable<Reply['discussion']>, buttons: readonly Button[]): Promise<void> {
    const n = ++this.delivered;
    const target: OutboxTarget = { platform: 'console', kind: 'channel', ref: this.place.channelRef! };
    this.printed.set(n, { target, buttons });
    const ref = encodeConsoleRef({ target: target.ref, n });
    await this.bot.discussionStarted({ platform: 'console', channelRef: target.ref, threadRef: ref }, discussion, ref);
  }

  /** A form: its fields as lines, and `[1]`, pressed with `!1 naam:waarde …`, submits it. */
  private showForm(userId: string, form: Form, t: Translate): void {
    const submit: Button = { actionId: FORM_ACTION, label: form.submitLabel, value: JSON.stringify({ c: form.command, s: form.subcommand }) };
    this.buttons.shownTo(userId, [submit]);
    this.print(renderFormForConsole(form, 1, t));
  }

  /**
   * `!N naam:waarde …` on a form: the values read as typed options are, then handled as the
   * form's submission. A bad one shows the errors and the form again, prefilled.
   */
  private async submitForm(userId: string, requester: Requester, formRef: string, text: string): Promise<void> {
    const { c: command = '', s: subcommand } = JSON.parse(formRef) as { c?: string; s?: string };
    const { locale, t } = await this.bot.who(requester);
    const part = parseHandlerFormPart(subcommand);
    const options = part && this.bot.findCommand(command)?.forms?.find((candidate) => candidate.name === part.name)?.options;
    if (!options) return this.print(t('errors.unknownAction'));
    const parsed = parseCommandText({ name: command, root: { options, access: 'everyone', run: async () => ({ visibility: 'ephemeral' }) } }, text);
    if (!parsed.ok) {
      // Not readable as naam:waarde words: nothing is submitted; the form says how it is filled in.
      const again = this.bot.formFor(command, subcommand, locale);
      return again ? this.showForm(userId, again, t) : this.print(t('errors.unknownAction'));
    }
    const outcome = await this.bot.handleCommand({ requester, place: this.place, command, subcommand, values: parsed.values });
    if (outcome.kind === 'invalid') {
      await this.showTo(userId, outcome.reply, t);
      const again = this.bot.formFor(command, subcommand, locale, parsed.values, outcome.errors);
      if (again) return this.showForm(userId, again, t);
    }
    return this.showOutcome(userId, outcome);
  }

  /**
   * Saves the reply's files under DATA_DIR/bestanden and names each full path in the text.
   * A file over the limit, or one that cannot be written, is left out with a line saying so.
   */
  private async withFiles(reply: Reply, t: Translate): Promise<Reply> {
    if (!reply.files?.length) return reply;
    const checked = filesWithinLimit(reply, t);
    if (checked.skipped.length) this.options.logger?.warn({ files: checked.skipped }, 'console files over the limit left out');
    const lines: string[] = [];
    for (const file of checked.reply.files ?? []) {
      try {
        lines.push(t('console.fileSaved', { path: await this.files.save(file) }));
      } catch (error) {
        this.options.logger?.error({ file: safeFileName(file.name), err: safeError(error) }, 'console file not saved');
        lines.push(t('files.notSaved', { name: safeFileName(file.name) }));
      }
    }
    return { ...checked.reply, files: undefined, text: [checked.reply.text, ...lines].filter(Boolean).join('\n') };
  }

  private print(text: string): void {
    this.options.output.write(`${text}\n\n`);
  }
}
