// The one entry point for every platform: a command, a button press or an autocomplete
// request comes in as a neutral request and goes out as a neutral outcome. Here, in one place:
// finding the command, access rules, validation, once-only handling and error replies.
import { translator, toLocale, type Locale, type Translate } from './i18n.ts';
import { createFormatter } from './format.ts';
import type { MemberView } from './members/members.ts';
import { safeError, type Logger } from './logger.ts';
import type { PlatformName } from './platform.ts';
import { domainServices, type DomainServices, type Services } from './services.ts';
import type { NewOutboxItem } from './outbox/outbox.ts';
import { hasAccess, type Precondition } from './framework/preconditions.ts';
import { suggestionSources } from './suggestions.ts';
import type { ThreadRef } from './threads/threads.ts';
import type { MessageRef } from './messages/message-ref.ts';
import type { CommandContext, Place } from './framework/context.ts';
import { describeKeys, findInvocable, type Access, type AutocompleteChoice, type CommandDeclaration } from './framework/declarations.ts';
import { errorReply, type Discussion, type FormRequest, type Reply } from './framework/reply.ts';
import { AlreadyDoneError, type StoredRequest, type UnfinishedEvent } from './inbox/inbox.ts';
import type { FormDraft } from './form-drafts.ts';
import { DeadlineError, Limiter, withDeadline } from './limiter.ts';
import { parseCommandText, type ParsedText } from './framework/text-parser.ts';
import { buildForm, buildHandlerForm, isFormState, parseHandlerFormPart, usageFooter, type Form } from './framework/usage.ts';
import { validateInput, type FieldErrors } from './framework/validate.ts';
import type { OptionDeclaration } from './framework/options.ts';
import { CONTROL_CHARACTERS } from './framework/characters.ts';
import type { IncomingThreadMessage, StoredMessage } from './conversations/conversations.ts';
import { isUniqueViolation } from './store.ts';

export interface Requester {
  platform: PlatformName;
  userId: string;
  displayName?: string;
  /** What the platform says the person's language is (Discord sends it, Slack does not). */
  locale?: string;
}

interface BaseRequest {
  requester: Requester;
  place: Place;
  /**
   * The platform's event or interaction id; the same key twice is handled once. Requests with a
   * key are stored in the inbox before they are acknowledged and finished after a crash.
   */
  eventKey?: string;
  /** How the adapter can answer later, after a crash (kept encrypted with the request). */
  route?: unknown;
  /**
   * Acknowledges the event to the platform (Slack's ack). Called once the request is stored,
   * or when storing it failed, always within the answer deadline.
   */
  acknowledge?: () => Promise<void>;
  /** The platform already had its "got it" (default false; Slack acknowledges right away). */
  acknowledgedOnReceipt?: boolean;
}

export interface CommandRequest extends BaseRequest {
  command: string;
  subcommand?: string;
  values: Record<string, unknown>;
  /** The platform can show a form when required input is missing (Slack and Discord modals). */
  formsAvailable?: boolean;
}

export interface TextCommandRequest extends BaseRequest {
  command: string;
  text: string;
  formsAvailable?: boolean;
}

export interface ActionRequest extends BaseRequest {
  actionId: string;
  value?: string;
}

export interface AutocompleteRequest {
  requester: Requester;
  command: string;
  subcommand?: string;
  option: string;
  partial: string;
}

/** What the Bot decided, before it is addressed to a person. */
type Decision =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'form'; form: Form }
  | { kind: 'invalid'; reply: Reply; errors: FieldErrors }
  | { kind: 'duplicate' };

/**
 * What the adapter shows. Carries the language to render it in, so an adapter never has to
 * look the person up again (that lookup may be what failed).
 */
export type Outcome = (Exclude<Decision, { kind: 'duplicate' }> & { locale: Locale; t: Translate }) | { kind: 'duplicate' };

const MAX_SUGGESTIONS = 25;
/** Typed text is refused above this many code units (or ten times the longest option). */
const MIN_TEXT_LIMIT = 20_000;
/** Slack's limit for a button value; Discord's custom ids are shorter still. */
const MAX_BUTTON_VALUE = 2000;
/** Presses of the same button by the same person within this time are one press. */
const DOUBLE_CLICK_MS = 3000;
/** Channels (with their names) remembered as recorded, so a command there writes nothing. */
const MAX_KNOWN_CHANNELS = 10_000;

export interface BotOptions {
  /** Handlers at work at once (default 4); keep it below the database's connection pool. */
  concurrency?: number;
  /**
   * Storing the request and finding out who asks must be done by then (default 2 s), or the
   * person is told to try again: platforms want an answer within 3 seconds, also when the
   * database does not answer.
   */
  prepareDeadlineMs?: number;
  /**
   * When storing a request takes longer than the deadline only because the database is busy,
   * acknowledge and wait this much longer before giving up (default 0: give up at once). For
   * the embedded database, which is never away while the process runs, only ever busy.
   */
  receiveGraceMs?: number;
}

/** Who asks, and the language to answer in. */
interface Who {
  actor: MemberView;
  locale: Locale;
  t: Translate;
}

export class Bot {
  /** Called after work that may have queued outbox messages, so they go out promptly. */
  afterWork: () => void = () => {};
  private readonly limiter: Limiter;
  private readonly prepareDeadlineMs: number;
  private readonly receiveGraceMs: number;
  private readonly acknowledgedRequests = new WeakSet<BaseRequest>();
  /** Decisions that ran a handler (done or failed): their inbox row is the record of it. */
  private readonly handled = new WeakSet<Decision>();
  /** What handlers and preconditions see of the services: the domain managers only. */
  private readonly domain: DomainServices;
  /** Channels recorded by this process (name included), so a command there writes once. */
  private readonly knownChannels = new Set<string>();

  constructor(
    readonly commands: readonly CommandDeclaration[],
    // Private: adapters reach the core only through the Bot's methods.
    private readonly services: Services,
    private readonly logger: Logger,
    options: BotOptions = {},
  ) {
    this.domain = domainServices(services);
    this.limiter = new Limiter(options.concurrency ?? 4);
    this.prepareDeadlineMs = options.prepareDeadlineMs ?? 2000;
    this.receiveGraceMs = options.receiveGraceMs ?? 0;
  }

  findCommand(name: string): CommandDeclaration | undefined {
    return this.commands.find((command) => command.name === name.toLowerCase());
  }

  /**
   * A command typed as text (Slack, console): parsed by the declaration, then handled. The
   * length is checked first: nothing of an overlong text is parsed or stored (not even in the
   * inbox: the refusal is all there is to do).
   */
  handleText(request: TextCommandRequest): Promise<Outcome> {
    const text = typeof request.text === 'string' ? request.text : '';
    if (text.length > this.maxTextLength) {
      const refusal = (who: Who) => Promise.resolve(invalid(errorReply(who.t('errors.textTooLong', { max: this.maxTextLength })), {}));
      return this.receiveAndRun({ ...request, eventKey: undefined }, { kind: 'text', ...storedBase(request) }, refusal);
    }
    const stored: StoredRequest = { kind: 'text', ...storedBase(request), command: request.command, text };
    return this.receiveAndRun(request, stored, (who) => this.textOutcome({ ...request, text }, who));
  }

  /**
   * The longest typed text read at all, in UTF-16 code units (cheap to check before anything
   * else): ten times the longest option, at least 20,000, so no real input comes near it.
   */
  get maxTextLength(): number {
    // Worked out once: it was walking every option of every command before each ack.
    this.#maxTextLength ??= Math.max(
      MIN_TEXT_LIMIT,
      10 * Math.max(0, ...this.commands.flatMap((command) => [command.root, ...(command.subcommands ?? [])].flatMap((part) => Object.values<OptionDeclaration>(part?.options ?? {}).map((option) => option.maxLength ?? 0)))),
    );
    return this.#maxTextLength;
  }
  #maxTextLength?: number;

  handleCommand(request: CommandRequest): Promise<Outcome> {
    const stored: StoredRequest = { kind: 'command', ...storedBase(request), command: request.command, subcommand: request.subcommand, values: request.values };
    return this.receiveAndRun(request, stored, (who) => this.commandOutcome(request, who));
  }

  handleAction(request: ActionRequest): Promise<Outcome> {
    const stored: StoredRequest = { kind: 'action', ...storedBase(request), actionId: request.actionId, value: request.value };
    return this.receiveAndRun(request, stored, (who) => this.actionOutcome(request, who));
  }

  /**
   * The adapter has shown the outcome of a request with an event key: the inbox forgets its
   * text. Never throws (the answer is out already; recovery would at worst send it again).
   */
  async answered(eventKey: string | undefined): Promise<void> {
    if (!eventKey) return;
    await this.services.inbox.answered(eventKey).catch((error: unknown) => this.logger.warn({ eventKey, err: safeError(error) }, 'inbox answer not recorded'));
  }

  /** The platform has been told "got it" (a Discord deferral): a crash now must not lose it. */
  async acknowledged(eventKey: string | undefined): Promise<void> {
    if (!eventKey) return;
    await this.services.inbox.acknowledged(eventKey).catch((error: unknown) => this.logger.warn({ eventKey, err: safeError(error) }, 'inbox acknowledgement not recorded'));
  }

  /**
   * Finishes an event a process that died left behind (InboxRecovery): runs it if it was not
   * done yet, and returns the reply to give. Undefined when it must not be finished: the person
   * was never told "got it", so they saw an error and will have tried again themselves.
   */
  async finishUnfinished(event: UnfinishedEvent): Promise<Reply | undefined> {
    if (event.status === 'done') return event.reply;
    if (!event.acknowledged) {
      await this.services.inbox.fail(event.key);
      return undefined;
    }
    const stored = event.request;
    const base = { requester: stored.requester, place: stored.place, eventKey: event.key, route: stored.route };
    const outcome = await this.holding(event.key, () => this.limiter.run(async () => {
      const who = await this.who(stored.requester);
      if (stored.kind === 'text') return this.textOutcome({ ...base, command: stored.command ?? '', text: stored.text ?? '' }, who);
      if (stored.kind === 'command') return this.commandOutcome({ ...base, command: stored.command ?? '', subcommand: stored.subcommand, values: stored.values ?? {} }, who);
      return this.actionOutcome({ ...base, actionId: stored.actionId ?? '', value: stored.value }, who);
    }));
    return outcome.kind === 'reply' || outcome.kind === 'invalid' ? outcome.reply : undefined;
  }

  /**
   * Stores the request (once per event key), acknowledges it, then works it out within the
   * concurrency limit. Whatever goes wrong, the person gets an answer: a database that does not
   * answer in time gives "try again in a moment", never silence or a crash.
   */
  private async receiveAndRun(request: BaseRequest, stored: StoredRequest, decide: (who: Who) => Promise<Decision>): Promise<Outcome> {
    // Held from before the row is stored: a recovery pass that runs between the insert and the
    // queue for a handler slot renews its lease instead of taking it as left behind.
    return this.holding(request.eventKey, async () => {
      const receipt = await this.receive(request, stored);
      await this.acknowledge(request);
      if (receipt === 'duplicate') return { kind: 'duplicate' };
      if (receipt === 'unavailable') return this.unavailable(request.requester);
      return this.runReceived(request, decide);
    });
  }

  /** While `work` runs (queued or at work) the event's lease is renewed: see Inbox.hold. */
  private async holding<T>(eventKey: string | undefined, work: () => Promise<T>): Promise<T> {
    if (!eventKey) return work();
    this.services.inbox.hold(eventKey);
    try {
      return await work();
    } finally {
      this.services.inbox.release(eventKey);
    }
  }

  private runReceived(request: BaseRequest, decide: (who: Who) => Promise<Decision>): Promise<Outcome> {
    return this.limiter.run(async () => {
      let who: Who;
      try {
        // Acknowledged already: a busy (not away) database may take the grace as well.
        who = await withDeadline(this.who(request.requester), this.prepareDeadlineMs + this.receiveGraceMs);
      } catch (error) {
        this.logger.error({ eventKey: request.eventKey, err: safeError(error) }, 'requester not looked up; asked to try again');
        this.abandon(request.eventKey);
        return this.unavailable(request.requester);
      }
      try {
        const decision = await decide(who);
        // Refused, denied or incomplete input did nothing: it leaves no trace in the inbox (so a
        // corrected form with the same key is handled, and a refusal stores nothing at all).
        if (!this.handled.has(decision) && decision.kind !== 'duplicate' && request.eventKey) await this.services.inbox.forget(request.eventKey);
        return addressed(await this.withMentions(decision, request.requester.platform), who);
      } catch (error) {
        // Anything outside a handler (validation, access) that failed: an apology, nothing stored.
        this.logger.error({ eventKey: request.eventKey, err: safeError(error) }, 'request failed');
        this.abandon(request.eventKey);
        return addressed({ kind: 'reply', reply: errorReply(who.t(isUnavailable(error) ? 'errors.unavailable' : 'errors.internal')) }, who);
      }
    });
  }

  private async receive(request: BaseRequest, stored: StoredRequest): Promise<'new' | 'duplicate' | 'unavailable'> {
    if (!request.eventKey) return 'new';
    const receiving = this.services.inbox.receive(request.eventKey, stored, { acknowledged: request.acknowledgedOnReceipt ?? false });
    try {
      return await withDeadline(receiving, this.prepareDeadlineMs);
    } catch (error) {
      if (this.receiveGraceMs > 0 && error instanceof DeadlineError) {
        // Only busy, not away (the embedded database cannot be away on its own): the platform
        // gets its "got it" now, and the request goes on once it is stored.
        await this.acknowledge(request);
        try {
          return await withDeadline(receiving, this.receiveGraceMs);
        } catch (late) {
          error = late;
        }
      }
      this.logger.error({ eventKey: request.eventKey, err: safeError(error) }, 'request not stored; asked to try again');
      // Stored after all, later: the person was told to try again, so it must not also run.
      void receiving.then((receipt) => receipt === 'new' && this.abandon(request.eventKey)).catch(() => {});
      return 'unavailable';
    }
  }

  private async acknowledge(request: BaseRequest): Promise<void> {
    if (this.acknowledgedRequests.has(request)) return;
    this.acknowledgedRequests.add(request);
    try {
      await request.acknowledge?.();
    } catch (error) {
      this.logger.warn({ eventKey: request.eventKey, err: safeError(error) }, 'acknowledgement failed');
    }
  }

  /** Marks a request the person was told to try again as failed, whenever the database lets us. */
  private abandon(eventKey: string | undefined): void {
    if (!eventKey) return;
    void this.services.inbox.fail(eventKey).catch((error: unknown) => this.logger.warn({ eventKey, err: safeError(error) }, 'inbox failure not recorded'));
  }

  /** "Try again in a moment", in the language the platform gave (the database may be away). */
  private unavailable(requester: Requester): Outcome {
    const locale = toLocale(requester.locale) ?? this.services.settings.defaultLocale;
    const t = translator(locale);
    return { kind: 'reply', reply: errorReply(t('errors.unavailable')), locale, t };
  }

  private async textOutcome(request: TextCommandRequest, who: Who): Promise<Decision> {
    const command = this.findCommand(request.command);
    if (!command) return this.unknownCommand(request, who.t);
    const parsed = parseCommandText(command, request.text);
    if (!parsed.ok) {
      const { t } = who;
      const found = 'subcommand' in parsed ? findInvocable(command, parsed.subcommand) : undefined;
      const footer = usageFooter(t, command, found?.name, found?.invocable);
      return invalid(errorReply(describeParseProblem(parsed, command, t), footer), {});
    }
    return this.commandOutcome({ ...request, subcommand: parsed.subcommand, values: parsed.values }, who);
  }

  private async commandOutcome(request: CommandRequest, who: Who): Promise<Decision> {
    const command = this.findCommand(request.command);
    if (!command) return this.unknownCommand(request, who.t);
    const { actor, locale, t } = who;
    const handlerForm = parseHandlerFormPart(request.subcommand);
    if (handlerForm) return this.formOutcome(command, handlerForm, request, who);
    const found = findInvocable(command, request.subcommand);
    if (!found) {
      // `/update` alone names no part: show how it is used, not "'' is no part of /update".
      // (A payload may carry anything here; only a non-empty string names a part.)
      const text =
        typeof request.subcommand === 'string' && request.subcommand !== ''
          ? t('errors.unknownSubcommand', { word: request.subcommand, command: command.name })
          : t('errors.chooseSubcommand', { command: command.name });
      return invalid(errorReply(text, usageFooter(t, command)), {});
    }
    const { name: sub, invocable } = found;
    // The access level before validation (a stranger learns nothing about the input), the
    // command's own conditions after it (they may look at the input).
    const denied = await this.refusal(hasAccess(invocable.access), actor, request.place, t, {});
    if (denied) return { kind: 'reply', reply: denied };

    const env = { timezone: this.services.settings.timezone, now: new Date(), locale, platform: request.requester.platform };
    const checked = validateInput(invocable, request.values, env, t);
    if (!checked.ok) {
      if (checked.missingOnly && request.formsAvailable) {
        return { kind: 'form', form: buildForm(command, sub, invocable, t, request.values) };
      }
      const text = Object.values(checked.errors).join('\n');
      return invalid(errorReply(text, usageFooter(t, command, sub, invocable)), checked.errors);
    }
    const refused = invocable.preconditions && (await this.refusal(invocable.preconditions, actor, request.place, t, checked.input as Record<string, unknown>));
    if (refused) return { kind: 'reply', reply: refused };
    await this.recordChannel(request.place);
    const ctx = this.context(actor, locale, t, request);
    return this.execute(request.eventKey, t, `/${command.name}${sub ? ` ${sub}` : ''}`, () => invocable.run(ctx, checked.input as never));
  }

  /**
   * A submitted form of a handler (Reply.form): checked like a command's options; a bad
   * submission is answered with the errors per field (adapters show the form again with them).
   */
  private async formOutcome(command: CommandDeclaration, part: { name: string; state?: string }, request: CommandRequest, who: Who): Promise<Decision> {
    const { actor, locale, t } = who;
    const declaration = command.forms?.find((candidate) => candidate.name === part.name);
    if (!declaration) return { kind: 'reply', reply: errorReply(t('errors.unknownAction')) };
    const denied = await this.refusal(hasAccess(declaration.access), actor, request.place, t, {});
    if (denied) return { kind: 'reply', reply: denied };
    const env = { timezone: this.services.settings.timezone, now: new Date(), locale, platform: request.requester.platform };
    const checked = validateInput({ options: declaration.options, access: declaration.access, run: async () => ({ visibility: 'ephemeral' }) }, request.values, env, t);
    if (!checked.ok) return invalid(errorReply(Object.values(checked.errors).join('\n')), checked.errors);
    const ctx = this.context(actor, locale, t, request);
    return this.execute(request.eventKey, t, `${command.name}.${part.name}`, () => declaration.run(ctx, checked.input as never, part.state));
  }

  private async actionOutcome(request: ActionRequest, who: Who): Promise<Decision> {
    const [commandName, buttonName] = (typeof request.actionId === 'string' ? request.actionId : '').split('.', 2);
    const button = this.findCommand(commandName ?? '')?.buttons?.find((candidate) => candidate.name === buttonName);
    const { actor, locale, t } = who;
    // A value no button of ours carries (a forged payload): refused before it reaches the database.
    if (!button || !isButtonValue(request.value)) return { kind: 'reply', reply: errorReply(t('errors.unknownAction')) };
    const denied =
      (await this.refusal(hasAccess(button.access), actor, request.place, t, {}, request.value)) ??
      (button.preconditions && (await this.refusal(button.preconditions, actor, request.place, t, {}, request.value)));
    if (denied) return { kind: 'reply', reply: denied };
    const press = `press:${actor.id}:${request.actionId}:${request.value ?? ''}`;
    if (!(await this.services.events.claimWithin(press, DOUBLE_CLICK_MS))) return { kind: 'duplicate' };
    const ctx = this.context(actor, locale, t, request);
    return this.execute(request.eventKey, t, request.actionId, () => button.run(ctx, request.value));
  }

  /** Suggestions for an option: from its data source, or its declared choices. */
  async autocomplete(request: AutocompleteRequest): Promise<AutocompleteChoice[]> {
    const command = this.findCommand(request.command);
    const option = command && findInvocable(command, request.subcommand)?.invocable.options[request.option];
    if (!option) return [];
    const source = option.autocomplete ? suggestionSources[option.autocomplete] : undefined;
    if (source) return (await source(this.domain, request.partial)).slice(0, MAX_SUGGESTIONS);
    const { t } = await withDeadline(this.who(request.requester), this.prepareDeadlineMs);
    const partial = request.partial.toLowerCase();
    return (option.choices ?? [])
      .map((value) => ({ value, label: t(describeKeys.choice(value)) }))
      .filter((choice) => choice.value.includes(partial) || choice.label.toLowerCase().includes(partial))
      .slice(0, MAX_SUGGESTIONS);
  }

  /** The form for a command, e.g. to open a modal from a button or show errors again. */
  formFor(commandName: string, sub: string | undefined, locale: Locale, values?: Record<string, unknown>, errors?: FieldErrors): Form | undefined {
    const command = this.findCommand(commandName);
    const handlerForm = command && parseHandlerFormPart(sub);
    if (command && handlerForm) {
      const declaration = command.forms?.find((candidate) => candidate.name === handlerForm.name);
      return declaration ? buildHandlerForm(command, declaration, handlerForm.state, translator(locale), values, errors) : undefined;
    }
    const found = command && findInvocable(command, sub);
    return found ? buildForm(command, found.name, found.invocable, translator(locale), values, errors) : undefined;
  }

  /**
   * Keeps what someone typed into a form until the platform shows the form again (a Discord
   * button that reopens it, values its modal cannot carry); the token goes in the platform's id.
   */
  keepFormDraft(draft: FormDraft): Promise<string> {
    return this.services.formDrafts.put(draft);
  }

  /** The kept draft, or undefined (unknown, expired, or the database is away: an empty form). */
  async formDraft(token: string | undefined): Promise<FormDraft | undefined> {
    try {
      return await this.services.formDrafts.get(token);
    } catch (error) {
      this.logger.warn({ err: safeError(error) }, 'form draft not read; the form opens empty');
      return undefined;
    }
  }

  /**
   * An adapter posted a reply that asked for a discussion (Reply.discussion), and this is where
   * the visible message landed: from now on, what people write in its thread is kept for the
   * subject. `post` is that message's own ref (the adapter's encoding), so the subject can
   * edit it later (an update edited or withdrawn). Never throws (the message is out already);
   * undefined when it could not be recorded.
   */
  async discussionStarted(where: ThreadRef, discussion: Discussion, post?: MessageRef): Promise<string | undefined> {
    try {
      return await this.services.threads.open(where, { type: discussion.subjectType, id: discussion.subjectId }, post);
    } catch (error) {
      this.logger.error({ platform: where.platform, channel: where.channelRef, subjectType: discussion.subjectType, err: safeError(error) }, 'discussion not registered');
      return undefined;
    }
  }

  /**
   * An adapter made the shared place of a private conversation (Reply.discussion of a `group`
   * outbox message): a Slack group DM with the opening message's ts, a Discord private thread
   * under its parent. Recorded before anyone can write there; what was said elsewhere before
   * is relayed into it. Throws when it could not be recorded: the adapter must not go on (it
   * retries), or messages written there would be lost.
   */
  async groupPlaceOpened(where: ThreadRef, discussion: Discussion): Promise<void> {
    const subject = { type: discussion.subjectType, id: discussion.subjectId };
    await this.services.unitOfWork.run(() => this.services.conversations.recordGroupPlace(where, subject));
    this.afterWork();
  }

  /** The shared place already made for this conversation on this platform (a retry reuses it). */
  groupPlace(platform: PlatformName, discussion: Discussion): Promise<ThreadRef | undefined> {
    return this.services.conversations.groupPlace(platform, { type: discussion.subjectType, id: discussion.subjectId });
  }

  /**
   * A message a person wrote in a thread or conversation place (adapters call this for every
   * message that is not the bot's own): stored when the place is one of the bot's, relayed to
   * the conversation's other places, and handed to the subject's command. Storing, relays and
   * that handler are one transaction. The same platform message twice is stored once
   * ('duplicate'); messages elsewhere are 'ignored'. Never throws: 'failed' is logged.
   */
  async threadMessage(message: IncomingThreadMessage): Promise<'stored' | 'duplicate' | 'ignored' | 'failed'> {
    try {
      const kind = await this.limiter.run(() =>
        this.services.unitOfWork.run(async () => {
          const received = await this.services.conversations.receive(message);
          if (received.kind === 'stored') await this.conversationHandler(received.message, message);
          return received.kind;
        }),
      );
      if (kind === 'stored') this.afterWork();
      return kind;
    } catch (error) {
      // Two deliveries of one message at the same moment: the second one lost the race.
      if (isUniqueViolation(error)) return 'duplicate';
      this.logger.error({ platform: message.platform, channel: message.channelRef, eventKey: message.eventKey, err: safeError(error) }, 'thread message not handled');
      return 'failed';
    }
  }

  /** The subject's command hears of the message (CommandDeclaration.onConversationMessage). */
  private async conversationHandler(stored: StoredMessage, message: IncomingThreadMessage): Promise<void> {
    if (!stored.subject) return;
    const handler = this.findCommand(stored.subject.type)?.onConversationMessage;
    if (!handler) return;
    const locale = stored.author.locale ?? this.services.settings.defaultLocale;
    const request = { requester: message.author, place: { platform: message.platform, channelRef: message.channelRef, threadRef: message.threadRef }, eventKey: message.eventKey };
    const ctx = this.context(stored.author, locale, translator(locale), request);
    await handler(ctx, stored.subject, { id: stored.id, text: stored.text, platform: stored.platform });
  }

  /** The member behind a request and the language to answer in. */
  async who(requester: Requester): Promise<Who> {
    const actor = await this.services.members.resolve(requester.platform, requester.userId, requester.displayName);
    const locale = actor.locale ?? toLocale(requester.locale) ?? this.services.settings.defaultLocale;
    return { actor, locale, t: this.forLocale(locale).t };
  }

  /** One translator and date formatter per language for the process, not two new ones per request. */
  private readonly perLocale = new Map<Locale, { t: Translate; format: ReturnType<typeof createFormatter> }>();
  private forLocale(locale: Locale): { t: Translate; format: ReturnType<typeof createFormatter> } {
    let made = this.perLocale.get(locale);
    if (!made) this.perLocale.set(locale, (made = { t: translator(locale), format: createFormatter(locale, this.services.settings.timezone) }));
    return made;
  }

  private unknownCommand(request: BaseRequest & { command: string }, t: Translate): Decision {
    const known = this.commands.map((command) => `/${command.name}`).join(', ');
    return invalid(errorReply(t('errors.unknownCommand', { command: request.command, known })), {});
  }

  /** The localised refusal of a precondition that does not hold; undefined when it holds. */
  private async refusal(check: Precondition, actor: MemberView, place: Place, t: Translate, input: Record<string, unknown>, value?: string): Promise<Reply | undefined> {
    const refused = await check.check({ actor, place, services: this.domain, input, value, t });
    return refused ? errorReply(t(refused.key, refused.params)) : undefined;
  }

  /**
   * A command typed in a channel makes the channel known (ChannelRegistry), once per process
   * and name. Never fails the command: the registry is a convenience for later features.
   */
  private async recordChannel(place: Place): Promise<void> {
    if (!place.channelRef) return;
    const key = `${place.platform}:${place.channelRef}:${place.channelName ?? ''}`;
    if (this.knownChannels.has(key)) return;
    try {
      await this.services.channels.seen({ platform: place.platform, ref: place.channelRef, name: place.channelName });
      // Bounded: a process that saw this many channels starts over (one write each, again).
      if (this.knownChannels.size >= MAX_KNOWN_CHANNELS) this.knownChannels.clear();
      this.knownChannels.add(key);
    } catch (error) {
      this.logger.warn({ platform: place.platform, err: safeError(error) }, 'channel not recorded');
    }
  }

  /** The language for people the bot knows nothing about yet. */
  get defaultLocale(): Locale {
    return this.services.settings.defaultLocale;
  }

  /**
   * Queues a message the platform's own answer could no longer carry (an answer that came too
   * late), sent through the outbox with retries; once per dedupe key.
   */
  async sendLater(item: NewOutboxItem): Promise<void> {
    await this.services.outbox.send(item);
    this.afterWork();
  }

  private context(actor: MemberView, locale: Locale, t: Translate, request: BaseRequest): CommandContext {
    return {
      actor,
      place: request.place,
      locale,
      t,
      format: this.forLocale(locale).format,
      services: this.domain,
      commands: this.commands,
      eventKey: request.eventKey,
      now: new Date(),
    };
  }

  /**
   * Runs a handler as one unit of work together with the inbox mark that it is done, so a
   * crash leaves both or neither: the event is then finished once, never twice. A failure rolls
   * everything back and answers with a short apology instead of a stack trace.
   */
  private async execute(eventKey: string | undefined, t: Translate, what: string, run: () => Promise<Reply>): Promise<Decision> {
    try {
      const queued = this.services.outbox.queued;
      // The DONE mark commits with the handler's writes. A command that only read has none: it
      // needs no transaction and no DONE mark (/help: 6 statements → 3). After a crash it is
      // simply run again, which reads again; the answered mark after the reply records it. Its
      // lease, renewed every 30 s while held, still has over 90 s for the answer to be given.
      const reply = await this.services.unitOfWork.run(run, {
        closingWrite: eventKey ? (reply) => this.services.inbox.complete(eventKey, reply) : undefined,
      });
      // Most commands queue nothing: an outbox pass after each was 2-3 statements for nothing
      // (/help: 8 → 6). A count that moved (this unit's or another's) kicks; the worker's timer
      // pass stays for everything else, so no message waits longer than its interval.
      if (this.services.outbox.queued !== queued) this.afterWork();
      if (!reply.form) return this.ran({ kind: 'reply', reply });
      const form = this.handlerForm(reply.form, t);
      return this.ran(form ? { kind: 'form', form } : { kind: 'reply', reply: errorReply(t('errors.internal')) });
    } catch (error) {
      // Done already by another attempt (whose answer the person gets): this one left nothing.
      if (error instanceof AlreadyDoneError) return this.ran({ kind: 'duplicate' });
      this.abandon(eventKey);
      this.logger.error({ what, eventKey, err: safeError(error) }, 'handler failed');
      return this.ran({ kind: 'reply', reply: errorReply(t(isUnavailable(error) ? 'errors.unavailable' : 'errors.internal')) });
    }
  }

  /** The form a handler answered with; undefined (a plain reply) when no such form is declared. */
  private handlerForm(request: FormRequest, t: Translate): Form | undefined {
    const [commandName = '', name] = request.formId.split('.', 2);
    const command = this.findCommand(commandName);
    const declaration = command?.forms?.find((candidate) => candidate.name === name);
    if (!command || !declaration || !isFormState(request.state)) {
      this.logger.error({ formId: request.formId }, 'handler answered with an undeclared form');
      return undefined;
    }
    return buildHandlerForm(command, declaration, request.state, t, request.values);
  }

  /**
   * The reply as it is shown on one platform: member mentions become that platform's pings or
   * names (see core/mentions.ts). Adapters call it for outbox messages; answers get it here.
   */
  async forPlatform(reply: Reply, platform: PlatformName): Promise<Reply> {
    try {
      return await this.services.mentions.resolve(reply, platform);
    } catch (error) {
      // The names in the tokens still read well as plain text: never lose the message over it.
      this.logger.warn({ platform, err: safeError(error) }, 'mentions not resolved');
      return reply;
    }
  }

  private async withMentions(decision: Decision, platform: PlatformName): Promise<Decision> {
    if (decision.kind !== 'reply' && decision.kind !== 'invalid') return decision;
    return { ...decision, reply: await this.forPlatform(decision.reply, platform) };
  }

  private ran(decision: Decision): Decision {
    this.handled.add(decision);
    return decision;
  }
}

/** The parts of a request every stored kind shares. */
function storedBase(request: BaseRequest): Pick<StoredRequest, 'requester' | 'place' | 'route'> {
  return { requester: request.requester, place: request.place, route: request.route };
}

/**
 * Errors that mean "the database is away or overloaded" (Prisma's connection, pool and
 * transaction-start errors, a deadline), as opposed to a mistake in the handler.
 */
export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^P10\d\d$|^P2024$|^P2028$/.test(code)) return true;
  return ['DeadlineError', 'PrismaClientInitializationError', 'DriverAdapterError'].includes(error.name) || /ECONNREFUSED|ECONNRESET|Connection terminated|timeout/i.test(error.message);
}

function addressed(decision: Decision, who: Who): Outcome {
  return decision.kind === 'duplicate' ? decision : { ...decision, locale: who.locale, t: who.t };
}


/** Button values we hand out are ids, slugs and short search state: plain, short text. */
function isButtonValue(value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && value.length <= MAX_BUTTON_VALUE && !CONTROL_CHARACTERS.test(value));
}

/** One line on what is wrong with a typed command. */
function describeParseProblem(parsed: Exclude<ParsedText, { ok: true }>, command: CommandDeclaration, t: Translate): string {
  switch (parsed.problem) {
    case 'unknownSubcommand':
      return t('errors.unknownSubcommand', { word: parsed.word, command: command.name });
    case 'repeated':
      return t('errors.repeated', { name: parsed.name });
    case 'tooMany': {
      const line = t('errors.tooMany', { extra: parsed.extra });
      return parsed.quoteHint ? `${line}\n${t('errors.quoteHint', parsed.quoteHint)}` : line;
    }
  }
}


function invalid(reply: Reply, errors: FieldErrors): Decision {
  return { kind: 'invalid', reply, errors };
}
