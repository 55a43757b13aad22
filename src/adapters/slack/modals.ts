// Forms as Slack modals. A neutral Form (built by the core from the declarations) becomes a
// views.open modal; its submission becomes option values for Bot.handleCommand again, and the
// core's field errors go back to the modal keyed by block id (= option name).
import type { types } from '@slack/bolt';
import type { Bot } from '../../core/bot.ts';
import { findInvocable } from '../../core/framework/declarations.ts';
import { plainText, type Reply } from '../../core/framework/reply.ts';
import type { Form, FormField } from '../../core/framework/usage.ts';
import type { FieldErrors } from '../../core/framework/validate.ts';
import type { Translate } from '../../core/i18n.ts';
import { LIMITS, renderReply, toMrkdwn, truncate } from './render.ts';

type ModalView = types.ModalView;
type KnownBlock = types.KnownBlock;

export const FORM_CALLBACK_ID = 'binnenuit.form';
/** Every input element uses this action id; the block id says which option it fills. */
const VALUE_ACTION = 'value';
const TITLE_MAX = 24;
const INPUT_MAX = 3000;
const OPTIONS_MAX = 100;
const LABEL_MAX = 2000;

/** Where a form came from and where its answer goes, carried in the modal's private_metadata. */
export interface FormOrigin {
  command: string;
  subcommand?: string;
  channelRef?: string;
  channelName?: string;
  /** The slash command's response_url (valid 30 minutes): answers appear where it was typed. */
  responseUrl?: string;
}

export function encodeOrigin(origin: FormOrigin): string {
  const json = JSON.stringify({ c: origin.command, s: origin.subcommand, ch: origin.channelRef, cn: origin.channelName, r: origin.responseUrl });
  // private_metadata holds 3000 characters; without the response URL the answer goes by DM.
  return json.length <= 3000 ? json : JSON.stringify({ c: origin.command, s: origin.subcommand, ch: origin.channelRef });
}

export function decodeOrigin(metadata: string | undefined): FormOrigin | undefined {
  try {
    const raw = JSON.parse(metadata ?? '') as Record<string, unknown>;
    if (typeof raw.c !== 'string') return undefined;
    const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
    return { command: raw.c, subcommand: text(raw.s), channelRef: text(raw.ch), channelName: text(raw.cn), responseUrl: text(raw.r) };
  } catch {
    return undefined;
  }
}

/** Options whose declaration names a suggestion source: Slack loads them as you type. */
export function suggestedFields(bot: Bot, command: string, subcommand: string | undefined): Set<string> {
  const declaration = bot.findCommand(command);
  const found = declaration && findInvocable(declaration, subcommand);
  const options = found ? Object.entries(found.invocable.options) : [];
  return new Set(options.filter(([, option]) => option.autocomplete).map(([name]) => name));
}

const plain = (text: string, max: number): types.PlainTextElement => ({ type: 'plain_text', text: truncate(text, max), emoji: true });

function element(field: FormField, suggested: boolean, t: Translate): types.InputBlockElement {
  if (field.kind === 'choice' && field.choices) {
    const options = field.choices.slice(0, OPTIONS_MAX).map((choice) => ({ text: plain(choice.label, 75), value: choice.value }));
    const initial = options.find((option) => option.value === field.value?.toLowerCase().replace(/^#/, ''));
    return { type: 'static_select', action_id: VALUE_ACTION, placeholder: plain(t('slack.modal.choose'), 150), options, ...(initial ? { initial_option: initial } : {}) };
  }
  if (suggested) {
    const initial = field.value ? { initial_option: { text: plain(field.value, 75), value: field.value.slice(0, 150) } } : {};
    return { type: 'external_select', action_id: VALUE_ACTION, min_query_length: 0, placeholder: plain(t('slack.modal.search'), 150), ...initial };
  }
  if (field.kind === 'user') {
    const initial = field.value?.startsWith('slack:') ? { initial_user: field.value.slice('slack:'.length) } : {};
    return { type: 'users_select', action_id: VALUE_ACTION, ...initial };
  }
  const placeholder = field.kind === 'datetime' ? { placeholder: plain(t('slack.modal.datetime'), 150) } : {};
  return {
    type: 'plain_text_input',
    action_id: VALUE_ACTION,
    multiline: field.long,
    ...(field.maxLength && field.maxLength <= INPUT_MAX ? { max_length: field.maxLength } : {}),
    ...(field.value ? { initial_value: field.value.slice(0, INPUT_MAX) } : {}),
    ...placeholder,
  };
}

/** The modal for a form: the notice (privacy, emergency line) on top, one input per option. */
export function formView(form: Form, origin: FormOrigin, t: Translate, suggested: ReadonlySet<string> = new Set()): ModalView {
  const blocks: KnownBlock[] = [];
  if (form.notice) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: toMrkdwn(form.notice) }] });
  for (const field of form.fields) {
    blocks.push({
      type: 'input',
      block_id: field.name,
      optional: !field.required,
      label: plain(field.label, LABEL_MAX),
      element: element(field, suggested.has(field.name), t),
      ...(field.error ? { hint: plain(plainText(field.error), LABEL_MAX) } : {}),
    });
  }
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK_ID,
    private_metadata: encodeOrigin(origin),
    title: plain(form.title, TITLE_MAX),
    submit: plain(form.submitLabel, TITLE_MAX),
    close: plain(t('slack.modal.cancel'), TITLE_MAX),
    blocks: blocks.slice(0, LIMITS.viewBlocks),
  };
}

/** A reply shown in a modal (answers to Home tab buttons, which have no channel to answer in). */
export function replyView(reply: Reply, t: Translate): ModalView {
  return {
    type: 'modal',
    title: plain('Binnenuit', TITLE_MAX),
    close: plain(t('slack.modal.close'), TITLE_MAX),
    blocks: renderReply(reply, t, LIMITS.viewBlocks).blocks,
  };
}

type StateValue = {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_user?: string | null;
};

/** What was entered, per option name; empty inputs are left out so "required" is reported. */
export function readSubmission(state: { values?: Record<string, Record<string, StateValue>> } | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(state?.values ?? {})) {
    const input = actions[VALUE_ACTION];
    if (!input) continue;
    const value = input.selected_option?.value ?? (input.selected_user ? `slack:${input.selected_user}` : input.value);
    if (typeof value === 'string' && value !== '') values[blockId] = value;
  }
  return values;
}

/** The core's errors for the fields that are in the modal, as Slack wants them (plain text). */
export function modalErrors(view: { blocks?: { block_id?: string }[] }, errors: FieldErrors): Record<string, string> {
  const blockIds = new Set((view.blocks ?? []).map((block) => block.block_id).filter(Boolean));
  return Object.fromEntries(
    Object.entries(errors)
      .filter(([name]) => blockIds.has(name))
      .map(([name, message]) => [name, truncate(plainText(message), LABEL_MAX)]),
  );
}
