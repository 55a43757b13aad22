// A Discord modal cannot show field errors: the bot lists them with a button that reopens the
// form with what was typed. That draft is kept in the database (encrypted), not in the
// process, so a restart between the error and the press still opens the form prefilled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType, type APIApplicationCommandInteractionDataOption } from 'discord-api-types/v10';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { ADMIN_ID, DiscordHarness, buttonsOf, seenMessages, textOf } from './harness.ts';

type Option = APIApplicationCommandInteractionDataOption;
const sub = (name: string, ...options: Option[]): Option => ({ name, type: ApplicationCommandOptionType.Subcommand, options }) as Option;
const str = (name: string, value: string): Option => ({ name, type: ApplicationCommandOptionType.String, value });

describe('a Discord form shown again after a restart', () => {
  let testBot: TestBot;
  let before: DiscordHarness | undefined;
  let after: DiscordHarness | undefined;
  const poster = { id: 'draft-poster', name: 'Noor' };

  beforeAll(async () => {
    testBot = await createTestBot({ admins: [`discord:${ADMIN_ID}`] });
    await approveMember(testBot.services, 'discord', poster.id, 'kezban', 'Noor');
  });
  afterAll(async () => {
    await after?.adapter.stop();
    await after?.fake.stop();
    await testBot?.close();
  });

  it('reopens prefilled, with the error, from the draft in the database', async () => {
    before = await DiscordHarness.create({ testBot });
    const long = 'woord '.repeat(420).trim();
    const refused = seenMessages(await before.command(poster, 'update', [sub('plaats', str('tekst', long), str('thema', 'beleid'))]))[0]!;
    expect(textOf(refused)).toContain('2000');
    const open = buttonsOf(refused).find((button) => button.customId.startsWith('~form|update|plaats|'))!;
    expect(open).toBeDefined();
    // The typed text is not readable in the table.
    const drafts = await testBot.db.prisma.formDraft.findMany();
    expect(drafts.length).toBeGreaterThan(0);
    expect(JSON.stringify(drafts)).not.toContain('woord woord');
    // The process stops; a new one starts on the same database.
    await before.adapter.stop();
    await before.fake.stop();
    after = await DiscordHarness.create({ testBot });

    const form = await after.press(poster, refused, open.customId);
    const tekst = form.modal!.components.filter((c) => c.component).map((c) => c.component as { custom_id: string; value?: string }).find((c) => c.custom_id === 'tekst')!;
    expect(tekst.value).toBe(long);
  });
});
