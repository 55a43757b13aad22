// Forms on Discord: a modal, or a button that opens one. Discord modals cannot show field
// errors, hold at most five fields and only text, and a modal can only be the first response
// to an interaction; what they cannot carry is kept as a form draft in the database (Bot),
// under a token in the custom_id, so a restart in between loses nothing.
import type { APIButtonComponentWithCustomId } from 'discord.js';
import type { Bot } from '../../core/bot.ts';
import type { FormDraft } from '../../core/form-drafts.ts';
import type { Form } from '../../core/framework/usage.ts';
import type { Translate } from '../../core/i18n.ts';
import { safeError, type Logger } from '../../core/logger.ts';
import { formCustomId } from './custom-ids.ts';
import { buildModal } from './modal.ts';
import { adapterButton } from './render.ts';

export class Forms {
  constructor(
    private readonly bot: Bot,
    private readonly logger: Logger,
  ) {}

  /** What was typed before, while its draft lasts. */
  stashed(token: string | undefined): Promise<FormDraft | undefined> {
    return this.bot.formDraft(token);
  }

  async modal(form: Form, values: Record<string, unknown>, t: Translate) {
    const { modal, hidden } = buildModal(form, formCustomId('modal', form.command, form.subcommand), {
      shortNotice: t('discord.shortNotice'),
      choose: t('discord.choose'),
    });
    // Values Discord's modal cannot carry (fields beyond five, numbers) wait as a draft.
    const carried = Object.entries(values).some(([name, value]) => hidden.includes(name) || typeof value !== 'string');
    if (carried) modal.custom_id = formCustomId('modal', form.command, form.subcommand, await this.keep({ values }));
    return modal;
  }

  /** A button that opens the command's form, prefilled with `draft`. */
  async button(command: string, subcommand: string | undefined, draft: FormDraft, label: string): Promise<APIButtonComponentWithCustomId> {
    return adapterButton(formCustomId('form', command, subcommand, await this.keep(draft)), label);
  }

  /** The draft's token; none when the database cannot keep it (the form then opens empty). */
  private async keep(draft: FormDraft): Promise<string | undefined> {
    try {
      return await this.bot.keepFormDraft(draft);
    } catch (error) {
      this.logger.warn({ err: safeError(error) }, 'form draft not kept; the form will open empty');
      return undefined;
    }
  }
}
