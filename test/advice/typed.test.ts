// Typing /advies as the contract writes it: `/advies vraag [#thema] [urgentie:hoog] <vraag>`.
// Named options may follow a leading #theme (the framework's parser read them only at the
// very start or end before); a repeated one is still refused.
import { describe, expect, it } from 'vitest';
import advies from '../../commands/advies.ts';
import update from '../../commands/update.ts';
import { parseCommandText } from '../../src/core/framework/text-parser.ts';

describe('typed /advies', () => {
  it('reads theme, urgency and question in the contract\'s order', () => {
    expect(parseCommandText(advies, 'vraag #beleid urgentie:hoog Hoe pakken we dit aan?')).toEqual({ ok: true, subcommand: 'vraag', values: { thema: 'beleid', urgentie: 'hoog', vraag: 'Hoe pakken we dit aan?' } });
  });
  it('still reads named options at the start and the end', () => {
    expect(parseCommandText(advies, 'vraag urgentie:hoog #regie Wie? organisatie:"Den Haag"')).toEqual({ ok: true, subcommand: 'vraag', values: { thema: 'regie', urgentie: 'hoog', vraag: 'Wie?', organisatie: 'Den Haag' } });
  });
  it('keeps a name: word inside the text as text', () => {
    expect(parseCommandText(advies, 'vraag #beleid Wat is urgentie:hoog eigenlijk?')).toMatchObject({ ok: true, values: { vraag: 'Wat is urgentie:hoog eigenlijk?' } });
  });
  it('refuses an option named twice, also after the theme', () => {
    expect(parseCommandText(advies, 'vraag urgentie:hoog #beleid urgentie:normaal Vraag')).toMatchObject({ ok: false, problem: 'repeated', name: 'urgentie' });
  });
  it('lets /update plaats take gemeente: after its #theme the same way', () => {
    expect(parseCommandText(update, 'plaats #regie gemeente:Utrecht Regiotafel gestart')).toEqual({ ok: true, subcommand: 'plaats', values: { thema: 'regie', gemeente: 'Utrecht', tekst: 'Regiotafel gestart' } });
  });
});
