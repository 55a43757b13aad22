// An author edits or withdraws their update, end to end through the real Bolt and discord.js
// adapters in one process: every message that shows the update changes in place, on both
// platforms: the bot's post where it was posted (Discord: PATCH of the interaction's answer;
// Slack: chat.update of the post) and the copy in the other platform's updates channel. Only
// the author (and admins) may; someone else's press changes nothing; a press twice changes once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonsOf, CHANNEL_ID, textOf, type Person } from '../discord/harness.ts';
import type { FakeMessage } from '../discord/fake-discord.ts';
import { CHANNEL, lastOpenedView } from '../slack/harness.ts';
import { blocksButtons, blocksText } from '../slack/seen.ts';
import { approveMember } from '../support/bot.ts';
import { startBoth, type BothPlatforms } from './harness.ts';

const FATIMA: Person = { id: '100000000000000077', name: 'Fatima' };
const JAN = 'UJAN';
/** Presses of the same button by the same person within 3 s are one press (a double click). */
const pastDoubleClick = () => new Promise((resolve) => setTimeout(resolve, 3100));

describe('editing and withdrawing an update on every platform', () => {
  let env: BothPlatforms;
  let updateId: string;
  let discordPost: string;
  let slackCopyTs: string;
  let confirmation: FakeMessage;
  /** "Wil je deze update echt intrekken?" with its button. */
  let question: FakeMessage;

  const slackCopy = () => env.slack.fake.messages.find((m) => m.channel === CHANNEL.id && m.ts === slackCopyTs)!;
  const slackCopyText = () => blocksText(slackCopy().blocks ?? []) || slackCopy().text || '';
  /** The Discord answer to the /update plaats interaction: the bot's post in the channel. */
  const discordOriginal = () => [...env.discord.fake.interactions.values()].find((r) => r.original?.id === discordPost)!.original!;
  const chatUpdates = () => env.slack.fake.calls.filter((call) => call.method === 'chat.update' && call.body.ts === slackCopyTs).length;
  const customId = (message: FakeMessage, label: string) => buttonsOf(message).find((button) => button.label === label)!.customId;

  beforeAll(async () => {
    env = await startBoth();
    env.slack.fake.users.set(JAN, { real_name: 'Jan' });
    env.slack.fake.users.set('UADMIN', { real_name: 'Beheerder' });
    await approveMember(env.testBot.services, 'discord', FATIMA.id, 'iot', 'Fatima');
    await approveMember(env.testBot.services, 'slack', JAN, 'smn', 'Jan');
    await env.slack.command('UADMIN', '/update kanaal');
    await env.discord.typed({ id: '100000000000000001' }, '/update kanaal');
  }, 240_000);
  afterAll(async () => {
    await env?.close();
  });

  it('gives the author a private confirmation with Bewerken and Intrekken', async () => {
    const record = await env.discord.typed(FATIMA, '/update plaats #regie Regiotafel gestart in Utrecht');
    discordPost = record.original!.id;
    const dms = await env.discord.dms(FATIMA.id);
    confirmation = dms.find((m) => textOf(m).includes('Je update is geplaatst'))!;
    expect(buttonsOf(confirmation).map((b) => b.label)).toEqual(['Bewerken', 'Intrekken']);
    // Nobody else sees the buttons: the channel post carries none.
    expect(buttonsOf(record.original!)).toEqual([]);
    const copy = env.slack.fake.messages.find((m) => m.channel === CHANNEL.id && !m.thread_ts && m.text?.includes('Regiotafel gestart in Utrecht'))!;
    slackCopyTs = copy.ts;
    updateId = (await env.testBot.services.updates.list())[0]!.id;
  });

  it('edits the post on Discord and the copy on Slack in place, marked (bewerkt)', async () => {
    const pressed = await env.discord.press(FATIMA, confirmation, customId(confirmation, 'Bewerken'));
    const modal = pressed.modal!;
    expect(modal).toBeDefined();
    // Prefilled with the text as it is, with the safety notice and the emergency line.
    expect(JSON.stringify(modal)).toContain('Regiotafel gestart in Utrecht');
    expect(JSON.stringify(modal)).toContain('112');
    const field = (modal.components.find((c) => (c.component as { custom_id?: string } | undefined)?.custom_id) as { component: { custom_id: string } }).component.custom_id;
    const submitted = await env.discord.submit(FATIMA, modal, { [field]: 'Regiotafel gestart in Utrecht; de volgende is in Zwolle' });
    expect(JSON.stringify(submitted.original ?? submitted.followUps)).toContain('bijgewerkt');
    await env.drain();

    expect(slackCopy().edited).toBe(true);
    // Once: by its outbox key, not a second time by the ref its thread also knows.
    expect(chatUpdates()).toBe(1);
    expect(slackCopyText()).toContain('de volgende is in Zwolle');
    expect(slackCopyText()).toContain('(bewerkt)');
    expect(env.discord.fake.answerEdits).toContainEqual({ channelId: CHANNEL_ID, messageId: discordPost });
    expect(textOf(discordOriginal())).toContain('de volgende is in Zwolle');
    expect(textOf(discordOriginal())).toContain('(bewerkt)');
    // Still one copy in the Slack channel: edited, not posted again.
    expect(env.slack.fake.messages.filter((m) => m.channel === CHANNEL.id && !m.thread_ts && m.text?.includes('Regiotafel'))).toHaveLength(1);

    const list = await env.slack.command(JAN, '/update lijst');
    expect(list.seen.map((s) => s.text).join('\n')).toContain('de volgende is in Zwolle');
  });

  it('submitting the same text again changes nothing', async () => {
    const before = chatUpdates();
    await pastDoubleClick();
    const pressed = await env.discord.press(FATIMA, confirmation, customId(confirmation, 'Bewerken'));
    const field = (pressed.modal!.components.find((c) => (c.component as { custom_id?: string } | undefined)?.custom_id) as { component: { custom_id: string } }).component.custom_id;
    await env.discord.submit(FATIMA, pressed.modal!, { [field]: 'Regiotafel gestart in Utrecht; de volgende is in Zwolle' });
    await env.drain();
    expect(chatUpdates()).toBe(before);
  });

  it('refuses someone else who presses a copied button, and changes nothing', async () => {
    const before = chatUpdates();
    const views = env.slack.fake.calls.filter((call) => call.method === 'views.open').length;
    for (const actionId of ['update.bewerken', 'update.intrekken', 'update.intrekkenbevestigd']) {
      const pressed = await env.slack.press(JAN, { label: 'x', actionId, slackActionId: actionId, value: updateId });
      expect(pressed.seen.map((s) => s.text).join('\n')).toContain('Alleen wie deze update plaatste');
    }
    await env.drain();
    expect(env.slack.fake.calls.filter((call) => call.method === 'views.open')).toHaveLength(views);
    expect(chatUpdates()).toBe(before);
    expect((await env.testBot.services.updates.get(updateId))!.withdrawnAt).toBeUndefined();
    expect(slackCopyText()).toContain('de volgende is in Zwolle');
  });

  it('refuses a forged edit form from someone else (forms carry the id from outside too)', async () => {
    const before = chatUpdates();
    const outcome = await env.testBot.bot.handleCommand({
      requester: { platform: 'slack', userId: JAN, displayName: 'Jan' },
      place: { platform: 'slack', channelRef: CHANNEL.id, channelName: CHANNEL.name },
      command: 'update',
      subcommand: `~form:bewerk:${updateId}`,
      values: { tekst: 'Niet van Jan' },
      eventKey: 'slack:test:forged-form',
    });
    expect(outcome.kind === 'reply' && outcome.reply.text).toContain('Alleen wie deze update plaatste');
    await env.drain();
    expect(chatUpdates()).toBe(before);
    expect((await env.testBot.services.updates.get(updateId))!.body).not.toContain('Niet van Jan');
  });

  it('withdraws after a second press, once, and every copy says who withdrew it', async () => {
    const asked = await env.discord.press(FATIMA, confirmation, customId(confirmation, 'Intrekken'));
    question = asked.followUps[0] ?? asked.original!;
    expect(textOf(question)).toContain('echt intrekken');
    // Asking changed nothing yet.
    expect((await env.testBot.services.updates.get(updateId))!.withdrawnAt).toBeUndefined();

    const confirm = customId(question, 'Ja, intrekken');
    const id = env.discord.fake.snowflake();
    await env.discord.press(FATIMA, question, confirm, { id });
    await env.drain();
    const after = chatUpdates();
    // The same interaction delivered again, and a double click: no second change.
    await env.discord.press(FATIMA, question, confirm, { id });
    await env.discord.press(FATIMA, question, confirm);
    await env.drain();
    expect(chatUpdates()).toBe(after);

    expect(slackCopyText()).toContain('Deze update is ingetrokken door Fatima.');
    expect(slackCopyText()).not.toContain('Zwolle');
    expect(textOf(discordOriginal())).toContain('Deze update is ingetrokken door Fatima.');
    // The confirmation says so too, and has no buttons left.
    const dm = (await env.discord.dms(FATIMA.id)).find((m) => m.id === confirmation.id)!;
    expect(textOf(dm)).toContain('ingetrokken door Fatima');
    expect(buttonsOf(dm)).toEqual([]);

    const list = await env.slack.command(JAN, '/update lijst');
    expect(list.seen.map((s) => s.text).join('\n')).not.toContain('Regiotafel');
    // The discussion stays.
    expect(await env.testBot.db.prisma.thread.count({ where: { subjectType: 'update', subjectId: updateId } })).toBeGreaterThan(0);
  });

  it('says so when a withdrawn update is edited or withdrawn again', async () => {
    await pastDoubleClick();
    const pressed = await env.discord.press(FATIMA, confirmation, customId(confirmation, 'Bewerken'));
    expect(pressed.modal).toBeUndefined();
    expect(JSON.stringify(pressed.original ?? pressed.followUps)).toContain('al ingetrokken');
    // Confirmed once more, well after a double click: told so, and nothing changes.
    const before = chatUpdates();
    const again = await env.discord.press(FATIMA, question, customId(question, 'Ja, intrekken'));
    expect(JSON.stringify(again.original ?? again.followUps)).toContain('al ingetrokken');
    await env.drain();
    expect(chatUpdates()).toBe(before);
  });

  it('edits the Slack post where it was posted and the Discord copy (posted on Slack)', async () => {
    const posted = await env.slack.command(JAN, '/update plaats #samenwerking Wijkteams sluiten aan');
    const original = env.slack.fake.messages.find((m) => m.channel === CHANNEL.id && !m.thread_ts && m.text?.includes('Wijkteams sluiten aan'))!;
    expect(posted.status).toBe(200);
    await env.drain();
    const discordCopy = () => env.discord.fake.messagesIn(CHANNEL_ID).find((m) => textOf(m).includes('Wijkteams'))!;
    expect(discordCopy()).toBeDefined();
    // Jan's confirmation is a DM on Slack, with the buttons.
    const dm = env.slack.fake.messages.filter((m) => m.channel === `D${JAN}`).find((m) => blocksText(m.blocks ?? []).includes('Wijkteams'))!;
    const edit = blocksButtons(dm.blocks ?? []).find((b) => b.label === 'Bewerken')!;
    await env.slack.press(JAN, edit, { channel: { id: `D${JAN}`, name: 'dm' } });
    const view = lastOpenedView(env.slack.fake);
    expect(JSON.stringify(view)).toContain('Wijkteams sluiten aan');
    const block = view.blocks.find((b: { type: string }) => b.type === 'input').block_id as string;
    await env.slack.submit(JAN, view, { [block]: 'Wijkteams sluiten aan, ook in Deventer' });
    await env.drain();

    const edited = env.slack.fake.messages.find((m) => m.ts === original.ts && m.channel === CHANNEL.id)!;
    expect(edited.edited).toBe(true);
    expect(blocksText(edited.blocks ?? [])).toContain('ook in Deventer');
    expect(blocksText(edited.blocks ?? [])).toContain('(bewerkt)');
    expect(discordCopy().edited_timestamp).not.toBeNull();
    expect(textOf(discordCopy())).toContain('ook in Deventer');
    expect(textOf(discordCopy())).toContain('(bewerkt)');
  });

  it("lets an admin withdraw someone else's update", async () => {
    const jans = (await env.testBot.services.updates.list()).find((update) => update.body.includes('Deventer'))!;
    const button = { label: 'Ja, intrekken', actionId: 'update.intrekkenbevestigd', slackActionId: 'update.intrekkenbevestigd', value: jans.id };
    const pressed = await env.slack.press('UADMIN', button);
    expect(pressed.seen.map((s) => s.text).join('\n')).toContain('ingetrokken');
    await env.drain();
    const discordCopy = env.discord.fake.messagesIn(CHANNEL_ID).find((m) => textOf(m).includes('ingetrokken door'))!;
    expect(textOf(discordCopy)).toContain('Deze update is ingetrokken door Beheerder.');
  });
});
