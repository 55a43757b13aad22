// The one entry point for every platform: a command, a button press or an autocomplete
// request comes in as a neutral request and goes out as a neutral outcome. Here, in one place:
// finding the command, access rules, validation, once-only handling and error replies.
import { translator, toLocale, type Locale, type Translate } from './i18n.ts';
import { createFormatter } from './format.ts';
import { mayAccess, type MemberView } from './members/members.ts';
import { safeError, type Logger } from './logger.ts';
import type { PlatformName } from './platform.ts';
import type { Services } from './services.ts';
import { suggestionSources } from './suggestions.ts';
import type { ThreadRef } from './threads/threads.ts';
import type { CommandContext, Place } from './framework/context.ts';
import { describeKeys, findInvocable, type Access, type AutocompleteChoice, type CommandDeclaration } from './framework/declarations.ts';
import { errorReply, type Discussion, type Reply } from './framework/reply.ts';
import { parseCommandText, type ParsedText } from './framework/text-parser.ts';
import { buildForm, usageFooter, type Form } from './framework/usage.ts';
import { validateInput, type FieldErrors } from './framework/validate.ts';
import type { OptionDeclaration } from './framework/options.ts';
import { CONTROL_CHARACTERS } from './framework/characters.ts';

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
  /** The platform's event or interaction id; the same key twice is handled once. */
  eventKey?: string;
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

export type Outcome =
  | { kind: 'reply'; reply: Reply }
  | { kind: 'form'; form: Form }
  | { kind: 'invalid'; reply: Reply; errors: FieldErrors }
  | { kind: 'duplicate' };

const MAX_SUGGESTIONS = 25;
/** Typed text is refused above this many code units (or ten times the longest option). */
const MIN_TEXT_LIMIT = 20_000;
/** Slack's limit for a button value; Discord's custom ids are shorter still. */
const MAX_BUTTON_VALUE = 2000;
/** Presses of the same button by the same person within this time are one press. */
const DOUBLE_CLICK_MS = 3000;

export class Bot {
  /** Called after work that may have queued outbox messages, so they go out promptly. */
  afterWork: () => void = () => {};

  constructor(
    readonly commands: readonly CommandDeclaration[],
    readonly services: Services,
    private readonly logger: Logger,
  ) {}

  findCommand(name: string): CommandDeclaration | undefined {
    return this.commands.find((command) => command.name === name.toLowerCase());
  }

  /**
   * A command typed as text (Slack, console): parsed by the declaration, then handled. The
   * length is checked first: nothing of an overlong text is parsed or stored.
   */
  async handleText(request: TextCommandRequest): Promise<Outcome> {
    const command = this.findCommand(request.command);
    if (!command) return this.unknownCommand(request);
    const text = typeof request.text === 'string' ? request.text : '';
    if (text.length > this.maxTextLength) {
      const { t } = await this.who(request.requester);
      return invalid(errorReply(t('errors.textTooLong', { max: this.maxTextLength })), {});
    }
    const parsed = parseCommandText(command, text);
    if (!parsed.ok) {
      const { t } = await this.who(request.requester);
      const found = 'subcommand' in parsed ? findInvocable(command, parsed.subcommand) : undefined;
      const footer = usageFooter(t, command, found?.name, found?.invocable);
      return invalid(errorReply(describeParseProblem(parsed, command, t), footer), {});
    }
    return this.handleCommand({ ...request, subcommand: parsed.subcommand, values: parsed.values });
  }

  /**
   * The longest typed text read at all, in UTF-16 code units (cheap to check before anything
   * else): ten times the longest option, at least 20,000, so no real input comes near it.
   */
  get maxTextLength(): number {
    const lengths = this.commands.flatMap((command) =>
      [command.root, ...(command.subcommands ?? [])].flatMap((part) => Object.values<OptionDeclaration>(part?.options ?? {}).map((option) => option.maxLength ?? 0)),
    );
    return Math.max(MIN_TEXT_LIMIT, 10 * Math.max(0, ...lengths));
  }

  async handleCommand(request: CommandRequest): Promise<Outcome> {
    const command = this.findCommand(request.command);
    if (!command) return this.unknownCommand(request);
    const { actor, locale, t } = await this.who(request.requester);
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
    const denied = this.denial(actor, invocable.access, t);
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
    const ctx = this.context(actor, locale, t, request);
    return this.once(request.eventKey, t, `/${command.name}${sub ? ` ${sub}` : ''}`, () => invocable.run(ctx, checked.input as never));
  }

  async handleAction(request: ActionRequest): Promise<Outcome> {
    const [commandName, buttonName] = (typeof request.actionId === 'string' ? request.actionId : '').split('.', 2);
    const button = this.findCommand(commandName ?? '')?.buttons?.find((candidate) => candidate.name === buttonName);
    const { actor, locale, t } = await this.who(request.requester);
    // A value no button of ours carries (a forged payload): refused before it reaches the database.
    if (!button || !isButtonValue(request.value)) return { kind: 'reply', reply: errorReply(t('errors.unknownAction')) };
    const denied = this.denial(actor, button.access, t);
    if (denied) return { kind: 'reply', reply: denied };
    const press = `press:${actor.id}:${request.actionId}:${request.value ?? ''}`;
    if (!(await this.services.events.claimWithin(press, DOUBLE_CLICK_MS))) return { kind: 'duplicate' };
    const ctx = this.context(actor, locale, t, request);
    return this.once(request.eventKey, t, request.actionId, () => button.run(ctx, request.value));
  }

  /** Suggestions for an option: from its data source, or its declared choices. */
  async autocomplete(request: AutocompleteRequest): Promise<AutocompleteChoice[]> {
    const command = this.findCommand(request.command);
    const option = command && findInvocable(command, request.subcommand)?.invocable.options[request.option];
    if (!option) return [];
    const source = option.autocomplete ? suggestionSources[option.autocomplete] : undefined;
    if (source) return (await source(this.services, request.partial)).slice(0, MAX_SUGGESTIONS);
    const { t } = await this.who(request.requester);
    const partial = request.partial.toLowerCase();
    return (option.choices ?? [])
      .map((value) => ({ value, label: t(describeKeys.choice(value)) }))
      .filter((choice) => choice.value.includes(partial) || choice.label.toLowerCase().includes(partial))
      .slice(0, MAX_SUGGESTIONS);
  }

  /** The form for a command, e.g. to open a modal from a button or show errors again. */
  formFor(commandName: string, sub: string | undefined, locale: Locale, values?: Record<string, unknown>, errors?: FieldErrors): Form | undefined {
    const command = this.findCommand(commandName);
    const found = command && findInvocable(command, sub);
    return found ? buildForm(command, found.name, found.invocable, translator(locale), values, errors) : undefined;
  }

  /**
   * An adapter posted a reply that asked for a discussion (Reply.discussion), and this is where
   * the visible message landed: from now on, what people write in its thread is kept for the
   * subject. Never throws (the message is out already); undefined when it could not be recorded.
   */
  async discussionStarted(where: ThreadRef, discussion: Discussion): Promise<string | undefined> {
    try {
      return await this.services.threads.open(where, { type: discussion.subjectType, id: discussion.subjectId });
    } catch (error) {
      this.logger.error({ platform: where.platform, channel: where.channelRef, subjectType: discussion.subjectType, err: safeError(error) }, 'discussion not registered');
      return undefined;
    }
  }

  /** The member behind a request and the language to answer in. */
  async who(requester: Requester): Promise<{ actor: MemberView; locale: Locale; t: Translate }> {
    const actor = await this.services.members.resolve(requester.platform, requester.userId, requester.displayName);
    const locale = actor.locale ?? toLocale(requester.locale) ?? this.services.settings.defaultLocale;
    return { actor, locale, t: translator(locale) };
  }

  private async unknownCommand(request: BaseRequest & { command: string }): Promise<Outcome> {
    const { t } = await this.who(request.requester);
    const known = this.commands.map((command) => `/${command.name}`).join(', ');
    return invalid(errorReply(t('errors.unknownCommand', { command: request.command, known })), {});
  }

  private denial(actor: MemberView, access: Access, t: Translate): Reply | undefined {
    return mayAccess(actor, access) ? undefined : errorReply(t(`errors.denied.${access}`));
  }

  private context(actor: MemberView, locale: Locale, t: Translate, request: BaseRequest): CommandContext {
    return {
      actor,
      place: request.place,
      locale,
      t,
      format: createFormatter(locale, this.services.settings.timezone),
      services: this.services,
      commands: this.commands,
      eventKey: request.eventKey,
      now: new Date(),
    };
  }

  /**
   * Runs a handler at most once per event key. A failure gives the key back so the platform's
   * retry can succeed, and answers with a short apology instead of a stack trace.
   */
  private async once(eventKey: string | undefined, t: Translate, what: string, run: () => Promise<Reply>): Promise<Outcome> {
    if (eventKey && !(await this.services.events.claim(eventKey))) return { kind: 'duplicate' };
    try {
      const reply = await run();
      this.afterWork();
      return { kind: 'reply', reply };
    } catch (error) {
      if (eventKey) await this.services.events.release(eventKey);
      this.logger.error({ what, eventKey, err: safeError(error) }, 'handler failed');
      return { kind: 'reply', reply: errorReply(t('errors.internal')) };
    }
  }
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

function invalid(reply: Reply, errors: FieldErrors): Outcome {
  return { kind: 'invalid', reply, errors };
}
