// Every command, button, modal and autocomplete on Discord, end to end: the real discord.js
// client logged in to the fake Discord, a real Bot on a throwaway database. Assertions are
// what a person sees in the Discord client (and what ends up stored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType, ComponentType, type APIApplicationCommandInteractionDataOption } from 'discord-api-types/v10';
import { commands } from '../../commands/index.ts';
import { approveMember } from '../support/bot.ts';
import { isEphemeral, type FakeMessage } from './fake-discord.ts';
import { ADMIN_ID, CHANNEL_ID, DiscordHarness, allText, buttonsOf, seenMessages, textOf } from './harness.ts';

type Option = APIApplicationCommandInteractionDataOption;
const sub = (name: string, ...options: Option[]): Option => ({ name, type: ApplicationCommandOptionType.Subcommand, options } as Option);
const str = (name: string, value: string): Option => ({ name, type: ApplicationCommandOptionType.String, value });

let h: DiscordHarness;
const admin = { id: ADMIN_ID, name: 'Beheer' };

beforeAll(async () => {
  h = await DiscordHarness.create();
});
afterAll(async () => {
  await h?.close();
});

const only = (messages: FakeMessage[]) => {
  expect(messages).toHaveLength(1);
  return messages[0]!;
};

describe('/help', () => {
  it('lists every command privately with the emergency line', async () => {
    const message = only(seenMessages(await h.command({ id: 'help-1' }, 'help')));
    expect(isEphemeral(message)).toBe(true);
    for (const name of ['/update', '/handreiking', '/profiel', '/help']) expect(textOf(message)).toContain(name);
    expect(textOf(message)).toContain('0800-2000');
  });

  it('explains one command, in English for an English Discord client', async () => {
    const text = allText(await h.command({ id: 'help-2', locale: 'en-US' }, 'help', [str('commando', 'update')]));
    expect(text).toContain('/update plaats');
    expect(text).not.toContain('/handreiking zoek');
    expect(text).toContain('what can I do here');
  });
});

describe('/profiel', () => {
  it('toon shows an unlinked profile with how to link', async () => {
    const message = only(seenMessages(await h.command({ id: 'prof-1', name: 'Fatima' }, 'profiel', [sub('toon')])));
    expect(isEphemeral(message)).toBe(true);
    expect(textOf(message)).toContain('Profiel van Fatima');
    expect(textOf(message)).toContain('/profiel koppel');
  });

  it('taal switches the language the bot answers in, whatever the client says', async () => {
    const set = allText(await h.command({ id: 'prof-2' }, 'profiel', [sub('taal', str('taal', 'en'))]));
    expect(set).toContain('English');
    const help = allText(await h.command({ id: 'prof-2', locale: 'nl' }, 'help'));
    expect(help).toContain('what can I do here');
  });

  it('koppel asks a coordinator; verzoeken lists it with buttons; rejecting tells the member by DM', async () => {
    await h.command(admin, 'profiel', [sub('toon')]);
    const asked = allText(await h.command({ id: 'prof-3', name: 'Yusuf' }, 'profiel', [sub('koppel', str('organisatie', 'fsan'))]));
    expect(asked).toContain('Federatie van Somalische Associaties in Nederland');

    const notice = (await h.dms(ADMIN_ID)).find((message) => textOf(message).includes('Yusuf'));
    expect(notice, 'the admin got a DM').toBeDefined();
    expect(buttonsOf(notice!).map((b) => b.style)).toEqual([1, 4]); // primary approve, danger reject

    const list = only(seenMessages(await h.command(admin, 'profiel', [sub('verzoeken')])));
    expect(textOf(list)).toContain('Yusuf');
    const reject = buttonsOf(list).find((b) => b.customId.startsWith('profiel.afwijzen|') && b.label.includes('Yusuf'));
    expect(reject).toBeDefined();
    const decided = await h.press(admin, list, reject!.customId);
    expect(allText(decided)).toContain('afgewezen');
    expect(seenMessages(decided).every(isEphemeral)).toBe(true);
    expect((await h.dms('prof-3')).map(textOf).join('\n')).toContain('niet goedgekeurd');
  });

  it('verzoeken is refused to someone who is not a coordinator', async () => {
    expect(allText(await h.command({ id: 'prof-4' }, 'profiel', [sub('verzoeken')]))).toMatch(/coördinatoren/);
  });
});

describe('/update', () => {
  const poster = { id: 'upd-1', name: 'Samira' };
  beforeAll(async () => {
    await approveMember(h.testBot.services, 'discord', poster.id, 'smn', 'Samira');
  });

  it('plaats with the text filled in posts for the whole channel, with theme and gemeente', async () => {
    const record = await h.command(poster, 'update', [sub('plaats', str('tekst', 'Training in Rotterdam gepland'), str('thema', 'samenwerking'), str('gemeente', 'gemeente-rotterdam'))]);
    const message = only(seenMessages(record));
    expect(isEphemeral(message)).toBe(false);
    expect(textOf(message)).toContain('Training in Rotterdam gepland');
    expect(textOf(message)).toContain('#samenwerking');
    expect(textOf(message)).toContain('Gemeente Rotterdam');
  });

  it('plaats without the text opens a modal with the choices preselected; submitting posts it', async () => {
    const opened = await h.command(poster, 'update', [sub('plaats', str('thema', 'financiering'))]);
    expect(opened.callbacks).toEqual([9]);
    const modal = opened.modal!;
    // The first component is the privacy notice (a text display); the fields follow.
    const notice = modal.components[0] as unknown as { type: number; content: string };
    expect(notice.type).toBe(ComponentType.TextDisplay);
    expect(notice.content).toContain('0800-2000');
    const fields = modal.components.filter((c) => c.component).map((c) => c.component as { type: number; custom_id: string; style?: number; options?: { value: string; default?: boolean }[] });
    expect(fields.map((f) => f.custom_id)).toEqual(['thema', 'tekst', 'gemeente']);
    expect(fields[0]!.type).toBe(ComponentType.StringSelect);
    expect(fields[0]!.options!.find((o) => o.default)?.value).toBe('financiering');
    expect(fields[1]!.style).toBe(2); // a paragraph for the long text

    const posted = await h.submit(poster, modal, { tekst: 'Subsidieronde open\nTot 1 maart.' });
    const message = only(seenMessages(posted));
    expect(isEphemeral(message)).toBe(false);
    expect(textOf(message)).toContain('Subsidieronde open\nTot 1 maart.');
    expect(textOf(message)).toContain('#financiering');
  });

  it('an invalid modal explains privately and reopens the form with what was typed and the error', async () => {
    const before = (await h.testBot.services.updates.list({ limit: 100 })).length;
    const opened = await h.command(poster, 'update', [sub('plaats', str('thema', 'regie'))]);
    const refused = await h.submit(poster, opened.modal!, { tekst: '   ' });
    const error = only(seenMessages(refused));
    expect(isEphemeral(error)).toBe(true);
    expect(textOf(error)).toContain('tekst');
    expect((await h.testBot.services.updates.list({ limit: 100 })).length).toBe(before);

    const reopen = buttonsOf(error).find((b) => b.customId.startsWith('~form|update|plaats|'));
    expect(reopen).toBeDefined();
    const again = await h.press(poster, error, reopen!.customId);
    const labels = again.modal!.components.filter((c) => c.component) as { component: { custom_id: string; options?: { value: string; default?: boolean }[] }; description?: string }[];
    expect(labels.find((l) => l.component.custom_id === 'thema')!.component.options!.find((o) => o.default)?.value).toBe('regie');
    expect(labels.find((l) => l.component.custom_id === 'tekst')!.description).toMatch(/^⚠/);

    const posted = await h.submit(poster, again.modal!, { tekst: 'Regietafel opgericht' });
    expect(allText(posted)).toContain('Regietafel opgericht');
    expect(allText(posted)).toContain('#regie');
  });

  it('a text over the limit is refused with the limit, and the form opens with the whole text to shorten', async () => {
    const long = 'woord '.repeat(420).trim();
    const refused = only(seenMessages(await h.command(poster, 'update', [sub('plaats', str('tekst', long), str('thema', 'beleid'))])));
    expect(isEphemeral(refused)).toBe(true);
    expect(textOf(refused)).toContain('2000');
    const open = buttonsOf(refused).find((b) => b.label === 'Formulier openen')!;
    const form = await h.press(poster, refused, open.customId);
    const tekst = form.modal!.components.filter((c) => c.component).map((c) => c.component as { custom_id: string; value?: string; max_length?: number }).find((c) => c.custom_id === 'tekst')!;
    expect(tekst.value).toBe(long);
    expect(tekst.max_length).toBe(long.length);
    const posted = await h.submit(poster, form.modal!, { tekst: 'Korter gezegd' });
    expect(allText(posted)).toContain('Korter gezegd');
    expect(allText(posted)).toContain('#beleid');
  });

  it('lijst filters by theme and by organisation', async () => {
    const byTheme = allText(await h.command(poster, 'update', [sub('lijst', str('thema', 'samenwerking'))]));
    expect(byTheme).toContain('Training in Rotterdam gepland');
    expect(byTheme).not.toContain('Subsidieronde');
    const byOrganisation = allText(await h.command(poster, 'update', [sub('lijst', str('organisatie', 'smn'))]));
    expect(byOrganisation).toContain('Subsidieronde');
    const unknown = allText(await h.command(poster, 'update', [sub('lijst', str('organisatie', 'bestaat-niet'))]));
    expect(unknown).toContain('bestaat-niet');
  });

  it('the same interaction delivered twice posts once and is answered once', async () => {
    const before = (await h.testBot.services.updates.list({ limit: 100 })).length;
    const id = h.fake.snowflake();
    const first = await h.command(poster, 'update', [sub('plaats', str('tekst', 'Eenmalig bericht'))], { id });
    const again = await h.command(poster, 'update', [sub('plaats', str('tekst', 'Eenmalig bericht'))], { id });
    expect(again).toBe(first);
    expect(first.callbacks).toEqual([4]);
    expect(seenMessages(first)).toHaveLength(1);
    const bodies = (await h.testBot.services.updates.list({ limit: 100 })).map((u) => u.body);
    expect(bodies.filter((body) => body === 'Eenmalig bericht')).toHaveLength(1);
    expect(bodies).toHaveLength(before + 1);
  });

  it('an interaction whose first delivery was claimed but never answered (a crash) says it was handled', async () => {
    const id = h.fake.snowflake();
    // What a process that died right after storing the interaction leaves in the inbox.
    await h.testBot.services.inbox.receive(
      `discord:interaction:${id}`,
      { kind: 'command', requester: { platform: 'discord', userId: poster.id }, place: { platform: 'discord' }, command: 'update', subcommand: 'plaats', values: { tekst: 'Na een crash' } },
      { acknowledged: false },
    );
    const record = await h.command(poster, 'update', [sub('plaats', str('tekst', 'Na een crash'))], { id });
    const message = only(seenMessages(record));
    expect(isEphemeral(message)).toBe(true);
    expect(textOf(message)).toContain('al verwerkt');
    expect((await h.testBot.services.updates.list({ limit: 100 })).some((u) => u.body === 'Na een crash')).toBe(false);
  });

  it('someone without an approved profile gets no form and no post, but the way to get one', async () => {
    const record = await h.command({ id: 'upd-2' }, 'update', [sub('plaats')]);
    expect(record.modal).toBeUndefined();
    expect(allText(record)).toContain('/profiel koppel');
  });
});

describe('/handreiking', () => {
  it('zoek finds passages privately; the share button posts one for the channel', async () => {
    const found = only(seenMessages(await h.command({ id: 'hr-1', name: 'Lotte' }, 'handreiking', [sub('zoek', str('zoekterm', 'vergoeding voor vrijwilligers'))])));
    expect(isEphemeral(found)).toBe(true);
    const share = buttonsOf(found).find((b) => b.customId.startsWith('handreiking.delen|'));
    expect(share).toBeDefined();
    const shared = only(seenMessages(await h.press({ id: 'hr-1', name: 'Lotte' }, found, share!.customId)));
    expect(isEphemeral(shared)).toBe(false);
    expect(textOf(shared)).toContain('Lotte');
    expect(shared.channel_id).toBe(CHANNEL_ID);
  });

  it('zoek without results points to the chapters', async () => {
    const text = allText(await h.command({ id: 'hr-2' }, 'handreiking', [sub('zoek', str('zoekterm', 'xyzzy kwantumfysica'))]));
    expect(text).toContain('xyzzy');
    expect(text).toContain('/handreiking hoofdstuk');
  });

  it('hoofdstuk lists chapters, opens one, and its buttons show a passage with a share button', async () => {
    expect(allText(await h.command({ id: 'hr-3' }, 'handreiking', [sub('hoofdstuk')]))).toContain('Financiering');
    const chapter = only(seenMessages(await h.command({ id: 'hr-3' }, 'handreiking', [sub('hoofdstuk', str('hoofdstuk', '5'))])));
    const show = buttonsOf(chapter).find((b) => b.customId.startsWith('handreiking.toon|'));
    expect(show).toBeDefined();
    const passage = only(seenMessages(await h.press({ id: 'hr-3' }, chapter, show!.customId)));
    expect(isEphemeral(passage)).toBe(true);
    expect(textOf(passage)).toContain('5. Financiering');
    expect(buttonsOf(passage).some((b) => b.customId.startsWith('handreiking.delen|'))).toBe(true);
  });
});

describe('autocomplete', () => {
  it('suggests organisations, gemeenten, chapters and theme choices, at most 25', async () => {
    const person = { id: 'ac-1' };
    expect(await h.suggest(person, 'profiel', 'koppel', 'organisatie', 'kez')).toContainEqual({ name: 'Stichting Kezban', value: 'kezban' });
    expect(await h.suggest(person, 'update', 'plaats', 'gemeente', 'rotter')).toEqual([{ name: 'Gemeente Rotterdam', value: 'gemeente-rotterdam' }]);
    expect((await h.suggest(person, 'handreiking', 'hoofdstuk', 'hoofdstuk', 'finan')).map((c) => c.value)).toEqual(['5']);
    expect(await h.suggest(person, 'update', 'lijst', 'thema', 'samen')).toEqual([{ name: 'Samenwerking', value: 'samenwerking' }]);
    const all = await h.suggest(person, 'update', 'lijst', 'organisatie', '');
    expect(all.length).toBe(25);
    expect(await h.suggest(person, 'update', 'lijst', 'bestaatniet', 'x')).toEqual([]);
  });
});

describe('malformed interactions', () => {
  it('an unknown command gets a private explanation pointing to /help', async () => {
    const message = only(seenMessages(await h.command({ id: 'bad-1' }, 'bestaatniet')));
    expect(isEphemeral(message)).toBe(true);
    expect(textOf(message)).toContain('/help');
  });

  it('a missing required option is explained privately, not asked in a form', async () => {
    const record = await h.command({ id: 'bad-2' }, 'profiel', [sub('koppel')]);
    expect(record.modal).toBeUndefined();
    const message = only(seenMessages(record));
    expect(isEphemeral(message)).toBe(true);
    expect(textOf(message)).toContain('organisatie');
  });

  it('an unknown sub-command, button or modal is explained privately', async () => {
    expect(allText(await h.command({ id: 'bad-3' }, 'profiel', [sub('weg')]))).toContain('weg');
    const someMessage = only(seenMessages(await h.command({ id: 'bad-3' }, 'help')));
    expect(allText(await h.press({ id: 'bad-3' }, someMessage, 'niets.hier|1'))).toMatch(/werkt niet meer/);
    const modal = { custom_id: 'iets-anders', title: 'x', components: [] };
    expect(allText(await h.submit({ id: 'bad-3' }, modal, {}))).toMatch(/werkt niet meer/);
  });

  it('keeps working afterwards', async () => {
    expect(allText(await h.command({ id: 'bad-4' }, 'help'))).toContain('/update');
  });
});

describe('every declared command and sub-command', () => {
  it('answers each of them on Discord', async () => {
    await approveMember(h.testBot.services, 'discord', 'all-1', 'iot');
    // A code asked for on Slack by someone else, for /profiel account to redeem.
    const { code } = await h.testBot.services.accounts.createCode((await h.testBot.services.members.resolve('slack', 'UALL')).id);
    // Values a person would pick; other required options get a plausible value of their type.
    const known: Record<string, Record<string, string | number>> = {
      'update plaats': { tekst: 'Alles werkt' },
      'handreiking zoek': { zoekterm: 'regie' },
      'profiel koppel': { organisatie: 'iot' },
      'profiel taal': { taal: 'nl' },
      'profiel rol': { persoon: 'all-2', rol: 'adviseur' },
      'profiel account': { code },
      // H9: the question itself (without it Discord opens the form, tested in test/advice/).
      'advies vraag': { vraag: 'Hoe betrekken we zelforganisaties bij ons beleid?' },
      // Title and moment given (without them Discord opens the form, tested in test/meetings/).
      'overleg plan': { titel: 'Regiotafel', wanneer: 'morgen 14:00' },
      'overleg peiling': { titel: 'Regiotafel', opties: 'morgen 14:00; overmorgen 10u' },
    };
    const sample = (option: { type: number; choices?: { value: string | number }[]; min_value?: number }) =>
      option.choices?.[0]?.value ??
      (option.type === ApplicationCommandOptionType.Integer ? (option.min_value ?? 1) : option.type === ApplicationCommandOptionType.User ? 'all-2' : 'morgen 14:00');
    const seen: string[] = [];
    for (const command of h.json) {
      const subs = (command.options ?? []).filter((o) => o.type === ApplicationCommandOptionType.Subcommand) as { name: string; options?: { name: string; type: number; required?: boolean }[] }[];
      for (const part of subs.length ? subs : [{ name: '', options: [] }]) {
        const key = part.name ? `${command.name} ${part.name}` : command.name;
        const values = (part.options ?? [])
          .filter((option) => option.required || known[key]?.[option.name] !== undefined)
          .map((option) => ({ name: option.name, type: option.type, value: known[key]?.[option.name] ?? sample(option) }) as Option);
        const options = part.name ? [sub(part.name, ...values)] : values;
        const record = await h.command(admin, command.name, options);
        const text = allText(record);
        expect(text, key).not.toMatch(/ging iets mis|ontbreekt|werkt niet meer|ken ik niet/);
        expect(record.callbacks, key).toEqual([4]);
        seen.push(key);
      }
    }
    const declared = commands.flatMap((command) => (command.subcommands?.length ? command.subcommands.map((s) => `${command.name} ${s.name}`) : [command.name]));
    expect(seen.sort()).toEqual(declared.sort());
  });

  it('passes a picked person as discord:<id> (/profiel rol)', async () => {
    const record = await h.command(admin, 'profiel', [
      sub('rol', { name: 'persoon', type: ApplicationCommandOptionType.User, value: 'rol-1' } as Option, str('rol', 'coordinator')),
    ]);
    expect(allText(record)).toMatch(/rol-1 is nu/);
    const member = await h.testBot.services.members.resolve('discord', 'rol-1');
    expect(member.role).toBe('coordinator');
  });
});
