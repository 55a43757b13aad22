// Forms on Discord: a modal, or a button that opens one. Discord modals cannot show field
// errors, hold at most five fields and only text, and a modal can only be the first response
// to an interaction; what they cannot carry waits in the stash, under a token in the custom_id.
import type { APIButtonComponentWithCustomId } from 'discord.js';
import type { Form } from '../../core/framework/usage.ts';
import type { Translate } from '../../core/i18n.ts';
import { formCustomId, FormStash, type StashedForm } from './custom-ids.ts';
import { buildModal } from './modal.ts';
import { adapterButton } from './render.ts';

export class Forms {
  private readonly stash = new FormStash();

  /** What was typed before, while the stash still has it. */
  stashed(token: string | undefined): StashedForm | undefined {
    return this.stash.get(token);
  }

  modal(form: Form, values: Record<string, unknown>, t: Translate) {
    const { modal, hidden } = buildModal(form, formCustomId('modal', form.command, form.subcommand), {
      shortNotice: t('discord.shortNotice'),
      choose: t('discord.choose'),
    });
    // Values Discord's modal cannot carry (fields beyond five, numbers) wait in the stash.
    const carried = Object.entries(values).some(([name, value]) => hidden.includes(name) || typeof value !== 'string');
    if (carried) modal.custom_id = formCustomId('modal', form.command, form.subcommand, this.stash.put({ values }));
    return modal;
  }

  /** A button that opens the command's form, prefilled with `stashed`. */
  button(command: string, subcommand: string | undefined, stashed: StashedForm, label: string): APIButtonComponentWithCustomId {
    return adapterButton(formCustomId('form', command, subcommand, this.stash.put(stashed)), label);
  }
}
