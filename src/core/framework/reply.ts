// The neutral reply every handler returns. Adapters render it as Block Kit, embeds or terminal
// text. Text uses a small markup every platform can show: **bold**, _italic_, `code`,
// [label](https://link) and lines starting with "- " for lists. Mentions of members are tokens
// (core/mentions.ts) that each adapter turns into its own ping, or into plain text.
import type { ReplyFile } from './files.ts';
import { mentionsAsPlainText } from '../mentions-text.ts';

export type { ReplyFile } from './files.ts';

export interface Field {
  label: string;
  value: string;
}

export interface Section {
  title?: string;
  text?: string;
  fields?: Field[];
}

export interface Button {
  /** `<command>.<button>` as declared in the command file; routes the press back to it. */
  actionId: string;
  label: string;
  /** Passed back to the button handler, e.g. the id of the record the button acts on. */
  value?: string;
  style?: 'primary' | 'danger';
}

/**
 * What a discussion under a visible reply is about: the adapter posts the reply where its
 * platform message can carry a thread (a Slack thread on its ts, a Discord thread started
 * from it) and tells the Bot where it landed (Bot.discussionStarted). What people then write
 * in that thread is kept as the subject's thread messages.
 */
export interface Discussion {
  /** The kind of record, e.g. 'update'. */
  subjectType: string;
  /** Its id. */
  subjectId: string;
}

export interface Reply {
  /** Ephemeral: only the person who asked sees it. Channel: everyone in the channel. */
  visibility: 'ephemeral' | 'channel';
  title?: string;
  text?: string;
  sections?: Section[];
  buttons?: Button[];
  /** Small print under the reply (source, hints). */
  footer?: string;
  /** Marks replies that explain a mistake, so adapters can style them. */
  isError?: boolean;
  /**
   * Opens a discussion thread on this reply (channel replies only). Platforms without threads
   * (the console) ignore it; where the reply cannot carry a thread it is posted without one.
   */
  discussion?: Discussion;
  /** Files sent with the message (an .ics, a JSON export); see framework/files.ts. */
  files?: ReplyFile[];
  /**
   * Instead of a message, a form for the person to fill in (a Slack or Discord modal, numbered
   * lines on the console): a form declared in the command file (CommandDeclaration.forms).
   */
  form?: FormRequest;
}

/** A form a handler or button handler answers with. */
export interface FormRequest {
  /** `<command>.<form>` as declared in the command file. */
  formId: string;
  /**
   * Short text handed back to the form's handler with the submission, e.g. the id of the record
   * it is about ([A-Za-z0-9_.-], at most 40): it travels in the modal's id, so a restart
   * between showing and submitting loses nothing.
   */
  state?: string;
  /** Prefilled values per field. */
  values?: Record<string, string>;
}

export function ephemeral(parts: Omit<Reply, 'visibility'>): Reply {
  return { visibility: 'ephemeral', ...parts };
}

export function inChannel(parts: Omit<Reply, 'visibility'>): Reply {
  return { visibility: 'channel', ...parts };
}

export function errorReply(text: string, usage?: string): Reply {
  return { visibility: 'ephemeral', isError: true, text, footer: usage };
}

/** Markup stripped to plain text: the console, notification previews and fallbacks. */
export function plainText(markup: string): string {
  return mentionsAsPlainText(markup)
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|[\s(])_(.+?)_(?=[\s).,!?:;]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\((https?:[^)]+)\)/g, '$1 ($2)');
}

/** The whole reply as plain text: titles, fields, buttons as words. */
export function replyToPlainText(reply: Reply): string {
  const lines: string[] = [];
  if (reply.title) lines.push(plainText(reply.title));
  if (reply.text) lines.push(plainText(reply.text));
  for (const section of reply.sections ?? []) {
    if (section.title) lines.push('', plainText(section.title));
    if (section.text) lines.push(plainText(section.text));
    for (const field of section.fields ?? []) lines.push(`${plainText(field.label)}: ${plainText(field.value)}`);
  }
  if (reply.footer) lines.push('', plainText(reply.footer));
  return lines.join('\n').trim();
}
