// Discord interactions as Bot requests: slash commands, buttons (the reply's own, and the
// adapter's "open the form" buttons), submitted modals and autocomplete. Access, validation and
// what happens are the Bot's; how its outcome is answered is answers.ts's.
import {
  ApplicationCommandOptionType,
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { Bot, CommandRequest, Outcome } from '../../core/bot.ts';
import { findInvocable, type AutocompleteChoice } from '../../core/framework/declarations.ts';
import { errorReply } from '../../core/framework/reply.ts';
import { safeError, type Logger } from '../../core/logger.ts';
import type { Answered, Answers, FormOf } from './answers.ts';
import { eventKey, localeOf, placeOf, requesterOf, routeOf } from './context.ts';
import { parseCustomId } from './custom-ids.ts';
import type { Forms } from './forms.ts';
import { valuesFromModal, type SubmittedComponent } from './modal.ts';
import { renderReply } from './render.ts';

/** What the adapter did with one interaction; tests and metrics listen for it. */
export interface SettledInteraction {
  id: string;
  kind: 'command' | 'button' | 'modal' | 'autocomplete' | 'form-button' | 'unsupported';
  outcome: Outcome['kind'] | 'modal' | 'autocomplete' | 'error' | 'late';
}

/** A command request as the interaction gives it; who, where and the event key are added. */
type CommandCall = Pick<CommandRequest, 'command' | 'subcommand' | 'values' | 'formsAvailable'>;

export class Interactions {
  constructor(
    private readonly bot: Bot,
    private readonly answers: Answers,
    private readonly forms: Forms,
    private readonly logger: Logger,
    private readonly settled: (settled: SettledInteraction) => void,
  ) {}

  async handle(interaction: Interaction): Promise<void> {
    const receivedAt = Date.now();
    let settled: SettledInteraction = { id: interaction.id, kind: 'unsupported', outcome: 'error' };
    try {
      settled = { id: interaction.id, ...(await this.dispatch(interaction, receivedAt)) };
    } catch (error) {
      this.logger.error({ interactionId: interaction.id, type: interaction.type, err: safeError(error) }, 'discord interaction failed');
      await this.answers.apologise(interaction);
    } finally {
      this.logger.debug({ interactionId: interaction.id, kind: settled.kind, outcome: settled.outcome, ms: Date.now() - receivedAt }, 'discord interaction');
      this.settled(settled);
    }
  }

  private async dispatch(interaction: Interaction, receivedAt: number): Promise<Omit<SettledInteraction, 'id'>> {
    if (interaction.isAutocomplete()) return { kind: 'autocomplete', outcome: await this.onAutocomplete(interaction) };
    if (interaction.isChatInputCommand()) return { kind: 'command', outcome: await this.onCommand(interaction, receivedAt) };
    if (interaction.isButton()) {
      const parsed = parseCustomId(interaction.customId);
      return parsed?.kind === 'form'
        ? { kind: 'form-button', outcome: await this.onFormButton(interaction, parsed.command, parsed.subcommand, parsed.token) }
        : { kind: 'button', outcome: await this.onButton(interaction, receivedAt) };
    }
    if (interaction.isModalSubmit()) return { kind: 'modal', outcome: await this.onModalSubmit(interaction, receivedAt) };
    if (interaction.isRepliable()) return { kind: 'unsupported', outcome: await this.onUnsupported(interaction) };
    return { kind: 'unsupported', outcome: 'error' };
  }

  private async onCommand(interaction: ChatInputCommandInteraction, receivedAt: number): Promise<Answered> {
    const command = interaction.commandName;
    const subcommand = interaction.options.getSubcommand(false) ?? undefined;
    const values = optionValues(interaction.options.data);
    // A missing long text (slash-command options are one line) is asked for in a modal.
    const declaration = this.bot.findCommand(command);
    const found = declaration && findInvocable(declaration, subcommand);
    const longOptions = found ? Object.entries(found.invocable.options).filter(([, option]) => option.long) : [];
    const formsAvailable = longOptions.some(([name]) => values[name] === undefined);
    // A refused long text is easier to fix in the form than by typing the command again.
    const formOf = longOptions.length ? { command, subcommand, again: false } : undefined;
    return this.runCommand(interaction, receivedAt, { command, subcommand, values, formsAvailable }, formOf);
  }

  private async onButton(interaction: ButtonInteraction, receivedAt: number): Promise<Answered> {
    const parsed = parseCustomId(interaction.customId);
    const action = parsed?.kind === 'action' ? parsed : { actionId: '', value: undefined };
    return this.answers.answer(interaction, receivedAt, {}, () =>
      this.bot.handleAction({
        requester: requesterOf(interaction),
        place: placeOf(interaction),
        actionId: action.actionId,
        value: action.value,
        eventKey: eventKey(interaction),
        route: routeOf(interaction),
      }),
    );
  }

  /** "Open the form (again)": a modal, prefilled with what was typed before. */
  private async onFormButton(interaction: ButtonInteraction, command: string, subcommand: string | undefined, token: string | undefined): Promise<Answered> {
    const { locale, t } = await localeOf(this.bot, interaction);
    const stashed = await this.forms.stashed(token);
    const form = this.bot.formFor(command, subcommand, locale, stashed?.values, stashed?.errors);
    if (!form) {
      await this.answers.replyEphemeral(interaction, errorReply(t('errors.unknownAction')), t);
      return 'reply';
    }
    await interaction.showModal(await this.forms.modal(form, stashed?.values ?? {}, t));
    return 'modal';
  }

  private async onModalSubmit(interaction: ModalSubmitInteraction, receivedAt: number): Promise<Answered> {
    const parsed = parseCustomId(interaction.customId);
    if (parsed?.kind !== 'modal') {
      const { t } = await localeOf(this.bot, interaction);
      await this.answers.replyEphemeral(interaction, errorReply(t('errors.unknownAction')), t);
      return 'reply';
    }
    // Fields that did not fit in the modal come from the draft; what was submitted wins, and
    // a field left empty is not given at all (it also overrides an older stashed value).
    const submitted = valuesFromModal((interaction.components ?? []) as unknown as SubmittedComponent[]);
    const merged = { ...((await this.forms.stashed(parsed.token))?.values ?? {}), ...submitted };
    const values = Object.fromEntries(Object.entries(merged).filter(([, value]) => !(typeof value === 'string' && value.trim() === '')));
    const { command, subcommand } = parsed;
    return this.runCommand(interaction, receivedAt, { command, subcommand, values, formsAvailable: false }, { command, subcommand, again: true });
  }

  private runCommand(interaction: ChatInputCommandInteraction | ModalSubmitInteraction, receivedAt: number, call: CommandCall, formOf?: FormOf): Promise<Answered> {
    return this.answers.answer(
      interaction,
      receivedAt,
      call.values,
      () => this.bot.handleCommand({ requester: requesterOf(interaction), place: placeOf(interaction), ...call, eventKey: eventKey(interaction), route: routeOf(interaction) }),
      formOf,
    );
  }

  private async onAutocomplete(interaction: AutocompleteInteraction): Promise<'autocomplete'> {
    const focused = interaction.options.getFocused(true);
    let choices: AutocompleteChoice[] = [];
    try {
      choices = await this.bot.autocomplete({
        requester: requesterOf(interaction),
        command: interaction.commandName,
        subcommand: interaction.options.getSubcommand(false) ?? undefined,
        option: focused.name,
        partial: String(focused.value ?? ''),
      });
    } catch (error) {
      this.logger.warn({ interactionId: interaction.id, err: safeError(error) }, 'discord autocomplete failed');
    }
    await interaction.respond(discordChoices(choices));
    return 'autocomplete';
  }

  /** Anything else that can be answered (context-menu commands, select menus): the adapter offers none. */
  private async onUnsupported(interaction: RepliableInteraction): Promise<'reply'> {
    const { t } = await localeOf(this.bot, interaction);
    await interaction.reply({ embeds: renderReply(errorReply(t('discord.unsupported')), { more: t('discord.more') }).messages[0]!.embeds, flags: MessageFlags.Ephemeral });
    return 'reply';
  }
}

/** Discord takes at most 25 choices, with values and names of 1–100 characters. */
function discordChoices(choices: readonly AutocompleteChoice[]): { name: string; value: string }[] {
  return choices
    .filter((choice) => choice.value.length >= 1 && choice.value.length <= 100)
    .slice(0, 25)
    .map((choice) => ({ name: choice.label.length > 100 ? `${choice.label.slice(0, 99)}…` : choice.label || choice.value, value: choice.value }));
}

/** Option values by name, from inside the sub-command; people as `discord:<id>`. */
export function optionValues(options: readonly CommandInteractionOption[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const option of options) {
    if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
      Object.assign(values, optionValues(option.options ?? []));
    } else if (option.type === ApplicationCommandOptionType.User) {
      if (option.value !== undefined) values[option.name] = `discord:${String(option.value)}`;
    } else if (option.value !== undefined) {
      values[option.name] = option.value;
    }
  }
  return values;
}
