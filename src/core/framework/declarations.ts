// How a command file declares a slash command once for every platform: its sub-commands,
// options, who may use it, its handler, and the buttons its replies carry.
import type { InputOf, OptionDeclaration, OptionsShape } from './options.ts';
import type { Reply } from './reply.ts';
import type { CommandContext } from './context.ts';

/** Who may run something. Each level includes the ones above it in Role order. */
export type Access = 'everyone' | 'approved' | 'adviser' | 'coordinator' | 'admin';

export interface Invocable<O extends OptionsShape = OptionsShape> {
  options: O;
  access: Access;
  run(ctx: CommandContext, input: InputOf<O>): Promise<Reply>;
}

export interface SubcommandDeclaration<O extends OptionsShape = OptionsShape> extends Invocable<O> {
  name: string;
}

export interface ButtonDeclaration {
  /** Local name; the full action id is `<command>.<name>`. */
  name: string;
  access: Access;
  run(ctx: CommandContext, value: string | undefined): Promise<Reply>;
}

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
