// Neutral replies as terminal text. Buttons become numbered choices ([1] Goedkeuren) that a
// later line presses with !1. A delivered message gets a header line naming its recipient.
import { plainText, replyToPlainText, type Button, type Reply } from '../../core/framework/reply.ts';
import type { Translate } from '../../core/i18n.ts';
import type { OutboxTarget } from '../../core/outbox/outbox.ts';
import type { Form } from '../../core/framework/usage.ts';

export function renderForConsole(reply: Reply, firstNumber: number): { text: string; buttons: Button[] } {
  const lines: string[] = [];
  if (reply.title) lines.push(`== ${plainText(reply.title)} ==`);
  const body = replyToPlainText({ ...reply, title: undefined });
  if (body) lines.push(reply.isError ? `! ${body.replace(/\n/g, '\n  ')}` : body);
  const buttons = reply.buttons ?? [];
  if (buttons.length) {
    lines.push(buttons.map((button, index) => `[${firstNumber + index}] ${plainText(button.label)}`).join('   '));
  }
  return { text: lines.join('\n'), buttons };
}

/**
 * The header line of a delivered message: `Bericht voor @adv1:` for a direct message,
 * `#console` for a channel post, `#console (draad)` for a reply in a thread (its ref is
 * `channel/thread`; on the console a channel's ref is its name).
 */
export function deliveryHeader(target: OutboxTarget, t: Translate): string {
  if (target.kind === 'user') return t('console.forUser', { name: target.ref });
  if (target.kind === 'thread') return t('console.forThread', { channel: target.ref.split('/')[0] });
  return t('console.forChannel', { channel: target.ref });
}

/**
 * A form on the console: its title, notice and fields (prefilled values, errors under the
 * field), then how to fill it in: `!N naam:waarde …`, pressed like a button.
 */
export function renderFormForConsole(form: Form, number: number, t: Translate): string {
  const lines = [`== ${plainText(form.title)} ==`];
  if (form.notice) lines.push(plainText(form.notice));
  for (const field of form.fields) {
    const need = t(field.required ? 'console.formRequired' : 'console.formOptional');
    lines.push(`- ${field.name} (${plainText(field.label)}; ${need})${field.value ? `: ${field.value}` : ''}`);
    if (field.error) lines.push(`  ${t('console.formError', { error: plainText(field.error) })}`);
  }
  const example = form.fields.map((field) => `${field.name}:"…"`).join(' ');
  lines.push(t('console.formFields', { number, example }));
  lines.push(`[${number}] ${plainText(form.submitLabel)}`);
  return lines.join('\n');
}
