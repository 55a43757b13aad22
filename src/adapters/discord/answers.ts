// How the Bot's outcome reaches the person who used a command, button or form.
//
// Answering within Discord's 3 seconds: the Bot is asked first, and a timer defers the
// interaction (ephemerally) if it has not answered after `deferAfterMs` (2 s). Most commands
// answer well within that, so the reply is a normal one, ephemeral or visible as the Bot
// decided, and a form can still open as a modal (a modal must be the first response). When
// the deferral did happen: an ephemeral reply edits the "thinking…" placeholder; a channel reply
// resolves the placeholder, is posted as a visible follow-up and the placeholder is deleted
// (after an ephemeral deferral the first follow-up is always ephemeral); a form becomes a
// button that opens it. Buttons defer with deferUpdate (no placeholder) and follow up.
// After the interaction token expired (15 minutes) the answer goes through the outbox.
//
// A visible reply that asks for a discussion (Reply.discussion) is registered with the Bot as
// the message it became (its channel and id); messages.ts picks up what is written under it.
import {
  DiscordAPIError,
  MessageFlags,
  type APIButtonComponentWithCustomId,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { Bot, Outcome } from '../../core/bot.ts';
import { errorReply, type Discussion, type Reply } from '../../core/framework/reply.ts';
import type { Form } from '../../core/framework/usage.ts';
import { translator, type Locale, type Translate } from '../../core/i18n.ts';
import { safeError, type Logger } from '../../core/logger.ts';
import { canCarryDiscussion, eventKey, fallbackLocale } from './context.ts';
import type { Forms } from './forms.ts';
import { renderReply, type DiscordMessageBody } from './render.ts';
import { checkedFiles, interactionFiles } from './files.ts';
import { encodeDiscordRef } from './message-ref.ts';

export type Answerable = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/** What answering did: the Bot's outcome as sent, a modal shown, or handed to the outbox. */
export type Answered = Outcome['kind'] | 'modal' | 'late';

/** The command whose form an invalid submission can (re)open; `again` when it came from that form. */
export interface FormOf {
  command: string;
  subcommand?: string;
  again: boolean;
}

/** See DiscordAdapterOptions. */
export interface AnswerTiming {
  deferAfterMs?: number;
  tokenLifetimeMs?: number;
}

/** One interaction being answered: whether it was deferred, and in which language. */
interface Turn {
  interaction: Answerable;
  receivedAt: number;
  deferred: boolean;
  t: Translate;
  locale: Locale;
}

/** The first visible message of an answer, when a discussion is to start from it. */
type Landed = { id: string; channelId: string } | null | undefined;

const DEFAULT_DEFER_AFTER_MS = 2000;
/** Discord's 15 minutes, less a margin for the request itself. */
const DEFAULT_TOKEN_LIFETIME_MS = 14 * 60_000;

export class Answers {
  constructor(
    private readonly bot: Bot,
    private readonly forms: Forms,
    private readonly logger: Logger,
    private readonly timing: AnswerTiming = {},
  ) {}

  /** Runs the Bot and answers within Discord's 3 seconds (see the top of this file). */
  async answer(interaction: Answerable, receivedAt: number, values: Record<string, unknown>, work: () => Promise<Outcome>, formOf?: FormOf): Promise<Answered> {
    const { outcome, deferred } = await this.runInTime(interaction, work);
    if (outcome.kind === 'duplicate') {
      const locale = fallbackLocale(this.bot, interaction);
      return this.answerDuplicate({ interaction, receivedAt, deferred, t: translator(locale), locale });
    }
    // The outcome says in which language: no second lookup (the database may be what failed).
    const { t, locale } = outcome;
    const turn: Turn = { interaction, receivedAt, deferred, t, locale };
    const answered = await this.show(turn, outcome, values, formOf);
    await this.bot.answered(eventKey(interaction));
    return answered;
  }

  private async show(turn: Turn, outcome: Exclude<Outcome, { kind: 'duplicate' }>, values: Record<string, unknown>, formOf?: FormOf): Promise<Answered> {
    const { t } = turn;
    if (outcome.kind === 'form') return this.openForm(turn, outcome.form, values);
    const extra: APIButtonComponentWithCustomId[] = [];
    if (outcome.kind === 'invalid' && formOf && Object.keys(outcome.errors).length) {
      // Discord modals cannot show field errors: the reply lists them, and this reopens the form.
      const label = t(formOf.again ? 'discord.reopenForm' : 'discord.openForm');
      extra.push(await this.forms.button(formOf.command, formOf.subcommand, { values, errors: outcome.errors }, label));
    }
    return this.send(turn, outcome.reply, extra);
  }

  /** An ephemeral reply of one message, as the first response (e.g. "unknown action"). */
  async replyEphemeral(interaction: Answerable, reply: Reply, t: Translate): Promise<void> {
    await interaction.reply({ ...firstMessage(reply, t), flags: MessageFlags.Ephemeral });
  }

  /** Tells the person something went wrong, if the interaction can still be answered. */
  async apologise(interaction: Interaction): Promise<void> {
    if (!interaction.isRepliable() || interaction.replied) return;
    try {
      const t = translator(fallbackLocale(this.bot, interaction));
      const body = firstMessage(errorReply(t('errors.internal')), t);
      if (interaction.deferred) await interaction.editReply(body);
      else await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
    } catch (error) {
      this.logger.warn({ interactionId: interaction.id, err: safeError(error) }, 'discord apology not sent');
    }
  }

  /** The Bot's outcome (an apology when it failed), and whether the interaction had to be deferred meanwhile. */
  private async runInTime(interaction: Answerable, work: () => Promise<Outcome>): Promise<{ outcome: Outcome; deferred: boolean }> {
    let deferral: Promise<boolean> | undefined;
    const defer = () => {
      deferral ??= this.defer(interaction);
    };
    const deferAfter = this.timing.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
    const timer = deferAfter > 0 ? setTimeout(defer, deferAfter) : undefined;
    if (deferAfter <= 0) defer();

    let outcome: Outcome;
    try {
      outcome = await work();
    } catch (error) {
      this.logger.error({ interactionId: interaction.id, err: safeError(error) }, 'discord handler failed');
      const locale = fallbackLocale(this.bot, interaction);
      const t = translator(locale);
      outcome = { kind: 'reply', reply: errorReply(t('errors.internal')), locale, t };
    } finally {
      clearTimeout(timer);
    }
    return { outcome, deferred: deferral ? await deferral : false };
  }

  /** Buttons defer silently (the message stays), the rest with an ephemeral "thinking…"; false if Discord refused. */
  private defer(interaction: Answerable): Promise<boolean> {
    const deferring = interaction.isButton() ? interaction.deferUpdate() : interaction.deferReply({ flags: MessageFlags.Ephemeral });
    return deferring.then(
      async () => {
        // Discord now shows "thinking…": from here on a crash must not lose the request.
        await this.bot.acknowledged(eventKey(interaction));
        return true;
      },
      (error: unknown) => {
        this.logger.warn({ interactionId: interaction.id, err: safeError(error) }, 'discord defer failed');
        return false;
      },
    );
  }

  private async answerDuplicate(turn: Turn): Promise<Answered> {
    // Normally the first delivery answered and Discord refuses a second answer; if it never
    // got to answer (a crash), say so instead of leaving "interaction failed".
    await this.send(turn, { visibility: 'ephemeral', text: turn.t('discord.alreadyHandled') }).catch((error: unknown) => {
      if (!isAlreadyAnswered(error)) throw error;
    });
    return 'duplicate';
  }

  /** A modal while that is still possible (nothing sent yet); otherwise a button that opens it. */
  private async openForm(turn: Turn, form: Form, values: Record<string, unknown>): Promise<Answered> {
    const { interaction, t } = turn;
    if (!turn.deferred && 'showModal' in interaction) {
      await interaction.showModal(await this.forms.modal(form, values, t));
      return 'modal';
    }
    const button = await this.forms.button(form.command, form.subcommand, { values }, t('discord.openForm'));
    await this.send(turn, { visibility: 'ephemeral', text: t('discord.formNeeded') }, [button]);
    return 'form';
  }

  private async send(turn: Turn, original: Reply, extraButtons: APIButtonComponentWithCustomId[] = []): Promise<Answered> {
    const { interaction, t } = turn;
    const reply = checkedFiles(original, t, this.logger);
    const { messages, droppedButtons } = render(reply, t, extraButtons);
    // The files go with the first message (multipart).
    const files = interactionFiles(reply.files);
    if (files.length) messages[0]!.files = files;
    if (droppedButtons.length) this.logger.warn({ interactionId: interaction.id, droppedButtons }, 'discord buttons left out');
    if (Date.now() - turn.receivedAt > (this.timing.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS)) {
      await this.sendLate(turn, reply);
      return 'late';
    }
    const ephemeral = reply.visibility === 'ephemeral';
    const discussion = !ephemeral && reply.discussion && canCarryDiscussion(interaction) ? reply.discussion : undefined;
    const landed = await this.post(turn, messages, ephemeral, Boolean(discussion));
    if (discussion) await this.startDiscussion(interaction, discussion, landed);
    return 'reply';
  }

  /** Posts the messages as the interaction's state allows: reply, edit the placeholder, or follow up. */
  private async post(turn: Turn, messages: DiscordMessageBody[], ephemeral: boolean, discussion: boolean): Promise<Landed> {
    const { interaction } = turn;
    const flags = ephemeral ? { flags: MessageFlags.Ephemeral as const } : {};
    const [first, ...rest] = messages as [DiscordMessageBody, ...DiscordMessageBody[]];
    if (!turn.deferred) {
      let landed: Landed;
      if (discussion) landed = (await interaction.reply({ ...payload(first), withResponse: true })).resource?.message;
      else await interaction.reply({ ...payload(first), ...flags });
      await followUps(interaction, rest, flags);
      return landed;
    }
    // deferUpdate left no placeholder: everything is a follow-up.
    if (interaction.isButton()) return followUps(interaction, messages, flags);
    if (ephemeral) {
      await interaction.editReply(payload(first));
      await followUps(interaction, rest, flags);
      return undefined;
    }
    return this.replacePlaceholder(interaction, messages);
  }

  /**
   * After an ephemeral deferral the first follow-up would only resolve the placeholder,
   * ephemerally: resolve it first, post for the channel, then remove it.
   */
  private async replacePlaceholder(interaction: Answerable, messages: DiscordMessageBody[]): Promise<Landed> {
    await interaction.editReply({ content: '✓', embeds: [], components: [] });
    const landed = await followUps(interaction, messages, {});
    await interaction.deleteReply().catch((error: unknown) => this.logger.warn({ interactionId: interaction.id, err: safeError(error) }, 'discord placeholder not deleted'));
    return landed;
  }

  private async startDiscussion(interaction: Answerable, discussion: Discussion, landed: Landed): Promise<void> {
    if (landed) {
      // The thread starts from this message: its id is the thread's, and the post's own ref
      // lets the subject edit it later (an update edited or withdrawn).
      await this.bot.discussionStarted({ platform: 'discord', channelRef: landed.channelId, threadRef: landed.id }, discussion, encodeDiscordRef({ channelId: landed.channelId, messageId: landed.id }));
    } else {
      this.logger.warn({ interactionId: interaction.id }, 'discord reply message unknown; no discussion');
    }
  }

  /**
   * The interaction token has expired: the answer goes through the outbox (retried like any
   * notification), ephemeral answers by DM, channel answers to the channel.
   */
  private async sendLate(turn: Turn, reply: Reply): Promise<void> {
    const { interaction, t } = turn;
    const command = interaction.isChatInputCommand() ? interaction.commandName : '';
    const toChannel = reply.visibility === 'channel' && interaction.channelId;
    const { locale } = turn;
    // The reply says first what it answers; its own title follows in bold.
    const late: Reply = {
      ...reply,
      title: t('discord.lateReply', { command }),
      text: [reply.title ? `**${reply.title}**` : undefined, reply.text].filter(Boolean).join('\n') || undefined,
      // A discussion needs a message in a channel (a thread can start from it), not a DM.
      discussion: toChannel && canCarryDiscussion(interaction) ? reply.discussion : undefined,
    };
    await this.bot.sendLater({
      dedupeKey: `discord:late:${interaction.id}`,
      target: toChannel ? { platform: 'discord', kind: 'channel', ref: toChannel } : { platform: 'discord', kind: 'user', ref: interaction.user.id },
      locale,
      reply: late,
    });
  }
}

/** Follow-ups, one per message, in order; resolves with the first one posted. */
async function followUps(interaction: Answerable, messages: DiscordMessageBody[], flags: { flags?: MessageFlags.Ephemeral }): Promise<Landed> {
  let first: Landed;
  for (const message of messages) {
    const sent = await interaction.followUp({ ...payload(message), ...flags });
    first ??= sent;
  }
  return first;
}

function render(reply: Reply, t: Translate, extraButtons: APIButtonComponentWithCustomId[] = []) {
  return renderReply(reply, { more: t('discord.more'), extraButtons });
}

/** A reply short enough for one message, such as an error. */
function firstMessage(reply: Reply, t: Translate) {
  return payload(render(reply, t).messages[0]!);
}

function payload(message: DiscordMessageBody) {
  const { users } = message.allowed_mentions;
  return {
    content: message.content,
    embeds: message.embeds,
    components: message.components,
    ...(message.files?.length ? { files: message.files } : {}),
    ...(users?.length ? { allowedMentions: { parse: [], users } } : {}),
  };
}

/** Discord refusing a second answer to an interaction (already acknowledged, or gone). */
function isAlreadyAnswered(error: unknown): boolean {
  return error instanceof DiscordAPIError && (error.code === 40060 || error.code === 10062);
}
