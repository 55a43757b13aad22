// The advice form as a Discord modal (issue 10: theme, question, urgency, organisation and
// preferred contact on both platforms). A modal holds five components; with the notice as a
// text block only four fields would fit, so for a five-field form the short notice moves into
// the first text field's description and every field is shown. Forms with fewer fields keep
// the notice block.
import { ComponentType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { buildModal } from '../../src/adapters/discord/modal.ts';
import type { Form } from '../../src/core/framework/usage.ts';

const field = (name: string, extra: Partial<Form['fields'][number]> = {}): Form['fields'][number] => ({ name, label: `Label ${name}`, kind: 'string', long: false, required: false, ...extra });
const choice = (name: string) => field(name, { kind: 'choice', choices: [{ value: 'a', label: 'A' }] });
const form = (fields: Form['fields']): Form => ({ command: 'advies', subcommand: 'vraag', title: '/advies vraag', submitLabel: 'Verstuur', notice: 'Noem geen namen. Acuut gevaar? 112. Veilig Thuis 0800-2000.', fields });
const texts = { shortNotice: 'Noem geen namen · 112 · 0800-2000', choose: 'Kies…' };
type Label = { type: number; description?: string; component: { custom_id: string; placeholder?: string } };

describe('the advice form as a Discord modal', () => {
  it('shows all five fields with the short notice in the question field', () => {
    const fields = [choice('thema'), field('vraag', { long: true, required: true }), choice('urgentie'), field('organisatie'), choice('contact')];
    const { modal, hidden } = buildModal(form(fields), 'id', texts);
    expect(hidden).toEqual([]);
    const labels = modal.components as unknown as Label[];
    expect(labels.map((label) => label.type)).toEqual(Array(5).fill(ComponentType.Label));
    expect(labels.map((label) => label.component.custom_id)).toEqual(['thema', 'vraag', 'urgentie', 'organisatie', 'contact']);
    expect(labels[1]!.description).toBe('Noem geen namen · 112 · 0800-2000');
    expect(labels[1]!.component.placeholder).toBe('Label vraag');
    // The other text field keeps its own description.
    expect(labels[3]!.description).toBe('Label organisatie');
  });

  it('keeps the notice as a text block when it leaves room for every field', () => {
    const { modal, hidden } = buildModal(form([choice('thema'), field('vraag', { long: true, required: true })]), 'id', texts);
    expect(hidden).toEqual([]);
    expect(modal.components[0]).toEqual({ type: ComponentType.TextDisplay, content: 'Noem geen namen. Acuut gevaar? 112. Veilig Thuis 0800-2000.' });
    expect((modal.components[2] as unknown as Label).component.placeholder).toBe('Noem geen namen · 112 · 0800-2000');
  });
});
