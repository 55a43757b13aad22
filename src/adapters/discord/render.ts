// Neutral replies as Discord messages: embeds for the text (title, description, fields,
// footer) and action rows of buttons, within Discord's limits. Text that does not fit is cut
// with a "…more" marker; a reply too big for one message becomes several (interaction
// replies), or one cut message (outbox deliveries, which must not half-send on a retry).
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIEmbedField,
} from 'discord.js';
import { plainText, type Button, type Reply } from '../../core/framework/reply.ts';
import { actionCustomId } from './custom-ids.ts';
import { mentionedAccounts, renderAccountMentions, renderDateTokens } from '../../core/mentions-text.ts';

export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  embedsPerMessage: 10,
  totalPerMessage: 6000,
  buttonLabel: 80,
  buttonsPerRow: 5,
  rows: 5,
} as const;

const COLOUR = 0x2e86ab;
const ERROR_COLOUR = 0xc0392b;
/** Discord needs a non-empty field name; a zero-width space shows nothing. */
const BLANK = '\u200b';

export interface DiscordMessageBody {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  /**
   * Nobody is pinged by what the bot repeats from people's text: only the members the reply
   * itself mentions (core/mentions.ts), listed by id.
   */
  allowed_mentions: { parse: []; users?: string[] };
  /** Files for an interaction answer (discord.js attachments); outbox posts send their own. */
  files?: { attachment: Buffer; name: string }[];
}

export interface RenderOptions {
  /** The marker that ends cut text, in the reader's language ("…meer"). */
  more: string;
  /** At most this many messages; the rest is cut. */
  maxMessages?: number;
  /** Extra buttons of the adapter itself (e.g. "open the form again"), after the reply's. */
  extraButtons?: APIButtonComponentWithCustomId[];
}

export interface Rendered {
  messages: DiscordMessageBody[];
  /** Buttons left out: custom_id over 100 characters, a duplicate, or more than 25. */
  droppedButtons: string[];
}

export function renderReply(reply: Reply, options: RenderOptions): Rendered {
  const embeds = buildEmbeds(reply, options.more);
  const messages = packMessages(embeds, options.maxMessages ?? 5, options.more);
  const { rows, dropped } = buttonRows(reply.buttons ?? [], options.extraButtons ?? []);
  const last = messages[messages.length - 1]!;
  last.components = rows;
  // Mentions in embeds never ping: the first message names them in its content as well.
  const pinged = [...new Set(replyTexts(reply).flatMap(mentionedAccounts))].slice(0, 20);
  if (pinged.length) {
    messages[0]!.content = pinged.map((id) => `<@${id}>`).join(' ');
    messages[0]!.allowed_mentions = { parse: [], users: pinged };
  }
  // Discord refuses a message with nothing in it.
  if (!last.embeds.length && !rows.length) last.content = '…';
  return { messages, droppedButtons: dropped };
}

/**
 * The neutral markup is nearly Discord's own (**bold**, _italic_, `code`, [label](url), "- "
 * lists stay as they are). What Discord reads as markup but the neutral model does not have
 * is escaped, so it shows as typed: spoilers, strike-through, headings and quotes.
 */
export function toDiscordMarkdown(markup: string): string {
  // Date tokens: Discord shows the moment in the reader's own zone.
  return renderAccountMentions(renderDateTokens(markup, (seconds) => ` (<t:${seconds}:F>)`), (id) => `<@${id}>`)
    .replace(/\|\|/g, '\\|\\|')
    .replace(/~~/g, '\\~\\~')
    .replace(/^(\s*)(#{1,3}\s|-#\s|>\s?)/gm, '$1\\$2');
}

/** The texts of a reply that can hold mentions. */
function replyTexts(reply: Reply): string[] {
  const sections = reply.sections ?? [];
  return [reply.text, ...sections.flatMap((section) => [section.text, ...(section.fields ?? []).map((field) => field.value)])].filter((text): text is string => Boolean(text));
}

/** Cuts text to `max` characters, ending with the marker; never splits a surrogate pair. */
export function truncate(text: string, max: number, more: string): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - more.length);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut).trimEnd() + more;
}

function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.fields ?? []).reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

function buildEmbeds(reply: Reply, more: string): APIEmbed[] {
  const colour = reply.isError ? ERROR_COLOUR : COLOUR;
  const embeds: APIEmbed[] = [];
  let current: APIEmbed = { color: colour };
  const start = (embed: Omit<APIEmbed, 'color'>) => {
    if (embedLength(current) > 0) embeds.push(current);
    current = { color: colour, ...embed };
  };
  const addField = (field: APIEmbedField) => {
    const fields = current.fields ?? [];
    if (fields.length >= EMBED_LIMITS.fields || embedLength(current) + field.name.length + field.value.length > EMBED_LIMITS.totalPerMessage) {
      start({});
    }
    (current.fields ??= []).push(field);
  };

  if (reply.title) current.title = truncate(plainText(reply.title), EMBED_LIMITS.title, more);
  if (reply.text) current.description = truncate(toDiscordMarkdown(reply.text), EMBED_LIMITS.description, more);
  for (const section of reply.sections ?? []) {
    const title = section.title ? truncate(plainText(section.title), EMBED_LIMITS.fieldName, more) : undefined;
    const text = section.text ? toDiscordMarkdown(section.text) : undefined;
    if (text && text.length > EMBED_LIMITS.fieldValue) {
      // Too long for a field: a section of its own, as an embed with a description.
      start({ ...(title ? { title } : {}), description: truncate(text, EMBED_LIMITS.description, more) });
    } else if (text) {
      addField({ name: title ?? BLANK, value: text, inline: false });
    } else if (title) {
      addField({ name: title, value: BLANK, inline: false });
    }
    for (const field of section.fields ?? []) {
      addField({
        name: truncate(plainText(field.label), EMBED_LIMITS.fieldName, more) || BLANK,
        value: truncate(toDiscordMarkdown(field.value), EMBED_LIMITS.fieldValue, more) || BLANK,
        inline: true,
      });
    }
  }
  if (reply.footer) {
    const footer = truncate(plainText(reply.footer), EMBED_LIMITS.footer, more);
    if (embedLength(current) + footer.length > EMBED_LIMITS.totalPerMessage) start({});
    current.footer = { text: footer };
  }
  if (embedLength(current) > 0) embeds.push(current);
  return embeds;
}

function packMessages(embeds: APIEmbed[], maxMessages: number, more: string): DiscordMessageBody[] {
  const messages: DiscordMessageBody[] = [];
  let current: APIEmbed[] = [];
  let length = 0;
  for (const embed of embeds) {
    const size = embedLength(embed);
    if (current.length && (current.length >= EMBED_LIMITS.embedsPerMessage || length + size > EMBED_LIMITS.totalPerMessage)) {
      messages.push(message(current));
      current = [];
      length = 0;
    }
    current.push(embed);
    length += size;
  }
  messages.push(message(current));
  if (messages.length > maxMessages) {
    const kept = messages.slice(0, maxMessages);
    markCut(kept[kept.length - 1]!, more);
    return kept;
  }
  return messages;
}

/** The last message of a cut reply says that there was more. */
function markCut(message: DiscordMessageBody, more: string): void {
  const last = message.embeds[message.embeds.length - 1];
  if (!last) return;
  const room = EMBED_LIMITS.totalPerMessage - message.embeds.reduce((sum, embed) => sum + embedLength(embed), 0);
  if (room >= more.length) {
    last.footer = { text: last.footer ? truncate(`${last.footer.text} ${more}`, EMBED_LIMITS.footer, more) : more };
  }
}

function message(embeds: APIEmbed[]): DiscordMessageBody {
  return { embeds, components: [], allowed_mentions: { parse: [] } };
}

function buttonRows(buttons: Button[], extra: APIButtonComponentWithCustomId[]) {
  const dropped: string[] = [];
  const seen = new Set<string>();
  const components: APIButtonComponentWithCustomId[] = [];
  const max = EMBED_LIMITS.buttonsPerRow * EMBED_LIMITS.rows;
  for (const button of buttons) {
    const customId = actionCustomId(button.actionId, button.value);
    if (!customId || seen.has(customId) || components.length >= max - extra.length) {
      dropped.push(button.actionId);
      continue;
    }
    seen.add(customId);
    components.push({
      type: ComponentType.Button,
      custom_id: customId,
      label: truncate(plainText(button.label), EMBED_LIMITS.buttonLabel, '…'),
      style: button.style === 'primary' ? ButtonStyle.Primary : button.style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Secondary,
    });
  }
  components.push(...extra.slice(0, max));
  const rows: APIActionRowComponent<APIButtonComponentWithCustomId>[] = [];
  for (let i = 0; i < components.length; i += EMBED_LIMITS.buttonsPerRow) {
    rows.push({ type: ComponentType.ActionRow, components: components.slice(i, i + EMBED_LIMITS.buttonsPerRow) });
  }
  return { rows, dropped };
}

/** A secondary button of the adapter's own. */
export function adapterButton(customId: string, label: string): APIButtonComponentWithCustomId {
  return { type: ComponentType.Button, custom_id: customId, label: truncate(label, EMBED_LIMITS.buttonLabel, '…'), style: ButtonStyle.Primary };
}
