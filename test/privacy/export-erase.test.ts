// /privacy export and /privacy verwijder through the Bot on a real database: the export holds
// everything about the member (decrypted, nobody else's name), the deletion leaves no trace of
// their name or texts in any table, the bot's posts for them say "verwijderd", and bad input
// (someone unknown, a second delete, someone else's button) changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, Requester } from '../../src/core/bot.ts';
import { replyToPlainText, type Button } from '../../src/core/framework/reply.ts';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import { joinMessageRef } from '../../src/core/messages/message-ref.ts';
import { createServices } from '../../src/core/services.ts';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';
import { tablesContaining as tablesIn } from './tables.ts';

const SLACK = 'slack' as const;
const place = { platform: SLACK, channelRef: 'CUPDATES', channelName: 'updates' };
const person = (userId: string, displayName = userId): Requester => ({ platform: SLACK, userId, displayName });
const textOf = (outcome: Outcome) => (outcome.kind === 'reply' || outcome.kind === 'invalid' ? replyToPlainText(outcome.reply) : '');
const buttonsOf = (outcome: Outcome): Button[] => (outcome.kind === 'reply' ? (outcome.reply.buttons ?? []) : []);

const NAME = 'Fatima Zonnebloem';
const UPDATE_TEXT = 'Regiotafel Almere gestart, met dank aan het wijkteam Kwartelpad';
const REPLY_TEXT = 'Mooi, ik neem het op met de gemeente Lelystad-Kwakel';

describe.each(testBackends())('export and deletion on %s', (kind) => {
  let env: TestBot;
  let sent: OutboxItem[];
  let fatimaId: string;
  let updateId: string;
  const type = (userId: string, line: string, displayName?: string) => {
    const [, command, text] = /^\/(\S+)\s*([\s\S]*)$/.exec(line)!;
    return env.bot.handleText({ requester: person(userId, displayName), place, command: command!, text: text! });
  };
  const press = (userId: string, button: Button) => env.bot.handleAction({ requester: person(userId), place, actionId: button.actionId, value: button.value });
  const filesTo = async (userId: string) => {
    await env.worker.drain();
    return sent.filter((item) => item.target.ref === userId).flatMap((item) => item.reply.files ?? []);
  };
  const tablesContaining = (needle: string) => tablesIn(env, needle);

  beforeAll(async () => {
    env = await createTestBot({ kind, admins: ['slack:UADMIN'] });
    sent = recordDeliveries(env, SLACK);
    await type('UADMIN', '/help', 'Anne Admin');
    // Fatima asks to be linked: the admin's notice names her (and stays, sealed, for a day).
    expect(textOf(await type('UFATIMA', '/profiel koppel IOT', NAME))).toContain('doorgestuurd');
    await env.worker.drain();
    const notice = sent.find((item) => item.target.ref === 'UADMIN' && replyToPlainText(item.reply).includes(NAME));
    expect(textOf(await press('UADMIN', notice!.reply.buttons!.find((b) => b.actionId === 'profiel.goedkeuren')!))).toContain('gekoppeld');
    fatimaId = (await env.services.privacy.findPerson({ platform: SLACK, externalId: 'UFATIMA' }))!.id;
    await approveMember(env.services, SLACK, 'UBRAM', 'smn', 'Bram Berkhout');
    const posted = await type('UFATIMA', `/update plaats #regie ${UPDATE_TEXT}`, NAME);
    expect(textOf(posted)).toContain(UPDATE_TEXT);
    updateId = (await env.services.updates.list({ authorId: fatimaId }))[0]!.id;
    // The bot's post carries the discussion, where Bram and Fatima write.
    await env.bot.discussionStarted({ platform: SLACK, channelRef: 'CUPDATES', threadRef: '1700000000.000100' }, { subjectType: 'update', subjectId: updateId }, joinMessageRef(SLACK, ['CUPDATES', '1700000000.000100']));
    for (const [user, ts, text] of [['UBRAM', '200', 'Goed nieuws!'], ['UFATIMA', '300', REPLY_TEXT]] as const) {
      await env.bot.threadMessage({ platform: SLACK, channelRef: 'CUPDATES', threadRef: '1700000000.000100', messageRef: `1700000000.000${ts}`, author: { platform: SLACK, userId: user }, text, eventKey: `ev-${ts}` });
    }
    await env.worker.drain();
  }, 120_000);
  afterAll(() => env?.close());

  it('sends the member everything about them as a JSON file in a DM, explained, decrypted, without other people’s names', async () => {
    expect(textOf(await type('UFATIMA', '/privacy export'))).toContain('Je gegevens komen als bestand in een privébericht');
    const [file] = await filesTo('UFATIMA');
    expect(file?.name).toMatch(/^binnenuit-export-\d{4}-\d\d-\d\d\.json$/);
    const exported = JSON.parse(file!.content) as { about: string; parts: Record<string, { explanation: string; data: any }> };
    expect(exported.about).toContain('Andere mensen staan er met hun rol in');
    expect(exported.parts.profile!.data).toMatchObject({ name: NAME, role: 'lid', organisation: 'Inspraakorgaan Turken' });
    expect(exported.parts.accounts!.data.accounts).toEqual([expect.objectContaining({ platform: 'slack', id: 'UFATIMA' })]);
    expect(exported.parts.updates!.data).toEqual([expect.objectContaining({ theme: 'regie', text: UPDATE_TEXT })]);
    expect(exported.parts.messages!.data).toEqual([expect.objectContaining({ text: REPLY_TEXT, about: `update ${updateId}` })]);
    expect(exported.parts.linkRequests!.data.requests).toEqual([expect.objectContaining({ status: 'goedgekeurd', decidedBy: 'een beheerder' })]);
    expect(exported.parts.audit!.data).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'koppeling goedgekeurd', by: 'een beheerder' })]));
    for (const part of Object.values(exported.parts)) expect(part.explanation.length).toBeGreaterThan(20);
    // Bram wrote in the same discussion; the admin decided: neither appears by name.
    expect(file!.content).not.toContain('Bram');
    expect(file!.content).not.toContain('Goed nieuws');
    expect(file!.content).not.toContain('test-admin');
    expect(file!.content).not.toContain('Anne Admin');
    // The export itself is audited.
    expect(textOf(await type('UADMIN', '/privacy audit'))).toMatch(/geëxporteerd · door Fatima Zonnebloem/);
  });

  it('lets an admin export for someone (the file goes to that person), nobody else, and not for someone unknown', async () => {
    const before = (await filesTo('UBRAM')).length;
    expect(textOf(await type('UADMIN', '/privacy export slack:UBRAM'))).toContain('De gegevens van Bram Berkhout gaan als bestand naar diens privéberichten');
    const files = await filesTo('UBRAM');
    expect(files).toHaveLength(before + 1);
    expect(JSON.parse(files.at(-1)!.content).parts.profile.data.name).toBe('Bram Berkhout');
    expect(await filesTo('UADMIN')).toEqual([]);
    expect(textOf(await type('UBRAM', '/privacy export slack:UFATIMA'))).toContain('Alleen beheerders kunnen dit voor iemand anders doen');
    // Refused and unknown: no file, no audit entry, nobody created (H20: "no change" checked).
    const auditBefore = await env.db.prisma.auditLog.count();
    const filesBefore = (await filesTo('UFATIMA')).length;
    expect(textOf(await type('UBRAM', '/privacy verwijder slack:UFATIMA'))).toContain('Alleen beheerders kunnen dit voor iemand anders doen');
    expect(textOf(await type('UADMIN', '/privacy export slack:UNOBODY'))).toContain('Ik ken niemand als <@UNOBODY>');
    expect(textOf(await type('UADMIN', '/privacy verwijder slack:UNOBODY'))).toContain('Ik ken niemand als <@UNOBODY>');
    expect(await env.db.prisma.platformIdentity.count({ where: { externalId: 'UNOBODY' } })).toBe(0);
    expect(await env.db.prisma.auditLog.count()).toBe(auditBefore);
    expect(await filesTo('UFATIMA')).toHaveLength(filesBefore);
    expect(await filesTo('UNOBODY')).toEqual([]);
  });

  it('deletes after *Verwijderen*, only by the one who asked, once; no trace of name or texts remains', async () => {
    const asked = await type('UFATIMA', '/privacy verwijder');
    expect(textOf(asked)).toContain('Weet je het zeker?');
    const [confirm] = buttonsOf(asked);
    expect(confirm!.label).toBe('Verwijderen');
    // Someone else pressing it (a forged or copied press) is refused, and nothing changes.
    expect(textOf(await press('UBRAM', confirm!))).toContain('Deze knop is niet van jou');
    expect(textOf(await press('UADMIN', confirm!))).toContain('Deze knop is niet van jou');
    expect(await env.services.privacy.exists(fatimaId)).toBe(true);

    const done = textOf(await press('UFATIMA', confirm!));
    expect(done).toContain('Je gegevens zijn verwijderd');
    expect(done).toMatch(/Gekoppelde accounts: 1[\s\S]*Updates: 1[\s\S]*Berichten in gesprekken: 1[\s\S]*Profiel: 1/);
    expect(done).toContain('1 bericht van de bot voor jou wordt op het platform veranderd in "verwijderd"');
    await env.worker.drain();
    // The bot's post of her update and its relayed copy of her reply now say "verwijderd".
    const edits = sent.filter((item) => item.action === 'edit' && item.dedupeKey.endsWith(':erased'));
    expect(edits.length).toBeGreaterThanOrEqual(1);
    for (const edit of edits) expect(replyToPlainText(edit.reply)).toBe('verwijderd');

    // A second press: nothing left, nothing changed (no second erase in the audit log).
    const erasures = await env.db.prisma.auditLog.count({ where: { action: 'privacy.erase' } });
    expect(textOf(await press('UFATIMA', confirm!))).toContain('al verwijderd');
    expect(await env.db.prisma.auditLog.count({ where: { action: 'privacy.erase' } })).toBe(erasures);
    await env.db.prisma.platformIdentity.deleteMany({ where: { externalId: 'UFATIMA' } }); // the press made her anew
    await env.db.prisma.member.deleteMany({ where: { displayName: 'UFATIMA' } });

    for (const needle of [NAME, 'Zonnebloem', UPDATE_TEXT.slice(0, 30), REPLY_TEXT, 'UFATIMA']) {
      const tables = await tablesContaining(needle);
      // The update stays for the alliance (default setting), anonymised: its text is not hers to take.
      expect(tables.filter((table) => !(needle === UPDATE_TEXT.slice(0, 30) && table === 'Update')), needle).toEqual([]);
    }
    // Her update is listed as from "verwijderd lid".
    expect(textOf(await type('UBRAM', '/update lijst'))).toContain('verwijderd lid');
    expect(textOf(await type('UBRAM', '/update lijst'))).not.toContain('Zonnebloem');
    // The deletion is in the audit log, without her name.
    expect(textOf(await type('UADMIN', '/privacy audit'))).toMatch(/verwijderd · door verwijderd lid/);
  });

  it('lets an admin delete someone on request; the person is told what went', async () => {
    const asked = await type('UADMIN', '/privacy verwijder slack:UBRAM');
    expect(textOf(asked)).toContain('Alle gegevens van Bram Berkhout verwijderen?');
    expect(textOf(await press('UBRAM', buttonsOf(asked)[0]!))).toContain('Deze knop is niet van jou');
    expect(textOf(await press('UADMIN', buttonsOf(asked)[0]!))).toContain('De gegevens zijn verwijderd');
    await env.worker.drain();
    const told = sent.filter((item) => item.target.ref === 'UBRAM' && item.dedupeKey.startsWith('privacy:erased:'));
    expect(told.map((item) => replyToPlainText(item.reply))).toEqual([expect.stringMatching(/Een beheerder heeft op je verzoek[\s\S]*Profiel: 1/)]);
    expect(await tablesContaining('Bram Berkhout')).toEqual([]);
    expect(textOf(await type('UADMIN', '/privacy audit'))).toMatch(/verwijderd · door Anne Admin · over verwijderd lid/);
  });

  it('removes the updates instead when the alliance chose so (PRIVACY_UPDATES_ON_ERASE=remove)', async () => {
    const removing = createServices(env.db.prisma, { ...env.services.settings, privacyUpdatesOnErase: 'remove' }, env.services.cipher);
    const member = await approveMember(removing, SLACK, 'UCHRIS', 'smn', 'Chris Kwartel');
    await removing.updates.post({ authorId: member.id, body: 'Een update die weg moet' });
    const admin = await removing.members.resolve(SLACK, 'UADMIN');
    const report = await removing.unitOfWork.run(() => removing.privacy.erase(member.id, admin.id));
    expect(report?.counts).toMatchObject({ updates: 1, profile: 1 });
    expect((await removing.updates.list({ limit: 50 })).map((update) => update.body)).not.toContain('Een update die weg moet');
    expect(await tablesContaining('Chris Kwartel')).toEqual([]);
  });
});
