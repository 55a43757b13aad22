// Neutral replies as embeds and buttons within Discord's limits; forms as modals; custom ids.
import { describe, expect, it } from 'vitest';
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { actionCustomId, formCustomId, parseCustomId } from '../../src/adapters/discord/custom-ids.ts';
import { optionValues } from '../../src/adapters/discord/interactions.ts';
import { buildModal, valuesFromModal } from '../../src/adapters/discord/modal.ts';
import { EMBED_LIMITS, renderReply, toDiscordMarkdown, truncate } from '../../src/adapters/discord/render.ts';
import type { Reply } from '../../src/core/framework/reply.ts';
import type { Form } from '../../src/core/framework/usage.ts';

const more = '…meer';
const length = (embed: { title?: string; description?: string; footer?: { text: string }; fields?: { name: string; value: string }[] }) =>
  (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);

describe('render', () => {
  it('puts title, text, sections as fields and the footer in an embed; markup stays', () => {
    const reply: Reply = {
      visibility: 'ephemeral',
      title: '**Titel**',
      text: '**vet** en _schuin_ en [link](https://example.org)\n- punt',
      sections: [{ title: 'Sectie', text: 'inhoud', fields: [{ label: 'Rol', value: 'lid' }] }],
      footer: 'voetnoot',
    };
    const [message] = renderReply(reply, { more }).messages;
    expect(message!.embeds).toEqual([
      {
        color: expect.any(Number),
        title: 'Titel',
        description: '**vet** en _schuin_ en [link](https://example.org)\n- punt',
        fields: [
          { name: 'Sectie', value: 'inhoud', inline: false },
          { name: 'Rol', value: 'lid', inline: true },
        ],
        footer: { text: 'voetnoot' },
      },
    ]);
    expect(message!.allowed_mentions).toEqual({ parse: [] });
  });

  it('escapes Discord-only markup so it shows as typed', () => {
    expect(toDiscordMarkdown('# kop\n> citaat\n||geheim|| ~~weg~~')).toBe('\\# kop\n\\> citaat\n\\|\\|geheim\\|\\| \\~\\~weg\\~\\~');
  });

  it('cuts a description at 4096 with the marker', () => {
    const [message] = renderReply({ visibility: 'ephemeral', text: 'a'.repeat(5000) }, { more }).messages;
    const description = message!.embeds[0]!.description!;
    expect(description.length).toBe(EMBED_LIMITS.description);
    expect(description.endsWith(more)).toBe(true);
    expect(truncate('ab😀cd', 4, '…')).toBe('ab…');
  });

  it('gives a section longer than a field (1024) an embed of its own', () => {
    const [message] = renderReply({ visibility: 'ephemeral', title: 'Kop', sections: [{ title: 'Lang', text: 'b'.repeat(1500) }] }, { more }).messages;
    expect(message!.embeds).toHaveLength(2);
    expect(message!.embeds[1]).toMatchObject({ title: 'Lang', description: 'b'.repeat(1500) });
  });

  it('keeps to 25 fields an embed, 10 embeds and 6000 characters a message, spilling into more messages', () => {
    const sections = Array.from({ length: 60 }, (_, i) => ({ title: `S${i}`, text: 'c'.repeat(1000) }));
    const { messages } = renderReply({ visibility: 'channel', sections, buttons: [{ actionId: 'x.y', label: 'Knop' }] }, { more, maxMessages: 20 });
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.embeds.length).toBeLessThanOrEqual(10);
      expect(message.embeds.reduce((n, e) => n + length(e), 0)).toBeLessThanOrEqual(6000);
      for (const embed of message.embeds) expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(25);
    }
    expect(messages.flatMap((m) => m.embeds).flatMap((e) => e.fields ?? [])).toHaveLength(60);
    // Buttons go with the last message.
    expect(messages.at(-1)!.components).toHaveLength(1);
    expect(messages[0]!.components).toHaveLength(0);
  });

  it('cuts to the allowed number of messages and says there was more', () => {
    const sections = Array.from({ length: 60 }, (_, i) => ({ title: `S${i}`, text: 'c'.repeat(1000) }));
    const { messages } = renderReply({ visibility: 'channel', sections }, { more, maxMessages: 1 });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.embeds.at(-1)!.footer?.text).toContain(more);
  });

  it('lays out buttons 5 a row, at most 5 rows, leaving out ids over 100 characters and duplicates', () => {
    const buttons = Array.from({ length: 30 }, (_, i) => ({ actionId: 'handreiking.toon', label: `Passage ${i}`, value: `p${i}`, style: i === 0 ? ('danger' as const) : undefined }));
    buttons.push({ actionId: 'handreiking.toon', label: 'dubbel', value: 'p1', style: undefined });
    buttons.unshift({ actionId: 'handreiking.toon', label: 'te lang', value: 'v'.repeat(100), style: undefined });
    const { messages, droppedButtons } = renderReply({ visibility: 'ephemeral', text: 't', buttons }, { more });
    const rows = messages[0]!.components;
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.components.length <= 5)).toBe(true);
    const ids = rows.flatMap((row) => row.components.map((c) => c.custom_id));
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    expect(ids.every((id) => id.length <= 100)).toBe(true);
    expect(droppedButtons.length).toBe(7);
    expect(rows[0]!.components[0]).toMatchObject({ type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Passage 0', custom_id: 'handreiking.toon|p0' });
  });

  it('cuts button labels to 80 characters', () => {
    const { messages } = renderReply({ visibility: 'ephemeral', text: 't', buttons: [{ actionId: 'a.b', label: 'l'.repeat(120) }] }, { more });
    expect(messages[0]!.components[0]!.components[0]!.label!.length).toBe(80);
  });
});

describe('custom ids', () => {
  it('round-trips actions, forms and modals', () => {
    expect(parseCustomId(actionCustomId('profiel.goedkeuren', 'abc|def')!)).toEqual({ kind: 'action', actionId: 'profiel.goedkeuren', value: 'abc|def' });
    expect(parseCustomId('help.iets')).toEqual({ kind: 'action', actionId: 'help.iets' });
    expect(parseCustomId(formCustomId('form', 'update', 'plaats', 'tok'))).toEqual({ kind: 'form', command: 'update', subcommand: 'plaats', token: 'tok' });
    expect(parseCustomId(formCustomId('modal', 'help'))).toEqual({ kind: 'modal', command: 'help', subcommand: undefined, token: undefined });
    expect(actionCustomId('a.b', 'x'.repeat(97))).toBeUndefined();
  });
});

describe('modals', () => {
  const form = (fields: Form['fields'], notice?: string): Form => ({ command: 'advies', subcommand: 'vraag', title: '/advies vraag', submitLabel: 'Verstuur', notice, fields });
  const field = (name: string, extra: Partial<Form['fields'][number]> = {}): Form['fields'][number] => ({ name, label: `Label ${name}`, kind: 'string', long: false, required: false, ...extra });

  it('shows the notice as text and puts the short notice in the first text field', () => {
    const { modal } = buildModal(
      form([field('thema', { kind: 'choice', choices: [{ value: 'regie', label: 'Regie' }] }), field('vraag', { long: true, required: true, maxLength: 4000 })], 'Noem geen namen. 112. Veilig Thuis 0800-2000.'),
      '~modal|advies|vraag|',
      { shortNotice: 'Noem geen namen · 112 · 0800-2000', choose: 'Kies…' },
    );
    expect(modal.components[0]).toEqual({ type: ComponentType.TextDisplay, content: 'Noem geen namen. 112. Veilig Thuis 0800-2000.' });
    const vraag = (modal.components[2] as unknown as { component: Record<string, unknown> }).component;
    expect(vraag).toMatchObject({ type: ComponentType.TextInput, style: 2, required: true, placeholder: 'Noem geen namen · 112 · 0800-2000' });
    expect((modal.components[1] as unknown as { component: Record<string, unknown> }).component).toMatchObject({ type: ComponentType.StringSelect, min_values: 0 });
  });

  it('holds at most five components, required fields first, and says which fields it left out', () => {
    const fields = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => field(name, { required: name === 'f' }));
    const { modal, hidden } = buildModal(form(fields, 'notice'), 'id', { shortNotice: 's', choose: 'c' });
    expect(modal.components).toHaveLength(5);
    expect(hidden).toEqual(['d', 'e']);
  });

  it('reads submitted labels and action rows; emptied fields are empty, people are discord ids', () => {
    expect(
      valuesFromModal([
        { type: 10 },
        { type: 18, component: { type: 4, customId: 'tekst', value: 'hallo' } },
        { type: 18, component: { type: 3, customId: 'thema', values: ['regie'] } },
        { type: 18, component: { type: 5, customId: 'persoon', values: ['123'] } },
        { type: 1, components: [{ type: 4, customId: 'leeg', value: '' }] },
      ]),
    ).toEqual({ tekst: 'hallo', thema: 'regie', persoon: 'discord:123', leeg: '' });
  });

  it('reads option values from inside a sub-command', () => {
    expect(
      optionValues([{ name: 'rol', type: 1, options: [{ name: 'persoon', type: 6, value: '42' }, { name: 'n', type: 4, value: 3 }] }] as never),
    ).toEqual({ persoon: 'discord:42', n: 3 });
  });
});
