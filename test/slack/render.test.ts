// Neutral replies as Block Kit: markup, escaping, and Slack's limits (50 blocks per message,
// 3000 characters per section, 10 fields per section, unique action ids per block).
import { describe, expect, it } from 'vitest';
import { LIMITS, parseActionId, renderReply, splitMrkdwn, toMrkdwn } from '../../src/adapters/slack/render.ts';
import { readCommandText } from '../../src/adapters/slack/listeners.ts';
import { decodeOrigin, formView, modalErrors, readSubmission } from '../../src/adapters/slack/modals.ts';
import type { Form } from '../../src/core/framework/usage.ts';
import type { Reply } from '../../src/core/framework/reply.ts';
import { translator } from '../../src/core/i18n.ts';
import { blocksText } from './seen.ts';

const nl = translator('nl');
const en = translator('en');

function withinLimits(blocks: any[], maxBlocks: number = LIMITS.messageBlocks) {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  for (const block of blocks) {
    if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (block.type === 'section' && block.fields) {
      expect(block.fields.length).toBeLessThanOrEqual(LIMITS.fieldsPerSection);
      for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (block.type === 'actions') {
      expect(block.elements.length).toBeLessThanOrEqual(LIMITS.buttonsPerActions);
      const ids = block.elements.map((element: any) => element.action_id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  }
}

describe('Slack rendering', () => {
  it('turns our markup into mrkdwn and escapes what could become a mention or link', () => {
    expect(toMrkdwn('**Let op**: _zie_ `code` en [de handreiking](https://example.org/h?a=1&b=2)')).toBe(
      '*Let op*: _zie_ `code` en <https://example.org/h?a=1&amp;b=2|de handreiking>',
    );
    expect(toMrkdwn('<!channel> & <@U123> 3 > 2')).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt; 3 &gt; 2');
    expect(toMrkdwn('- een\n- twee')).toBe('• een\n• twee');
  });

  it('reads typed text back as typed: Slack escapes &, < and >', () => {
    expect(readCommandText('GGD &amp; wijkteam &lt;zuid&gt; &amp;lt;')).toBe('GGD & wijkteam <zuid> &lt;');
  });

  it('fits a reply of 60 sections and a 7000-character text in 50 blocks of at most 3000 characters, saying what was left out', () => {
    const text = Array.from({ length: 140 }, (_, i) => `Regel ${i} ${'x'.repeat(40)}`).join('\n');
    expect(text.length).toBeGreaterThan(7000);
    const reply: Reply = {
      visibility: 'ephemeral',
      title: 'Veel',
      text,
      sections: Array.from({ length: 60 }, (_, i) => ({ title: `Deel ${i}`, text: `Inhoud ${i}` })),
      buttons: [{ actionId: 'update.meer', label: 'Meer', value: '1' }],
      footer: 'Voetnoot',
    };
    const { blocks, text: fallback } = renderReply(reply, nl);
    withinLimits(blocks);
    expect(blocks).toHaveLength(50);
    const shown = blocksText(blocks);
    // The whole long text is there, split over sections at line breaks.
    expect(shown).toContain('Regel 0 ');
    expect(shown).toContain('Regel 139 ');
    expect(shown).toMatch(/Er is meer: \d+ onderdelen passen niet/);
    expect(shown).toContain('Voetnoot');
    expect(blocks.at(-1)!.type).toBe('actions');
    expect(fallback.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    expect(fallback).toContain('ingekort');
    expect(blocksText(renderReply(reply, en).blocks)).toMatch(/There is more: \d+ parts/);
  });

  it('splits a text without line breaks safely, never inside an escape or a link', () => {
    const pieces = splitMrkdwn(`${'a'.repeat(2997)}&amp;b${'c'.repeat(10)}`, 3000);
    expect(pieces.every((piece) => piece.length <= 3000)).toBe(true);
    expect(pieces[1]!.startsWith('&amp;')).toBe(true);
    const link = `${'a'.repeat(2990)}<https://example.org|x>`;
    expect(splitMrkdwn(link, 3000)[1]).toBe('<https://example.org|x>');
  });

  it('puts at most 10 fields in a section and repeats buttons with unique action ids', () => {
    const reply: Reply = {
      visibility: 'ephemeral',
      sections: [{ fields: Array.from({ length: 23 }, (_, i) => ({ label: `Veld ${i}`, value: 'w'.repeat(2500) })) }],
      buttons: Array.from({ length: 30 }, () => ({ actionId: 'handreiking.delen', label: 'Deel'.repeat(30), value: 'slug' })),
    };
    const { blocks } = renderReply(reply, nl);
    withinLimits(blocks);
    expect(blocks.filter((block) => block.type === 'section')).toHaveLength(3);
    const buttons = blocks.filter((block) => block.type === 'actions').flatMap((block: any) => block.elements);
    expect(buttons).toHaveLength(30);
    expect(buttons.every((button: any) => parseActionId(button.action_id) === 'handreiking.delen')).toBe(true);
    expect(buttons.every((button: any) => button.text.text.length <= LIMITS.buttonText)).toBe(true);
  });

  it('marks errors and keeps ephemeral replies free of channel markup', () => {
    const { blocks, text } = renderReply({ visibility: 'ephemeral', isError: true, text: '`tekst` ontbreekt.', footer: 'Zo: /update plaats <tekst>' }, nl);
    expect(blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':warning: `tekst` ontbreekt.' } });
    expect(blocks[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Zo: /update plaats &lt;tekst&gt;' }] });
    expect(text).toBe('tekst ontbreekt.\n\nZo: /update plaats &lt;tekst&gt;');
  });
});

describe('Slack modals from forms', () => {
  const form: Form = {
    command: 'advies',
    subcommand: 'vraag',
    title: '/advies vraag met een lange titel',
    submitLabel: 'Versturen',
    notice: nl('safety.formNotice'),
    fields: [
      { name: 'vraag', label: 'Je vraag', kind: 'string', long: true, required: true, maxLength: 4000, value: 'Eerder getypt' },
      { name: 'adviseur', label: 'Adviseur', kind: 'user', long: false, required: false, value: 'slack:UADV' },
      { name: 'wanneer', label: 'Wanneer', kind: 'datetime', long: false, required: false },
    ],
  };

  it('shows the privacy notice and emergency line above the inputs, and fits Slack limits', () => {
    const view = formView(form, { command: 'advies', subcommand: 'vraag', channelRef: 'C1', responseUrl: 'https://hooks.example/1' }, nl);
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.blocks[0]).toMatchObject({ type: 'context' });
    expect(blocksText(view.blocks)).toContain('Veilig Thuis 0800-2000');
    const [vraag, adviseur, wanneer] = view.blocks.slice(1) as any[];
    // Slack's inputs hold 3000 characters; a longer declared limit is checked by the core.
    expect(vraag.element).toEqual({ type: 'plain_text_input', action_id: 'value', multiline: true, initial_value: 'Eerder getypt' });
    expect(adviseur.element).toEqual({ type: 'users_select', action_id: 'value', initial_user: 'UADV' });
    expect(wanneer.element.placeholder.text).toContain('morgen 14:00');
    expect(decodeOrigin(view.private_metadata)).toEqual({ command: 'advies', subcommand: 'vraag', channelRef: 'C1', channelName: undefined, responseUrl: 'https://hooks.example/1' });
  });

  it('reads a submission back into option values, and errors back onto its blocks', () => {
    const values = readSubmission({
      values: {
        vraag: { value: { type: 'plain_text_input', value: 'Hoe financieren?' } },
        adviseur: { value: { type: 'users_select', selected_user: 'UADV' } },
        wanneer: { value: { type: 'plain_text_input', value: null } },
        thema: { value: { type: 'static_select', selected_option: { value: 'regie' } } },
      },
    });
    expect(values).toEqual({ vraag: 'Hoe financieren?', adviseur: 'slack:UADV', thema: 'regie' });
    const errors = modalErrors({ blocks: [{ block_id: 'vraag' }] }, { vraag: '`vraag` ontbreekt.', elders: 'niet in dit formulier' });
    expect(errors).toEqual({ vraag: 'vraag ontbreekt.' });
    expect(decodeOrigin('not json')).toBeUndefined();
  });
});
