// Usage lines and forms, both derived from the declarations so they never drift from them.
import { describeKeys, type CommandDeclaration, type FormDeclaration, type Invocable } from './declarations.ts';
import type { OptionDeclaration } from './options.ts';
import type { Translate } from '../i18n.ts';

/** `/update plaats [#thema] <tekst> [gemeente:…]` */
export function usageLine(command: CommandDeclaration, sub: string | undefined, invocable: Invocable): string {
  const parts = [`/${command.name}`];
  if (sub) parts.push(sub);
  let afterLong = false;
  for (const [name, option] of Object.entries(invocable.options)) {
    const shown = option.hashPrefix ? `#${name}` : afterLong || option.namedOnly ? `${name}:…` : name;
    parts.push(option.required ? `<${shown}>` : `[${shown}]`);
    if (option.rest) afterLong = true;
  }
  return parts.join(' ');
}

/** Every usage line of a command, one per sub-command. */
export function commandUsage(command: CommandDeclaration): string[] {
  if (command.subcommands?.length) return command.subcommands.map((sub) => usageLine(command, sub.name, sub));
  return command.root ? [usageLine(command, undefined, command.root)] : [`/${command.name}`];
}

/** Whether a part of a command invites free text that could identify people. */
export function isSensitive(invocable: Invocable | undefined): boolean {
  return !!invocable && Object.values(invocable.options).some((option) => option.sensitive);
}

/** Whether any part of a command is sensitive: its help and usage carry the safety notice. */
export function commandIsSensitive(command: CommandDeclaration): boolean {
  return [command.root, ...(command.subcommands ?? [])].some(isSensitive);
}

/**
 * The footer of a usage error: how the command (or this part of it) is used, and for
 * sensitive ones the request not to name clients or victims with the emergency line, so that
 * every platform shows it where a form would (the console has no forms).
 */
export function usageFooter(t: Translate, command: CommandDeclaration, sub?: string, invocable?: Invocable): string {
  const usage = invocable ? usageLine(command, sub, invocable) : commandUsage(command).join('\n');
  const sensitive = invocable ? isSensitive(invocable) : commandIsSensitive(command);
  return [t('errors.usage', { usage }), sensitive ? t('safety.formNotice') : undefined].filter(Boolean).join('\n');
}

export interface FormField {
  name: string;
  label: string;
  kind: OptionDeclaration['kind'];
  long: boolean;
  required: boolean;
  maxLength?: number;
  choices?: { value: string; label: string }[];
  /** What the person already typed, so a form never makes them type it again. */
  value?: string;
  error?: string;
}

export interface Form {
  command: string;
  /** For a form of a handler (Reply.form) this is its encoded id and state, see handlerFormPart. */
  subcommand?: string;
  title: string;
  submitLabel: string;
  /** The privacy warning and emergency line, for forms that invite sensitive free text. */
  notice?: string;
  fields: FormField[];
}

export function buildForm(
  command: CommandDeclaration,
  sub: string | undefined,
  invocable: Invocable,
  t: Translate,
  values: Record<string, unknown> = {},
  errors: Record<string, string> = {},
): Form {
  const options = Object.entries(invocable.options);
  return {
    command: command.name,
    subcommand: sub,
    title: `/${command.name}${sub ? ` ${sub}` : ''}`,
    submitLabel: t('forms.submit'),
    notice: isSensitive(invocable) ? t('safety.formNotice') : undefined,
    fields: options.map(([name, option]) => formField(name, option, t(describeKeys.option(command.name, sub, name)), t, values, errors)),
  };
}

/**
 * A form of a handler travels through the adapters as a "sub-command" of its command that no
 * declared sub-command can be (names are [a-z0-9_-]): `~form:<name>:<state>`. So the modal's
 * callback or custom id carries everything its submission needs, and a restart between showing
 * and submitting loses nothing.
 */
const HANDLER_FORM = /^~form:([a-z0-9_-]+):([A-Za-z0-9_.-]{0,40})$/;

export function handlerFormPart(name: string, state: string | undefined): string {
  return `~form:${name}:${state ?? ''}`;
}

export function parseHandlerFormPart(part: unknown): { name: string; state?: string } | undefined {
  const match = typeof part === 'string' ? HANDLER_FORM.exec(part) : null;
  return match ? { name: match[1]!, state: match[2] || undefined } : undefined;
}

/** Whether a form's state is one the adapters can carry (see HANDLER_FORM). */
export function isFormState(state: string | undefined): boolean {
  return state === undefined || /^[A-Za-z0-9_.-]{0,40}$/.test(state);
}

export function buildHandlerForm(
  command: CommandDeclaration,
  declaration: FormDeclaration,
  state: string | undefined,
  t: Translate,
  values: Record<string, unknown> = {},
  errors: Record<string, string> = {},
): Form {
  const texts = declaration.texts(t);
  const labels = texts.labels as Record<string, string | undefined>;
  return {
    command: command.name,
    subcommand: handlerFormPart(declaration.name, state),
    title: texts.title,
    submitLabel: t('forms.submit'),
    // Sensitive free text always carries the privacy notice and the emergency line.
    notice: texts.notice ?? (Object.values(declaration.options).some((option) => option.sensitive) ? t('safety.formNotice') : undefined),
    fields: Object.entries(declaration.options).map(([name, option]) => formField(name, option, labels[name] ?? name, t, values, errors)),
  };
}

/** One field of a form: the option's kind and limits, its value so far and its error. */
function formField(name: string, option: OptionDeclaration, label: string, t: Translate, values: Record<string, unknown>, errors: Record<string, string>) {
  return {
    name,
    label,
    kind: option.kind,
    long: option.long,
    required: option.required,
    maxLength: option.maxLength,
    choices: option.choices?.map((value) => ({ value, label: t(describeKeys.choice(value)) })),
    value: typeof values[name] === 'string' ? (values[name] as string) : undefined,
    error: errors[name],
  };
}
