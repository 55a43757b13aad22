import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { parseCommandText, splitCommandLine, tokenize } from '../../src/core/framework/text-parser.ts';

const command = (name: string) => commands.find((c) => c.name === name)!;

describe('typed commands', () => {
  it('splits the command word from the text as Slack does', () => {
    expect(splitCommandLine('/Handreiking  zoek financiering')).toEqual({ command: 'handreiking', text: 'zoek financiering' });
    expect(splitCommandLine('handreiking')).toBeUndefined();
  });

  it('reads the sub-command, a leading #thema and the rest as the text, keeping its line breaks', () => {
    const parsed = parseCommandText(command('update'), 'plaats #samenwerking Vandaag  overleg\nmet Rotterdam');
    expect(parsed).toEqual({ ok: true, subcommand: 'plaats', values: { thema: 'samenwerking', tekst: 'Vandaag  overleg\nmet Rotterdam' } });
  });

  it('takes named options at the start or the end', () => {
    const parsed = parseCommandText(command('update'), 'plaats Bijeenkomst over regie gemeente:Rotterdam');
    expect(parsed).toEqual({ ok: true, subcommand: 'plaats', values: { tekst: 'Bijeenkomst over regie', gemeente: 'Rotterdam' } });
  });

  it('uses the default sub-command when none is typed', () => {
    expect(parseCommandText(command('profiel'), '')).toEqual({ ok: true, subcommand: 'toon', values: {} });
  });

  it('reports an unknown sub-command', () => {
    expect(parseCommandText(command('update'), 'verwijder alles')).toEqual({ ok: false, problem: 'unknownSubcommand', word: 'verwijder' });
  });

  it('reports words that belong to no option', () => {
    expect(parseCommandText(command('profiel'), 'taal nl extra')).toEqual({ ok: false, problem: 'tooMany', subcommand: 'taal', extra: 'extra' });
  });

  it('keeps quoted words together, with straight and curly quotes', () => {
    expect(tokenize('"gemeente Den Haag" “twee woorden” los').map((t) => t.value)).toEqual(['gemeente Den Haag', 'twee woorden', 'los']);
  });
});

describe('option values from forms', () => {
  it('treat an emptied optional field as not given, and an emptied required one as missing', () => {
    const plaats = command('update').subcommands!.find((sub) => sub.name === 'plaats')!;
    expect(plaats.options.gemeente!.schema.safeParse('   ')).toEqual({ success: true, data: undefined });
    expect(plaats.options.thema!.schema.safeParse('')).toEqual({ success: true, data: undefined });
    expect(plaats.options.tekst!.schema.safeParse('').success).toBe(false);
    expect(plaats.options.tekst!.schema.safeParse('  Tekst  ')).toEqual({ success: true, data: 'Tekst' });
  });
});
