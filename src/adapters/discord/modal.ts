// Forms as Discord modals. A modal holds at most five components: the privacy notice as a
// text block (when the form has one and it leaves room for every field; otherwise its short
// form in the first text field's description), then one labelled component per field: a text input
// (one line, or a paragraph for long text), a select for choices, a user select for people.
// Modals cannot show field errors, so an error goes into the field's label description when
// the form is opened again.
import {
  ComponentType,
  TextInputStyle,
  type APIComponentInLabel,
  type APILabelComponent,
  type APIModalInteractionResponseCallbackData,
  type APITextDisplayComponent,
} from 'discord.js';
import { plainText } from '../../core/framework/reply.ts';
import type { Form, FormField } from '../../core/framework/usage.ts';
import { truncate } from './render.ts';

export const MODAL_LIMITS = { title: 45, components: 5, label: 45, description: 100, placeholder: 100, textInput: 4000, selectOptions: 25 } as const;

export interface ModalTexts {
  /** The notice in at most 100 characters, for the placeholder of the first text field. */
  shortNotice: string;
  /** Placeholder of selects. */
  choose: string;
}

export interface BuiltModal {
  modal: APIModalInteractionResponseCallbackData;
  /** Fields that did not fit in the five components; their values must be kept elsewhere. */
  hidden: string[];
}

export function buildModal(form: Form, customId: string, texts: ModalTexts): BuiltModal {
  // When the notice block alone would push a field out (five fields), the short notice goes
  // into the first text field's description instead: still in view while typing, and every
  // field fits (the advice form: theme, question, urgency, organisation, contact).
  const isText = (field: FormField) => field.kind !== 'choice' && field.kind !== 'user';
  const noticeInField = Boolean(form.notice) && form.fields.length === MODAL_LIMITS.components && form.fields.some(isText);
  const notice: APITextDisplayComponent[] = form.notice && !noticeInField ? [{ type: ComponentType.TextDisplay, content: form.notice }] : [];
  const room = MODAL_LIMITS.components - notice.length;
  // Required fields first when not all fit; otherwise the declared order.
  const ordered = form.fields.length > room ? [...form.fields.filter((f) => f.required), ...form.fields.filter((f) => !f.required)] : form.fields;
  const shown = new Set(ordered.slice(0, room).map((field) => field.name));
  let placeholderUsed = false;
  const labels = form.fields
    .filter((field) => shown.has(field.name))
    .map((field) => {
      const withNotice = Boolean(form.notice) && isText(field) && !placeholderUsed;
      if (withNotice) placeholderUsed = true;
      return labelFor(field, withNotice ? texts.shortNotice : undefined, texts, withNotice && noticeInField);
    });
  return {
    modal: {
      custom_id: customId,
      title: truncate(form.title, MODAL_LIMITS.title, '…'),
      components: [...notice, ...labels],
    },
    hidden: form.fields.filter((field) => !shown.has(field.name)).map((field) => field.name),
  };
}

function labelFor(field: FormField, shortNotice: string | undefined, texts: ModalTexts, noticeAsDescription = false): APILabelComponent {
  // The notice as description moves the field's own label text into the placeholder.
  const description = field.error ? `⚠ ${plainText(field.error)}` : noticeAsDescription && shortNotice ? shortNotice : field.label;
  const placeholder = noticeAsDescription ? field.label : shortNotice;
  return {
    type: ComponentType.Label,
    label: truncate(field.name.charAt(0).toUpperCase() + field.name.slice(1), MODAL_LIMITS.label, '…'),
    description: truncate(description, MODAL_LIMITS.description, '…'),
    component: componentFor(field, placeholder, texts),
  };
}

function componentFor(field: FormField, placeholder: string | undefined, texts: ModalTexts): APIComponentInLabel {
  if (field.kind === 'choice' && field.choices && field.choices.length <= MODAL_LIMITS.selectOptions) {
    return {
      type: ComponentType.StringSelect,
      custom_id: field.name,
      placeholder: texts.choose,
      required: field.required,
      min_values: field.required ? 1 : 0,
      max_values: 1,
      options: field.choices.map((choice) => ({
        label: truncate(choice.label, 100, '…'),
        value: choice.value,
        ...(choice.value === field.value ? { default: true } : {}),
      })),
    };
  }
  if (field.kind === 'user') {
    const id = field.value?.startsWith('discord:') ? field.value.slice('discord:'.length) : undefined;
    return {
      type: ComponentType.UserSelect,
      custom_id: field.name,
      required: field.required,
      min_values: field.required ? 1 : 0,
      max_values: 1,
      ...(id ? { default_values: [{ id, type: 'user' as never }] } : {}),
    };
  }
  // A prefilled value longer than the field's limit (the reason it was refused) is shown whole,
  // so the person can shorten it; Discord refuses a value over max_length, and anything over 4000.
  const value = field.value?.slice(0, MODAL_LIMITS.textInput);
  const max = Math.min(Math.max(field.maxLength ?? MODAL_LIMITS.textInput, value?.length ?? 0), MODAL_LIMITS.textInput);
  return {
    type: ComponentType.TextInput,
    custom_id: field.name,
    style: field.long ? TextInputStyle.Paragraph : TextInputStyle.Short,
    required: field.required,
    max_length: max,
    ...(placeholder ? { placeholder: truncate(placeholder, MODAL_LIMITS.placeholder, '…') } : {}),
    ...(value ? { value } : {}),
  };
}

/** What a modal submit carries, as discord.js hands it over (action rows or labels). */
export interface SubmittedComponent {
  type: number;
  customId?: string;
  value?: string | null;
  values?: readonly string[];
  component?: SubmittedComponent;
  components?: readonly SubmittedComponent[];
}

/**
 * The submitted values by field name; people picked in a user select become `discord:<id>`.
 * An emptied field is '' (the Bot reads that as not given), so it overrides an older value.
 */
export function valuesFromModal(components: readonly SubmittedComponent[]): Record<string, string> {
  const values: Record<string, string> = {};
  const visit = (component: SubmittedComponent) => {
    if (component.component) visit(component.component);
    for (const child of component.components ?? []) visit(child);
    if (!component.customId) return;
    if (component.type === ComponentType.UserSelect) {
      const id = component.values?.[0];
      values[component.customId] = id ? `discord:${id}` : '';
    } else if (component.values) {
      values[component.customId] = component.values[0] ?? '';
    } else if (typeof component.value === 'string') {
      values[component.customId] = component.value;
    }
  };
  components.forEach(visit);
  return values;
}
