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

describe('hostile typing', () => {
  const update = command('update');
  /** The fastest of several runs: other work on the machine only ever makes a run slower. */
  const fastest = (text: string, runs = 5) => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      tokenize(text);
      best = Math.min(best, performance.now() - started);
    }
    return best;
  };

  it('tokenizes unmatched quotes in time linear in the length (4× the text, far under 16× the time)', () => {
    for (const unit of ['“', '„', '"', "'", '„a “b ']) {
      const small = `plaats ${unit.repeat(20_000 / unit.length)}`;
      const large = `plaats ${unit.repeat(80_000 / unit.length)}`;
      fastest(small, 1); // warm-up
      // Quadratic work gives 16×; a floor of 3 ms keeps timer and GC noise of short runs out of it.
      const ratio = fastest(large) / Math.max(fastest(small), 3);
      expect(ratio, `unit ${JSON.stringify(unit)}`).toBeLessThan(12);
    }
  }, 300_000);

  it('parses 200,000 characters of unmatched quotes within a generous second', () => {
    const started = performance.now();
    const parsed = parseCommandText(update, `plaats ${'“'.repeat(200_000)}`);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(parsed).toEqual({ ok: true, subcommand: 'plaats', values: { tekst: '“'.repeat(200_000) } });
  }, 120_000);

  it('keeps an unmatched quote as a character, and still pairs later quotes', () => {
    expect(tokenize('„open "twee woorden" los').map((t) => t.value)).toEqual(['„open', 'twee woorden', 'los']);
    expect(tokenize("it's “niet dicht").map((t) => t.value)).toEqual(["it's", '“niet', 'dicht']);
  });

  it('refuses an option given twice instead of keeping the last', () => {
    expect(parseCommandText(update, 'plaats gemeente:A tekst gemeente:B')).toEqual({ ok: false, problem: 'repeated', subcommand: 'plaats', name: 'gemeente' });
    expect(parseCommandText(update, 'plaats tekst gemeente:A gemeente:B')).toEqual({ ok: false, problem: 'repeated', subcommand: 'plaats', name: 'gemeente' });
  });

  it('suggests quotes when a one-word option got several words', () => {
    expect(parseCommandText(update, 'lijst #beleid Stichting Kezban')).toEqual({
      ok: false,
      problem: 'tooMany',
      subcommand: 'lijst',
      extra: 'Kezban',
      quoteHint: { name: 'organisatie', value: 'Stichting Kezban' },
    });
    expect(parseCommandText(update, 'lijst organisatie:"Stichting Kezban"')).toEqual({ ok: true, subcommand: 'lijst', values: { organisatie: 'Stichting Kezban' } });
    // A choice is never several words: no hint there.
    expect(parseCommandText(command('profiel'), 'taal nl extra')).not.toHaveProperty('quoteHint');
  });
});
