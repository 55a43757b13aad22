// A test-only command for the contract suite: it exercises what no real command uses yet
// (files, forms from a button, mentions) through the real Bot and adapters. Declared like any
// command file; its texts are plain because it is never shown to real people.
import { defineCommand, form, invocable } from '../../src/core/framework/declarations.ts';
import { binaryFile, textFile } from '../../src/core/framework/files.ts';
import { choice, integer, string } from '../../src/core/framework/options.ts';
import { ephemeral, type Reply } from '../../src/core/framework/reply.ts';
import { addTexts, locales } from '../../src/core/i18n.ts';
import { mention } from '../../src/core/mentions.ts';

// What Discord registers for the command (descriptions in both languages).
for (const locale of locales) {
  addTexts(locale, {
    commands: { toets: { description: 'Test command of the contract suite', options: { wat: 'What to test', wie: 'Who to mention' } } },
    choices: { bestand: 'bestand', groot: 'groot', formulier: 'formulier', noem: 'noem' },
  });
}

export const ICS = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Binnenuit//toets//NL\r\nEND:VCALENDAR\r\n';
/** Bytes that are not valid UTF-8: they must arrive exactly, not as text. */
export const BINARY = Uint8Array.from([0, 255, 1, 254, 0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]);
/** Just over the 8 MB limit. */
const TOO_BIG = 8 * 1024 * 1024 + 1;

export const contractCommand = defineCommand({
  name: 'toets',
  root: invocable({
    access: 'everyone',
    options: { wat: choice(['bestand', 'groot', 'formulier', 'noem'] as const, { required: true }), wie: string({ maxLength: 100 }) },
    async run(ctx, input): Promise<Reply> {
      if (input.wat === 'bestand') return ephemeral({ text: 'Hier is je agenda.', files: [textFile('Overleg 12 mei.ics', 'text/calendar', ICS), binaryFile('../../etc/passwd', 'application/octet-stream', BINARY)] });
      if (input.wat === 'groot') return ephemeral({ text: 'Hier is het grote bestand.', files: [textFile('groot.json', 'application/json', 'x'.repeat(TOO_BIG))] });
      if (input.wat === 'formulier') return ephemeral({ text: 'Wil je een reden geven?', buttons: [{ actionId: 'toets.reden', label: 'Reden geven', value: 'R-7' }] });
      // noem: mentions of the members named by their console/platform account ids.
      const named = await Promise.all(
        (input.wie ?? '').split(',').filter(Boolean).map(async (account) => {
          const [platform, id] = account.split('=') as ['slack' | 'discord' | 'console', string];
          const identity = await ctx.services.members.resolve(platform, id);
          return mention(identity);
        }),
      );
      return ephemeral({ text: `Genoemd: ${named.join(' en ')}` });
    },
  }),
  buttons: [
    {
      name: 'reden',
      access: 'everyone',
      run: async (_ctx, value) => ({ visibility: 'ephemeral', form: { formId: 'toets.reden', state: value, values: { reden: 'Te laat' } } }),
    },
  ],
  forms: [
    form({
      name: 'reden',
      access: 'everyone',
      options: { reden: string({ maxLength: 500 }), aantal: integer({ required: true, min: 1, max: 10 }) },
      texts: () => ({ title: 'Reden van afwijzing', labels: { reden: 'Waarom?', aantal: 'Hoe vaak?' }, notice: 'Noem geen namen van cliënten of slachtoffers.' }),
      run: async (_ctx, input, state) => ephemeral({ text: `Ontvangen ${state}: ${input.reden ?? '-'} (${input.aantal})` }),
    }),
  ],
});
