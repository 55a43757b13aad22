// How a command file declares a slash command once for every platform: its sub-commands,
// options, who may use it, its handler, and the buttons its replies carry.
import type { InputOf, OptionDeclaration, OptionsShape } from './options.ts';
import type { Reply } from './reply.ts';
import type { CommandContext } from './context.ts';
import type { Translate } from '../i18n.ts';
import type { Precondition } from './preconditions.ts';
import type { Section } from './reply.ts';

/** Who may run something. Each level includes the ones above it in Role order. */
export type Access = 'everyone' | 'approved' | 'adviser' | 'coordinator' | 'admin';

export interface Invocable<O extends OptionsShape = OptionsShape> {
  options: O;
  access: Access;
  /** Conditions beyond the access level, checked after it (see preconditions.ts). */
  preconditions?: Precondition;
  run(ctx: CommandContext, input: InputOf<O>): Promise<Reply>;
}

export interface SubcommandDeclaration<O extends OptionsShape = OptionsShape> extends Invocable<O> {
  name: string;
  /** Offered as a button next to the overview (Slack's App Home): a main thing to do. */
  shortcut?: boolean;
}

export interface ButtonDeclaration {
  /** Local name; the full action id is `<command>.<name>`. */
  name: string;
  access: Access;
  /** Conditions beyond the access level; they see the button's value (see preconditions.ts). */
  preconditions?: Precondition;
  run(ctx: CommandContext, value: string | undefined): Promise<Reply>;
}

/**
 * A form a handler or button handler answers with (Reply.form): its fields are options like a
 * command's, checked the same way; a bad submission shows the form again with the errors next
 * to the fields. `state` is the short text the reply gave (Reply.form.state).
 */
export interface FormDeclaration<O extends OptionsShape = OptionsShape> {
  /** Local name; the full form id is `<command>.<name>`. */
  name: string;
  access: Access;
  options: O;
  /** The form's title, field labels and (for sensitive free text) the privacy notice. */
  texts(t: Translate): { title: string; labels: Partial<Record<keyof O & string, string>>; notice?: string };
  run(ctx: CommandContext, input: InputOf<O>, state: string | undefined): Promise<Reply>;
}

/** Keeps the input type of a form tied to its options. */
export function form<O extends OptionsShape>(declaration: FormDeclaration<O>): FormDeclaration<O> {
  return declaration;
}

/**
 * A command's part of "my overview" (/overzicht, Slack's App Home): what this member has open
 * or set here. Undefined when there is nothing to show for them.
 */
export type OverviewSection = (ctx: CommandContext) => Promise<Section | undefined>;

export interface AutocompleteChoice {
  label: string;
  value: string;
}

export interface CommandDeclaration {
  /** Dutch, lower-case, stable: what people type after the slash. */
  name: string;
  /** Either sub-commands, or options + handler of the bare command. */
  subcommands?: SubcommandDeclaration<any>[];
  /** What a bare `/profiel` means in typed form (Discord always names a sub-command). */
  defaultSubcommand?: string;
  root?: Invocable<any>;
  buttons?: ButtonDeclaration[];
  /** Forms its handlers and buttons answer with (Reply.form). */
  forms?: FormDeclaration<any>[];
  /** This command's section of the member's overview, in the order commands are listed. */
  overview?: OverviewSection;
  /**
   * A message a person wrote in a conversation whose subject type is this command's name (a
   * private conversation opened with services.conversations.open, or an update's discussion):
   * e.g. "the adviser answered" notifies someone. Runs in the same transaction that stores the
   * message; `ctx.actor` is its author. Whatever it returns is not shown to anyone.
   */
  onConversationMessage?(ctx: CommandContext, subject: { type: string; id: string }, message: ConversationMessage): Promise<void>;
}

/** A stored message of a conversation, as a command's onConversationMessage sees it. */
export interface ConversationMessage {
  id: string;
  text: string;
  platform: 'slack' | 'discord' | 'console';
}

export function defineCommand(declaration: CommandDeclaration): CommandDeclaration {
  return declaration;
}

/** Keeps the input type of a sub-command tied to its options. */
export function subcommand<O extends OptionsShape>(declaration: SubcommandDeclaration<O>): SubcommandDeclaration<O> {
  return withSafetyNotice(declaration);
}

export function invocable<O extends OptionsShape>(declaration: Invocable<O>): Invocable<O> {
  return withSafetyNotice(declaration);
}

/**
 * Whatever a part with sensitive free text answers (the confirmation, a refusal) ends with
 * the request not to name clients or victims and the emergency line. Declared here, once, so
 * every platform shows it, also the console, which has no forms to carry it.
 */
function withSafetyNotice<D extends Invocable<any>>(declaration: D): D {
  if (!Object.values<OptionDeclaration>(declaration.options).some((option) => option.sensitive)) return declaration;
  const run = declaration.run;
  return {
    ...declaration,
    async run(ctx, input) {
      const reply = await run(ctx, input);
      return { ...reply, footer: [reply.footer, ctx.t('safety.formNotice')].filter(Boolean).join('\n') };
    },
  };
}

/** The locale keys that hold a command's descriptions and option labels. */
export const describeKeys = {
  command: (command: string) => `commands.${command}.description`,
  subcommand: (command: string, sub: string) => `commands.${command}.${sub}.description`,
  option: (command: string, sub: string | undefined, option: string) =>
    sub ? `commands.${command}.${sub}.options.${option}` : `commands.${command}.options.${option}`,
  choice: (value: string) => `choices.${value}`,
};

/** Finds the invocable part of a command: a named sub-command, the default one, or the root. */
export function findInvocable(
  command: CommandDeclaration,
  sub: string | undefined,
): { name?: string; invocable: Invocable } | undefined {
  if (command.subcommands?.length) {
    const wanted = sub ?? command.defaultSubcommand;
    const found = command.subcommands.find((candidate) => candidate.name === wanted);
    return found ? { name: found.name, invocable: found } : undefined;
  }
  return command.root && sub === undefined ? { invocable: command.root } : undefined;
}
