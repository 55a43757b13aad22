// Issue 10 through the real adapters: the requester on Discord, the adviser on Slack, in one
// process (test/relay/harness.ts). The question is asked in Discord's form (the command
// without text; all five fields, the contact preference too), the Slack adviser's DM carries
// the four buttons and changes in place when decided, the private conversation relays both
// ways across the platforms, and the closed request is reopened with Heropenen on Discord.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_ID, seenMessages, textOf, buttonsOf, type Person } from '../discord/harness.ts';
import type { FakeMessage } from '../discord/fake-discord.ts';
import { lastOpenedView } from '../slack/harness.ts';
import { seenMessage } from '../slack/seen.ts';
import { startBoth, type BothPlatforms } from '../relay/harness.ts';
import { approveMember } from '../support/bot.ts';

const FATIMA: Person = { id: '100000000000000081', name: 'Fatima' };
const COCO: Person = { id: '100000000000000082', name: 'Coco' };

describe('advice across Slack and Discord', () => {
  let env: BothPlatforms;
  let number = '';
  const slackDm = (user: string) => env.slack.fake.visibleIn(`D${user}`).map((message) => ({ message, seen: seenMessage(message, 'direct') }));

  beforeAll(async () => {
    env = await startBoth();
    env.slack.fake.users.set('UANNA', { real_name: 'Anna' });
    env.slack.fake.users.set('UGERRIT', { real_name: 'Gerrit' });
    await env.discord.ensureGuild();
    const services = env.testBot.services;
    const admin = await services.members.resolve('slack', 'UADMIN');
    await services.members.resolve('slack', 'UANNA', 'Anna');
    await services.members.setRole({ platform: 'slack', externalId: 'UANNA' }, 'adviser', admin.id, () => ({ visibility: 'ephemeral' }));
    await approveMember(services, 'discord', FATIMA.id, 'iot', 'Fatima');
    await approveMember(services, 'slack', 'UGERRIT', 'rotterdam', 'Gerrit');
    await services.members.resolve('discord', COCO.id, 'Coco');
    await services.members.setRole({ platform: 'discord', externalId: COCO.id }, 'coordinator', admin.id, () => ({ visibility: 'ephemeral' }));
    const set = await env.slack.command('UADMIN', '/advies adviseur <@UANNA> huwelijksdwang, beleid');
    expect(set.seen.map((m) => m.text).join('\n')).toContain('adviseert over #huwelijksdwang, #beleid');
    await env.drain();
  }, 240_000);
  afterAll(async () => {
    await env?.close();
  });

  it('opens a form on Slack for /advies vraag without text, with the warning and the emergency line', async () => {
    await env.slack.command('UGERRIT', '/advies vraag');
    const view = lastOpenedView(env.slack.fake);
    const text = JSON.stringify(view);
    expect(text).toContain('0800-2000');
    expect(text).toContain('112');
    expect(text).toMatch(/cliënten of slachtoffers/);
    for (const field of ['thema', 'vraag', 'urgentie', 'organisatie', 'contact']) expect(view.blocks.some((block: any) => block.block_id === field)).toBe(true);
  });

  it('asks on Discord through the form: private confirmation with the number, the Slack adviser gets a DM with four buttons', async () => {
    const opened = await env.discord.command(FATIMA, 'advies', [{ name: 'vraag', type: 1, options: [] } as never]);
    expect(opened.modal).toBeDefined();
    const modal = JSON.stringify(opened.modal);
    expect(modal).toContain('0800-2000');
    expect(modal).toContain('112');
    expect(modal).toMatch(/cliënten of slachtoffers/);
    // A Discord modal holds five components: all five fields, the notice in the question's
    // description (it would otherwise push the contact preference out).
    const fields = opened.modal!.components.map((component: any) => component.component?.custom_id);
    expect(fields).toEqual(['thema', 'vraag', 'urgentie', 'organisatie', 'contact']);
    const contact = (opened.modal!.components[4] as any).component;
    expect(contact.options.map((option: { label: string }) => option.label)).toEqual(['In de chat', 'Telefonisch', 'Per e-mail']);
    const submitted = await env.discord.submit(FATIMA, opened.modal!, { thema: 'huwelijksdwang', vraag: 'Hoe bereiken we jongeren die een huwelijk wordt opgedrongen?', urgentie: 'normaal', organisatie: 'Utrecht', contact: 'telefoon' });
    const confirmation = seenMessages(submitted).map(textOf).join('\n');
    number = /A-\d{4}-\d{4}/.exec(confirmation)?.[0] ?? '';
    expect(number).not.toBe('');
    expect(confirmation).toContain('Adviseur: Anna');
    // Only Fatima sees it: the answer is ephemeral, nothing was posted in the channel.
    expect(seenMessages(submitted).every((message) => (message.flags ?? 0) & 64)).toBe(true);
    expect(env.discord.fake.messagesIn(CHANNEL_ID).filter((message: FakeMessage) => textOf(message).includes('jongeren'))).toEqual([]);
    await env.drain();
    const dm = slackDm('UANNA').at(-1)!;
    expect(dm.seen.text).toContain(number);
    expect(dm.seen.text).toContain('Hoe bereiken we jongeren die een huwelijk wordt opgedrongen?');
    // The contact preference chosen in Discord's form, in the Slack adviser's DM.
    expect(dm.seen.text).toMatch(/Contact\nTelefonisch/);
    expect(dm.seen.text).toMatch(/Gemeente of organisatie\nUtrecht/);
    expect(dm.seen.buttons.map((button) => button.label)).toEqual(['Oppakken', 'Overdragen', 'Vraag stellen', 'Afsluiten']);
  });

  it('Oppakken on Slack: the DM changes in place, Fatima hears it on Discord, and the conversation relays both ways', async () => {
    const dm = slackDm('UANNA').at(-1)!;
    const accept = dm.seen.buttons.find((button) => button.label === 'Oppakken')!;
    const pressed = await env.slack.press('UANNA', accept as never);
    expect(pressed.seen.map((m) => m.text).join('\n')).toContain(`Je hebt ${number} opgepakt`);
    await env.drain();
    const edited = slackDm('UANNA').find((entry) => entry.message.ts === dm.message.ts)!;
    expect(edited.seen.text).toContain('Opgepakt door Anna.');
    expect(edited.seen.buttons.map((button) => button.label)).toEqual(['Overdragen', 'Vraag stellen', 'Afsluiten']);
    const fatimaDms = await env.discord.dms(FATIMA.id);
    expect(fatimaDms.map(textOf).join('\n')).toContain(`Je adviesvraag ${number} is opgepakt door Anna`);
    const opening = fatimaDms.find((message) => textOf(message).includes(`Gesprek: ${number}`))!;
    expect(opening).toBeDefined();
    await env.discord.replyInDm(FATIMA, opening, 'Het gaat om de regio Utrecht.');
    await env.drain();
    const slackOpening = slackDm('UANNA').find((entry) => entry.seen.text.includes(`Gesprek: ${number}`))!;
    // Relayed into Anna's DM with who wrote it and where.
    expect(slackDm('UANNA').map((entry) => entry.seen.text).join('\n')).toContain('Fatima (Discord): Het gaat om de regio Utrecht.');
    const ts = '1700009000.000001';
    await env.slack.event({ type: 'message', channel: 'DUANNA', channel_type: 'im', user: 'UANNA', text: 'Dank je, ik bel je morgen.', ts, thread_ts: slackOpening.message.ts, event_ts: ts });
    await env.drain();
    expect((await env.discord.dms(FATIMA.id)).map(textOf).join('\n')).toContain('**Anna** (Slack): Dank je, ik bel je morgen.');
  });

  it('Afsluiten on Slack: a form for the summary; Fatima gets it on Discord with rating buttons and rates', async () => {
    const dm = slackDm('UANNA').find((entry) => entry.seen.text.includes(number) && entry.seen.buttons.some((button) => button.label === 'Afsluiten'))!;
    await env.slack.press('UANNA', dm.seen.buttons.find((button) => button.label === 'Afsluiten') as never);
    const view = lastOpenedView(env.slack.fake);
    expect(JSON.stringify(view)).toContain('0800-2000');
    await env.slack.submit('UANNA', view, { samenvatting: 'Werk samen met sleutelpersonen uit de gemeenschap.' });
    await env.drain();
    const closed = (await env.discord.dms(FATIMA.id)).find((message) => textOf(message).includes('is afgesloten'))!;
    expect(textOf(closed)).toContain('Werk samen met sleutelpersonen uit de gemeenschap.');
    const buttons = buttonsOf(closed);
    expect(buttons.map((button) => button.label)).toEqual(['1', '2', '3', '4', '5', 'Heropenen']);
    const rated = await env.discord.press(FATIMA, closed, buttons[4]!.customId);
    expect(seenMessages(rated).map(textOf).join('\n')).toContain('Dank je wel voor je 5!');
    await env.drain();
    const after = (await env.discord.dms(FATIMA.id)).find((message) => message.id === closed.id)!;
    expect(textOf(after)).toContain('Je gaf een 5.');
    expect(buttonsOf(after).map((button) => button.label)).toEqual(['Heropenen']);
    const final = slackDm('UANNA').find((entry) => entry.message.ts === dm.message.ts)!;
    expect(final.seen.text).toContain('Afgesloten door Anna.');
    expect(final.seen.buttons).toEqual([]);
    // Anna's own copy of the closing, with Heropenen.
    const copy = slackDm('UANNA').find((entry) => entry.seen.text.includes(`${number} is afgesloten door Anna.`))!;
    expect(copy.seen.buttons.map((button) => button.label)).toEqual(['Heropenen']);
  });

  it('Heropenen on Discord: Fatima reopens her request, Anna hears it on Slack; a second press changes nothing', async () => {
    const closed = (await env.discord.dms(FATIMA.id)).find((message) => textOf(message).includes('is afgesloten'))!;
    const reopen = buttonsOf(closed).find((button) => button.label === 'Heropenen')!;
    const pressed = await env.discord.press(FATIMA, closed, reopen.customId);
    expect(seenMessages(pressed).map(textOf).join('\n')).toContain(`${number} is heropend.`);
    await env.drain();
    expect(slackDm('UANNA').at(-1)!.seen.text).toContain('Fatima heeft deze vraag heropend.');
    expect(slackDm('UANNA').at(-1)!.seen.buttons.map((button) => button.label)).toEqual(['Overdragen', 'Vraag stellen', 'Afsluiten']);
    // Past the double-click window, a second press is told the request is open again.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    const again = await env.discord.press(FATIMA, closed, reopen.customId);
    expect(seenMessages(again).map(textOf).join('\n')).toContain(`Dat kan nu niet: ${number} is in behandeling.`);
    const request = await env.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { number } });
    expect(request.status).toBe('accepted');
    expect(await env.testBot.db.prisma.adviceEvent.count({ where: { requestId: request.id, action: 'reopened' } })).toBe(1);
  });

  it('/advies meedoen on Discord: the coordinator joins, requester and adviser are told, and messages relay to all three with who wrote them', async () => {
    const joined = await env.discord.command(COCO, 'advies', [{ name: 'meedoen', type: 1, options: [{ name: 'nummer', type: 3, value: number }] } as never]);
    expect(seenMessages(joined).map(textOf).join('\n')).toContain(`Je doet mee aan het gesprek over ${number}; de aanvrager en de adviseur weten het.`);
    await env.drain();
    const told = `Coco (coördinator) doet mee aan het gesprek over ${number}.`;
    expect((await env.discord.dms(FATIMA.id)).map(textOf).join('\n')).toContain(told);
    expect(slackDm('UANNA').map((entry) => entry.seen.text).join('\n')).toContain(told);
    // Coco's own place in the conversation, a DM on Discord.
    const cocoOpening = (await env.discord.dms(COCO.id)).find((message) => textOf(message).includes(`Gesprek: ${number}`))!;
    expect(cocoOpening).toBeDefined();

    // The coordinator writes: requester (Discord) and adviser (Slack) read it with her name.
    await env.discord.replyInDm(COCO, cocoOpening, 'Ik lees even mee voor de kwaliteit.');
    await env.drain();
    expect((await env.discord.dms(FATIMA.id)).map(textOf).join('\n')).toContain('**Coco** (Discord): Ik lees even mee voor de kwaliteit.');
    expect(slackDm('UANNA').map((entry) => entry.seen.text).join('\n')).toContain('Coco (Discord): Ik lees even mee voor de kwaliteit.');

    // The adviser writes on Slack: both Discord people read it.
    const slackOpening = slackDm('UANNA').find((entry) => entry.seen.text.includes(`Gesprek: ${number}`))!;
    const ts = '1700009100.000001';
    await env.slack.event({ type: 'message', channel: 'DUANNA', channel_type: 'im', user: 'UANNA', text: 'Welkom Coco.', ts, thread_ts: slackOpening.message.ts, event_ts: ts });
    await env.drain();
    expect((await env.discord.dms(COCO.id)).map(textOf).join('\n')).toContain('**Anna** (Slack): Welkom Coco.');
    expect((await env.discord.dms(FATIMA.id)).map(textOf).join('\n')).toContain('**Anna** (Slack): Welkom Coco.');

    // The requester writes on Discord: the coordinator and the adviser read it.
    const fatimaOpening = (await env.discord.dms(FATIMA.id)).find((message) => textOf(message).includes(`Gesprek: ${number}`))!;
    await env.discord.replyInDm(FATIMA, fatimaOpening, 'Fijn, dan weten jullie het allebei.');
    await env.drain();
    expect((await env.discord.dms(COCO.id)).map(textOf).join('\n')).toContain('**Fatima** (Discord): Fijn, dan weten jullie het allebei.');
    expect(slackDm('UANNA').map((entry) => entry.seen.text).join('\n')).toContain('Fatima (Discord): Fijn, dan weten jullie het allebei.');
    // Nobody reads their own message back.
    expect((await env.discord.dms(COCO.id)).map(textOf).join('\n')).not.toContain('**Coco** (Discord)');
    expect(await env.testBot.db.prisma.auditLog.count({ where: { action: 'advice.join', subject: number } })).toBe(1);
  });
});
