// Every command and sub-command in commands/, typed in Slack: signed slash commands into the
// real Bolt adapter, answers read from the response_url as the person sees them. And forms: a
// command without its required input opens a modal built from the declaration; a submission
// comes back to the same command, with field errors shown in the modal and a valid one handled
// once, answered where the command was typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/core/i18n.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { CHANNEL, lastOpenedView, startSlack, type SlackHarness } from './harness.ts';
import { seenMessage } from './seen.ts';

const all = (seen: { text: string }[]) => seen.map((message) => message.text).join('\n');

let testBot: TestBot;
beforeAll(async () => {
  testBot = await createTestBot({ admins: ['slack:UADMIN'], guide: true });
  await approveMember(testBot.services, 'slack', 'USAMIRA', 'smn', 'Samira');
});
afterAll(() => testBot?.close());

describe('slash commands on Slack', () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlack({ testBot });
    slack.fake.users.set('UFATIMA', { real_name: 'Fatima Yilmaz', display_name: 'Fatima' });
    slack.fake.users.set('UJOHN', { real_name: 'John Smith', locale: 'en-GB' });
  });
  afterAll(() => slack?.close());

  it('acknowledges with an empty 200 and answers once, privately', async () => {
    const answer = await slack.command('UFATIMA', '/help');
    expect(answer.status).toBe(200);
    expect(answer.body).toBeUndefined();
    expect(answer.seen).toHaveLength(1);
    expect(answer.seen[0]!.visibility).toBe('ephemeral');
    expect(answer.seen[0]!.text).toContain('Binnenuit: wat kan ik hier doen?');
    expect(answer.seen[0]!.text).toContain('/update plaats [#thema] <tekst>');
    expect(answer.seen[0]!.text).toContain('Veilig Thuis 0800-2000');
  });

  it('/help update explains one command', async () => {
    const text = all((await slack.command('UFATIMA', '/help update')).seen);
    expect(text).toContain('/update lijst');
    expect(text).not.toContain('/handreiking zoek');
  });

  it('/profiel shows who I am, with the name Slack knows me by', async () => {
    const [profile] = (await slack.command('UFATIMA', '/profiel')).seen;
    expect(profile!.text).toContain('Profiel van Fatima');
    expect(profile!.text).toMatch(/Organisatie\nnog niet gekoppeld/);
    expect(profile!.blocks.some((block) => block.type === 'section' && block.fields?.length === 6)).toBe(true);
    expect(profile!.text).toMatch(/Berichten via\n/);
    expect(profile!.text).toMatch(/Accounts\nSlack/);
  });

  it('answers in English when the Slack client is set to English, before any /profiel taal', async () => {
    const text = all((await slack.command('UJOHN', '/help')).seen);
    expect(text).toContain('Binnenuit: what can I do here?');
  });

  it('/update plaats posts in the channel, keeps what was typed (& < >) and where', async () => {
    const answer = await slack.command('USAMIRA', '/update plaats #samenwerking Overleg GGD & wijkteam <Rotterdam-Zuid> gemeente:Rotterdam');
    expect(answer.seen).toHaveLength(1);
    expect(answer.seen[0]!.visibility).toBe('channel');
    expect(answer.seen[0]!.text).toContain('Overleg GGD & wijkteam <Rotterdam-Zuid>');
    expect(answer.seen[0]!.text).toContain('#samenwerking · Gemeente Rotterdam');
    // Escaped for Slack, so the text can never become a link or mention.
    expect(JSON.stringify(answer.seen[0]!.blocks)).toContain('GGD &amp; wijkteam &lt;Rotterdam-Zuid&gt;');
    // Bodies are encrypted at rest: read through the manager, the channel from the row.
    const view = (await slack.testBot.services.updates.list()).find((u) => u.body.startsWith('Overleg GGD'))!;
    expect(view.body).toBe('Overleg GGD & wijkteam <Rotterdam-Zuid>');
    const stored = await slack.testBot.db.prisma.update.findUniqueOrThrow({ where: { id: view.id }, include: { channel: true } });
    expect(stored.channel?.externalId).toBe(CHANNEL.id);
  });

  it('/update plaats in a DM stores the update without a channel', async () => {
    await slack.command('USAMIRA', '/update plaats Vanuit mijn berichten', { channel: { id: 'DSAMIRA', name: 'directmessage' } });
    const view = (await slack.testBot.services.updates.list()).find((u) => u.body === 'Vanuit mijn berichten')!;
    const stored = await slack.testBot.db.prisma.update.findUniqueOrThrow({ where: { id: view.id } });
    expect(stored.channelId).toBeNull();
  });

  it('/update lijst lists, filtered by theme and by organisation', async () => {
    expect(all((await slack.command('USAMIRA', '/update lijst')).seen)).toContain('Vanuit mijn berichten');
    const byTheme = all((await slack.command('USAMIRA', '/update lijst #samenwerking')).seen);
    expect(byTheme).toContain('Overleg GGD');
    expect(byTheme).not.toContain('Vanuit mijn berichten');
    expect(all((await slack.command('USAMIRA', '/update lijst organisatie:kezban')).seen)).toContain('Nog geen updates');
  });

  it('/update refuses someone without an approved profile and explains how to get one', async () => {
    const text = all((await slack.command('UFATIMA', '/update lijst')).seen);
    expect(text).toContain('/profiel koppel');
  });

  it('/handreiking zoek finds passages privately, with share buttons that Slack accepts', async () => {
    const [found] = (await slack.command('UFATIMA', '/handreiking zoek vergoeding vrijwilligers')).seen;
    expect(found!.visibility).toBe('ephemeral');
    expect(found!.text).toContain("Uit de handreiking over 'vergoeding vrijwilligers'");
    const share = found!.buttons.filter((button) => button.actionId === 'handreiking.delen');
    expect(share.length).toBeGreaterThan(1);
    // Slack rejects a message whose buttons repeat an action_id within one block.
    const ids = found!.buttons.map((button) => button.slackActionId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('/handreiking hoofdstuk lists the chapters; a chapter lists passages whose buttons show them', async () => {
    const chapters = all((await slack.command('UFATIMA', '/handreiking hoofdstuk')).seen);
    expect(chapters).toContain('Hoofdstukken van de handreiking');
    const [chapter] = (await slack.command('UFATIMA', '/handreiking hoofdstuk 5')).seen;
    expect(chapter!.text).toContain('Hoofdstuk 5');
    const show = chapter!.buttons.find((button) => button.actionId === 'handreiking.toon');
    expect(show).toBeDefined();
    const [passage] = (await slack.press('UFATIMA', show!)).seen;
    expect(passage!.visibility).toBe('ephemeral');
    expect(passage!.text).toContain(show!.label);
    expect(passage!.buttons.map((button) => button.actionId)).toEqual(['handreiking.delen']);
  });

  it('/profiel koppel asks to be linked; an admin sees it in /profiel verzoeken and rejects it', async () => {
    const asked = all((await slack.command('UFATIMA', '/profiel koppel FSAN')).seen);
    expect(asked).toMatch(/doorgestuurd naar de coördinatoren/);
    const [requests] = (await slack.command('UADMIN', '/profiel verzoeken')).seen;
    expect(requests!.text).toContain('Fatima wil bij');
    const reject = requests!.buttons.find((button) => button.actionId === 'profiel.afwijzen');
    expect(reject!.label).toContain('Fatima');
    const decided = all((await slack.press('UADMIN', reject!)).seen);
    expect(decided).toContain('Het verzoek van Fatima');
    await slack.testBot.worker.drain();
    const dm = slack.fake.callsTo('chat.postMessage', { succeeded: true }).filter((call) => call.body.channel === 'DUFATIMA');
    expect(dm.map((call) => call.body.text).join('\n')).toContain('niet goedgekeurd');
  });

  it('/profiel verzoeken is refused to a member', async () => {
    expect(all((await slack.command('UFATIMA', '/profiel verzoeken')).seen)).toContain('alleen voor coördinatoren');
  });

  it('/profiel taal en switches the answers to English', async () => {
    expect(all((await slack.command('UFATIMA', '/profiel taal en')).seen)).toContain('in English from now on');
    expect(all((await slack.command('UFATIMA', '/profiel')).seen)).toContain('Profile of Fatima');
  });

  it('explains text that is too long with the limit, storing nothing', async () => {
    const before = await slack.testBot.db.prisma.update.count();
    const text = all((await slack.command('USAMIRA', `/update plaats ${'lang '.repeat(450)}`)).seen);
    expect(text).toContain('maximaal 2000 tekens');
    expect(await slack.testBot.db.prisma.update.count()).toBe(before);
  });

  it('explains an unknown sub-command and an unknown command', async () => {
    expect(all((await slack.command('UFATIMA', '/update verwijder alles')).seen)).toMatch(/'verwijder' is (geen onderdeel|not part)/);
    expect(all((await slack.command('UFATIMA', '/bestaatniet')).seen)).toContain('/help');
  });
});

describe('Slack modals', () => {
  let slack: SlackHarness;
  beforeAll(async () => {
    slack = await startSlack({ testBot });
  });
  afterAll(() => slack?.close());
  const updates = () => slack.testBot.db.prisma.update.count();

  it('opens a modal with the trigger_id when required input is missing, keeping what was typed', async () => {
    const answer = await slack.command('USAMIRA', '/update plaats #regie');
    expect(answer.seen).toHaveLength(0);
    const view = lastOpenedView(slack.fake);
    expect(view.triggerId).toBe(answer.triggerId);
    expect(view.callback_id).toBe('binnenuit.form');
    expect(view.title.text).toBe('/update plaats');
    const inputs = Object.fromEntries(view.blocks.filter((b: any) => b.type === 'input').map((b: any) => [b.block_id, b]));
    expect(Object.keys(inputs)).toEqual(['thema', 'tekst', 'gemeente']);
    expect(inputs.thema.optional).toBe(true);
    expect(inputs.thema.element.type).toBe('static_select');
    expect(inputs.thema.element.initial_option.value).toBe('regie');
    expect(inputs.tekst.optional).toBe(false);
    expect(inputs.tekst.element).toMatchObject({ type: 'plain_text_input', multiline: true, max_length: 2000 });
    expect(inputs.tekst.label.text).toContain('noem geen namen');
    expect(inputs.gemeente.element.type).toBe('external_select');
  });

  it('shows field errors in the modal (response_action errors by block id) and stores nothing', async () => {
    await slack.command('USAMIRA', '/update plaats');
    const view = lastOpenedView(slack.fake);
    const before = await updates();
    const tooLong = await slack.submit('USAMIRA', view, { tekst: 'x'.repeat(2100) });
    expect(tooLong.status).toBe(200);
    expect(tooLong.body).toEqual({
      response_action: 'errors',
      errors: { tekst: 'tekst is te lang: maximaal 2000 tekens, dit zijn er 2100.' },
    });
    const blank = await slack.submit('USAMIRA', view, { tekst: '   ' });
    expect(blank.body).toEqual({ response_action: 'errors', errors: { tekst: 'tekst ontbreekt.' } });
    expect(await updates()).toBe(before);
  });

  it('handles a valid submission once, answering in the channel where the command was typed', async () => {
    const command = await slack.command('USAMIRA', '/update plaats');
    const view = lastOpenedView(slack.fake);
    const suggestions = await slack.suggest('USAMIRA', view, 'gemeente', 'rotter');
    expect(suggestions.body.options).toContainEqual({ text: { type: 'plain_text', text: 'Gemeente Rotterdam' }, value: 'gemeente-rotterdam' });
    const before = await updates();
    const since = slack.fake.calls.length;
    const values = { thema: 'financiering', tekst: 'Subsidie voor zelforganisaties\nuitgelegd', gemeente: 'gemeente-rotterdam' };
    const submitted = await slack.submit('USAMIRA', view, values);
    expect(submitted.status).toBe(200);
    expect(submitted.body).toBeUndefined();
    // Posted in the channel as the bot's own message (its thread is the update's discussion).
    expect(slack.fake.postsTo(command.responseUrl)).toHaveLength(0);
    const seen = slack.fake.channelPosts(CHANNEL.id, since).map((call) => seenMessage(call.body, 'channel'));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.visibility).toBe('channel');
    expect(seen[0]!.text).toContain('Subsidie voor zelforganisaties');
    expect(seen[0]!.text).toContain('#financiering · Gemeente Rotterdam');
    // Submit arriving twice for the same modal creates nothing more.
    await slack.submit('USAMIRA', view, values);
    expect(await updates()).toBe(before + 1);
    const stored = await slack.testBot.db.prisma.update.findFirstOrThrow({ where: { theme: 'financiering' }, include: { channel: true } });
    expect(stored.channel?.externalId).toBe(CHANNEL.id);
  });

  it('answers privately in the channel when the command\'s response_url has expired', async () => {
    const command = await slack.command('USAMIRA', '/handreiking zoek');
    const view = lastOpenedView(slack.fake);
    slack.fake.expired.add(command.responseUrl);
    await slack.submit('USAMIRA', view, { zoekterm: 'regie' });
    const ephemeral = slack.fake.callsTo('chat.postEphemeral', { succeeded: true }).at(-1)!;
    expect([ephemeral.body.channel, ephemeral.body.user]).toEqual([CHANNEL.id, 'USAMIRA']);
    expect(ephemeral.body.text).toContain("Uit de handreiking over 'regie'");
  });

  it('builds forms for every kind of option: a choice as a select, a search as suggestions', async () => {
    await slack.command('UNEW', '/profiel taal');
    const taal = lastOpenedView(slack.fake);
    const select = taal.blocks.find((b: any) => b.block_id === 'taal').element;
    expect(select.options.map((o: any) => [o.value, o.text.text])).toEqual([['nl', 'Nederlands'], ['en', 'English']]);
    await slack.submit('UNEW', taal, { taal: 'en' });
    expect((await slack.testBot.db.prisma.member.findFirstOrThrow({ where: { displayName: 'UNEW' } })).locale).toBe('en');

    await slack.command('UNEW', '/profiel koppel');
    const koppel = lastOpenedView(slack.fake);
    expect(koppel.submit.text).toBe(translator('en')('forms.submit'));
    const found = await slack.suggest('UNEW', koppel, 'organisatie', 'mudaw');
    expect(found.body.options.map((o: any) => o.value)).toEqual(['mudawwanah']);
  });

  it('answers with the usage when Slack refuses to open the modal (an expired trigger)', async () => {
    slack.fake.failNext('views.open', { status: 500 });
    const answer = await slack.command('USAMIRA', '/handreiking zoek');
    expect(answer.seen).toHaveLength(1);
    expect(answer.seen[0]!.text).toContain('Het formulier kon niet worden geopend');
    expect(answer.seen[0]!.text).toContain('/handreiking zoek <zoekterm>');
  });

  it('closes the modal at once when handling takes long, and answers when it is done', async () => {
    await slack.command('USAMIRA', '/update plaats');
    const view = lastOpenedView(slack.fake);
    const bot = slack.testBot.bot;
    const original = bot.handleCommand.bind(bot);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    bot.handleCommand = async (request) => (await gate, original(request));
    try {
      const acks = slack.ackTimes.length;
      const since = slack.fake.calls.length;
      const submitted = slack.submit('USAMIRA', view, { tekst: 'Langzaam maar zeker' });
      // The ack (modal closed, no errors) arrives while the work is still held up.
      await expect.poll(() => slack.ackTimes.length, { timeout: 10_000 }).toBe(acks + 1);
      expect(slack.fake.channelPosts(CHANNEL.id, since)).toHaveLength(0);
      release();
      const result = await submitted;
      expect(result.status).toBe(200);
      expect(result.body).toBeUndefined();
      expect(slack.fake.channelPosts(CHANNEL.id, since).map((call) => seenMessage(call.body, 'channel').text).join('\n')).toContain('Langzaam maar zeker');
    } finally {
      bot.handleCommand = original;
    }
  });
});
