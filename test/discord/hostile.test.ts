// Hostile and clumsy interactions through the real discord.js client and the fake gateway:
// random option values of every type (and of the wrong type), NUL, unmatched quotes, 40,000
// characters, unknown commands and options, made-up button and modal ids, empty or garbage
// modal components. Every interaction is answered, none ends in an unhandled error, and what
// a stranger sends stores nothing. Fixed seed, printed.
import { ApplicationCommandOptionType, InteractionType, ComponentType } from 'discord-api-types/v10';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettledInteraction } from '../../src/adapters/discord/discord-adapter.ts';
import { ADMIN_ID, DiscordHarness } from './harness.ts';

const SEED = Number(process.env.FC_SEED ?? 20261201);
const STRANGER = { id: '900000000000000009', name: 'onbekende' };
const ADMIN = { id: ADMIN_ID, name: 'beheerder' };

const nasty = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.constantFrom('', ' ', '\u0000', '\u200b\u202e', '“'.repeat(40_000), '„unmatched '.repeat(4_000), '@everyone', '<@123>', 'x'.repeat(40_000)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

describe('hostile interactions on Discord', () => {
  let discord: DiscordHarness;
  const settled: SettledInteraction[] = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    discord = await DiscordHarness.create();
    discord.adapter.events.on('settled', (entry: SettledInteraction) => settled.push(entry));
    console.log(`fast-check seed ${SEED}`);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await discord?.close();
  });

  const answeredOnce = (record: { callbacks: number[]; followUps: unknown[] }) => record.callbacks.length + record.followUps.length > 0;

  it('answers random commands and options, and a stranger stores nothing', async () => {
    const names = [...discord.json.map((command) => command.name), 'bestaat-niet'];
    const before = await discord.testBot.db.prisma.update.count();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.option(fc.constantFrom('plaats', 'lijst', 'zoek', 'toon', 'rol', 'koppel', 'onzin'), { nil: undefined }),
        fc.array(fc.record({ name: fc.constantFrom('tekst', 'thema', 'gemeente', 'zoekterm', 'persoon', 'rol', 'onbekend'), value: nasty }), { maxLength: 4 }),
        async (name, sub, options) => {
          const values = options.map((option) => ({ name: option.name, type: ApplicationCommandOptionType.String, value: option.value as never }));
          const data = sub ? [{ name: sub, type: ApplicationCommandOptionType.Subcommand, options: values }] : values;
          const record = await discord.command(STRANGER, name, data as never);
          expect(answeredOnce(record)).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
    expect(await discord.testBot.db.prisma.update.count()).toBe(before);
    expect(settled.filter((entry) => entry.outcome === 'error')).toEqual([]);
  });

  it('answers made-up buttons and modals, also for the admin', async () => {
    // Discord sends a button press with the message it sits on: a real one of the bot's.
    const message = (await discord.typed(ADMIN, '/help')).original!;
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120 }), fc.constantFrom(STRANGER, ADMIN), async (customId, person) => {
        const button = await discord.send(person, {}, InteractionType.MessageComponent, { custom_id: customId || 'x', component_type: ComponentType.Button }, { message });
        expect(answeredOnce(button)).toBe(true);
        const modal = await discord.send(person, {}, InteractionType.ModalSubmit, { custom_id: customId || 'y', components: [{ type: ComponentType.Label, id: 1, component: { type: ComponentType.TextInput, id: 2, custom_id: 'tekst', value: customId } }] });
        expect(answeredOnce(modal)).toBe(true);
      }),
      { seed: SEED, numRuns: 30 },
    );
    expect(settled.filter((entry) => entry.outcome === 'error')).toEqual([]);
    expect(rejections).toEqual([]);
  });
});
