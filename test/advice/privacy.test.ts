// H14: advice requests under the privacy rules (issues 10 and 13), on the console as people
// use it. The export holds the requester's requests decrypted (question, summary, rating,
// history, conversation) with others by role only, and an adviser's profile; /privacy verwijder
// anonymises the requests (the statistics stay; no question, summary or conversation text is in
// any table afterwards) and keeps an erased adviser in others' history as "adviseur"; views by
// anyone but requester and assignee are in /privacy audit; closed requests go after a year.
// When an erased adviser's open requests go back to the queue, the coordinators are told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/core/i18n.ts';
import { Retention } from '../../src/core/privacy/retention.ts';
import { approveMember } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';
import { tablesContaining } from '../privacy/tables.ts';
import { startAdviceConsole, type AdviceConsole } from './console-harness.ts';

const SECRETS = {
  question: 'Privevraag-K9P over de buurtaanpak',
  organisation: 'Privorg-J4L',
  reason: 'Privreden-T6N',
  mine: 'Privbericht-aanvrager-M2X',
  adviser: 'Privbericht-adviseur-A8D',
  summary: 'Privsamenvatting-Y3B',
  comment: 'Privopmerking-Z5Q',
};
const GERRIT_QUESTION = 'Gerritvraag-H7W over regie';

describe.each(testBackends())('advice and privacy on %s', (kind) => {
  let c: AdviceConsole;
  let number = '';
  let gerritNumber = '';
  const memberId = async (user: string) => (await c.testBot.services.privacy.findPerson({ platform: 'console', externalId: user }))!.id;
  const exported = async (user: string) => {
    const id = await memberId(user);
    return JSON.parse(await c.testBot.services.privacy.exportData(id, id, translator('nl'), new Date())) as { parts: Record<string, { explanation: string; data: any }> };
  };

  beforeAll(async () => {
    c = await startAdviceConsole(kind);
    for (const adviser of ['anna', 'bram']) {
      await c.say(adviser, '/profiel');
      await c.say('local', `/profiel rol ${adviser} adviseur`);
    }
    await c.say('coco', '/profiel');
    await c.say('local', '/profiel rol coco coordinator');
    await approveMember(c.testBot.services, 'console', 'fatima', 'iot', 'fatima');
    await approveMember(c.testBot.services, 'console', 'gerrit', 'smn', 'gerrit');
    await c.say('coco', '/advies adviseur anna beleid');
    await c.say('coco', '/advies adviseur bram regie');
    // Fatima's request: Anna takes it, hands it to Bram with a reason, Bram takes it; they talk, Bram closes, Fatima rates.
    const asked = await c.say('fatima', `/advies vraag #beleid ${SECRETS.question} organisatie:${SECRETS.organisation}`);
    number = /A-\d{4}-\d{4}/.exec(asked)![0];
    await c.fresh('anna');
    await c.press('anna', 'Oppakken');
    await c.press('anna', 'Overdragen');
    await c.say('anna', `!1 naar:bram reden:"${SECRETS.reason}"`);
    await c.fresh('bram');
    await c.press('bram', 'Oppakken');
    await c.say('fatima', `>${number} ${SECRETS.mine}`);
    await c.say('bram', `>${number} ${SECRETS.adviser}`);
    await c.press('bram', 'Afsluiten');
    await c.say('bram', `!1 samenvatting:"${SECRETS.summary}"`);
    await c.fresh('fatima');
    await c.press('fatima', '4');
    await c.press('fatima', 'Opmerking toevoegen');
    expect(await c.say('fatima', `!1 opmerking:"${SECRETS.comment}"`)).toContain('Dank je wel');
    // Gerrit's request, taken by Bram and still open.
    gerritNumber = /A-\d{4}-\d{4}/.exec(await c.say('gerrit', `/advies vraag #regie ${GERRIT_QUESTION}`))![0];
    await c.fresh('bram');
    await c.press('bram', 'Oppakken');
    await c.testBot.worker.drain();
  }, 240_000);
  afterAll(async () => {
    await c?.close();
  });

  it('exports the requester’s requests decrypted, with history and conversation, others by role only', async () => {
    const file = await exported('fatima');
    const advice = file.parts.advice!;
    expect(advice.explanation).toContain('afgesloten vragen gaan na de bewaartermijn weg');
    expect(advice.data.requests).toHaveLength(1);
    const [request] = advice.data.requests;
    expect(request).toMatchObject({
      number, theme: 'beleid', status: 'afgesloten', question: SECRETS.question, organisation: SECRETS.organisation,
      summary: SECRETS.summary, rating: 4, comment: SECRETS.comment, adviser: 'een adviseur',
    });
    expect(request.history).toEqual(expect.arrayContaining([
      expect.objectContaining({ what: 'vraag gesteld', by: 'jij' }),
      expect.objectContaining({ what: 'overgedragen aan een adviseur', by: 'een adviseur', reason: SECRETS.reason }),
      expect.objectContaining({ what: 'afgesloten', by: 'een adviseur' }),
    ]));
    expect(request.conversation).toEqual([
      expect.objectContaining({ by: 'jij', text: SECRETS.mine }),
      expect.objectContaining({ by: 'een adviseur', text: SECRETS.adviser }),
    ]);
    const text = JSON.stringify(file);
    for (const name of ['anna', 'bram', 'coco', GERRIT_QUESTION]) expect(text, name).not.toContain(name);
  });

  it('exports an adviser’s profile and how many requests they handled, not whose', async () => {
    const file = await exported('bram');
    expect(file.parts.advice!.data).toMatchObject({ requests: [], adviserProfile: { themes: ['regie'], capacity: 5, awayUntil: null }, handledForOthers: 2 });
    const text = JSON.stringify(file);
    for (const secret of [SECRETS.question, GERRIT_QUESTION, 'fatima', 'gerrit']) expect(text, secret).not.toContain(secret);
  });

  it('audits a view of a request by anyone but its requester and assignee, and /privacy audit says it in words', async () => {
    const views = () => c.testBot.db.prisma.auditLog.count({ where: { action: 'advice.view', subject: gerritNumber } });
    await c.say('gerrit', `/advies toon ${gerritNumber}`);
    await c.say('bram', `/advies toon ${gerritNumber}`);
    // A list of numbers, themes and states shows no content: not a view.
    expect(await c.say('coco', '/advies mijn')).toContain(gerritNumber);
    expect(await views()).toBe(0);
    expect(await c.say('coco', `/advies toon ${gerritNumber}`)).toContain(GERRIT_QUESTION);
    expect(await views()).toBe(1);
    expect(await c.say('local', '/privacy audit')).toMatch(new RegExp(`adviesvraag ingezien · door coco · over ${gerritNumber}`));
  });

  it('erases a requester: requests anonymised for the statistics, no question, summary or conversation text in any table', async () => {
    const open = /A-\d{4}-\d{4}/.exec(await c.say('fatima', `/advies vraag #algemeen Nog open ${SECRETS.question}`))![0];
    expect(await c.say('coco', '/advies mijn')).toContain(open);
    const beleid = async () => (await c.testBot.services.advice.stats(new Date())).filter((row) => row.theme === 'beleid');
    const before = await beleid();
    const asked = await c.say('fatima', '/privacy verwijder');
    expect(asked).toContain('Weet je het zeker?');
    const done = await c.press('fatima', 'Verwijderen');
    expect(done).toContain('Je gegevens zijn verwijderd');
    expect(done).toContain('Adviesvragen');
    await c.testBot.worker.drain();
    // The requests stay for the statistics, counted as before; the open one is closed, out of the queues.
    expect(await beleid()).toEqual(before);
    expect((await c.testBot.services.advice.stats(new Date())).find((row) => row.theme === 'algemeen')).toMatchObject({ requests: 1 });
    expect(await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { number: open } })).toMatchObject({ status: 'closed' });
    expect(await c.say('coco', '/advies mijn')).not.toContain(open);
    const row = await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { number } });
    expect(row).toMatchObject({ status: 'closed', theme: 'beleid', rating: 4, summaryEncrypted: null, ratingCommentEncrypted: null, organisationEncrypted: null });
    for (const [name, secret] of Object.entries(SECRETS)) expect(await tablesContaining(c.testBot, secret), name).toEqual([]);
    // Coordinators still see the request, without its content and without her name.
    const shown = await c.say('coco', `/advies toon ${number}`);
    expect(shown).toContain(number);
    expect(shown).not.toContain('fatima');
    expect(shown).toContain('verwijderd lid');
  }, 120_000);

  it('erases an adviser: profile gone, their open request back in the queue, their steps in others’ history kept as "adviseur"', async () => {
    for (const user of ['coco', 'local', 'anna']) await c.fresh(user);
    const asked = await c.say('local', '/privacy verwijder console:bram');
    expect(asked).toContain('Alle gegevens van bram verwijderen?');
    expect(await c.press('local', 'Verwijderen')).toContain('De gegevens zijn verwijderd');
    await c.testBot.worker.drain();
    expect(await c.say('coco', '/advies adviseurs')).not.toContain('bram');
    // H18: every coordinator and admin is told which requests are back in their queue: number,
    // theme, urgency; not the question (they open it with /advies toon), not whose they were.
    for (const coordinator of ['coco', 'local']) {
      const told = await c.fresh(coordinator);
      expect(told, coordinator).toContain('Adviesvraag terug in de wachtrij');
      expect(told, coordinator).toContain('Een adviseur is verwijderd (AVG). Deze open vraag heeft geen adviseur meer en staat weer in jullie wachtrij:');
      expect(told, coordinator).toContain(`- ${gerritNumber} · #regie`);
      expect(told, coordinator).not.toContain(GERRIT_QUESTION);
      expect(told, coordinator).not.toContain('bram');
    }
    // Nobody else (another adviser) hears of it.
    expect(await c.fresh('anna')).not.toContain(gerritNumber);
    const shown = await c.say('coco', `/advies toon ${gerritNumber}`);
    expect(shown).toContain(GERRIT_QUESTION);
    expect(shown).toContain('wacht op een adviseur');
    expect(shown).not.toContain('bram');
    expect(shown).toMatch(/· adviseur · opgepakt/);
    expect(shown).toMatch(/toegewezen aan adviseur/);
    // On the console an account id is the name: its place in Gerrit's conversation and the
    // bot's earlier messages to it (offers and their edits) go too. What is left: the notice
    // telling Bram what was removed (the privacy module's, wiped a day after sending) and the
    // console's DM channel `@bram` (the channel registry's, not advice's; see the report).
    expect((await tablesContaining(c.testBot, 'bram')).sort()).toEqual(['Channel', 'OutboxMessage']);
    const toBram = await c.testBot.db.prisma.outboxMessage.findMany({ where: { targetRef: 'bram' }, select: { dedupeKey: true } });
    expect(toBram.map((row) => row.dedupeKey)).toEqual([expect.stringMatching(/^privacy:erased:/)]);
  }, 120_000);
});

describe.each(testBackends())('advice retention on %s', (kind) => {
  const DAY = 86_400_000;
  const NOW = new Date('2029-03-10T02:30:00Z');
  const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
  let c: AdviceConsole;

  beforeAll(async () => {
    c = await startAdviceConsole(kind);
    const prisma = c.testBot.db.prisma;
    const member = await approveMember(c.testBot.services, 'console', 'ria', 'iot', 'ria');
    const sealed = c.testBot.services.cipher.encrypt('een vraag');
    // Closed 13 and 11 months ago, and one open since three years, even with an old closing
    // moment on it (the status decides, not the date): each with a conversation.
    const requests = [
      { number: 'A-2028-0001', status: 'closed', closedAt: ago(395), createdAt: ago(400) },
      { number: 'A-2028-0002', status: 'closed', closedAt: ago(335), createdAt: ago(340) },
      { number: 'A-2026-0003', status: 'accepted', closedAt: ago(1000), createdAt: ago(1100) },
    ];
    for (const request of requests) {
      const row = await prisma.adviceRequest.create({ data: { ...request, requesterId: member.id, theme: 'regie', questionEncrypted: sealed, lastActivityAt: request.createdAt } });
      await prisma.adviceEvent.create({ data: { requestId: row.id, actorId: member.id, action: 'created', createdAt: request.createdAt } });
      const thread = await prisma.thread.create({ data: { subjectType: 'advies', subjectId: request.number, relayToKind: 'user', relayToRef: 'ria' } });
      await prisma.threadMessage.create({ data: { threadId: thread.id, authorId: member.id, platform: 'CONSOLE', bodyEncrypted: sealed, createdAt: request.createdAt } });
    }
  }, 120_000);
  afterAll(async () => {
    await c?.close();
  });

  const left = async () => {
    const prisma = c.testBot.db.prisma;
    return {
      requests: (await prisma.adviceRequest.findMany({ orderBy: { number: 'asc' } })).map((row) => row.number),
      events: await prisma.adviceEvent.count(),
      threads: (await prisma.thread.findMany({ where: { subjectType: 'advies' }, orderBy: { subjectId: 'asc' } })).map((row) => row.subjectId),
      messages: await prisma.threadMessage.count(),
    };
  };

  it('removes a request closed 13 months ago with its history and conversation; keeps one of 11 months and open ones', async () => {
    expect(await c.testBot.services.retention.run(NOW, { dryRun: true })).toMatchObject({ advice: 1 });
    expect(await c.testBot.services.retention.run(NOW)).toMatchObject({ advice: 1 });
    expect(await left()).toEqual({ requests: ['A-2026-0003', 'A-2028-0002'], events: 2, threads: ['A-2026-0003', 'A-2028-0002'], messages: 2 });
    // Years later the open one is still there.
    expect(await c.testBot.services.retention.run(new Date(NOW.getTime() + 3650 * DAY))).toMatchObject({ advice: 1 });
    expect((await left()).requests).toEqual(['A-2026-0003']);
  });

  it('takes another period when the alliance sets one (retention override "advice")', async () => {
    const prisma = c.testBot.db.prisma;
    const member = await prisma.member.findFirstOrThrow({ where: { displayName: 'ria' } });
    await prisma.adviceRequest.create({ data: { number: 'A-2029-0004', status: 'closed', closedAt: ago(40), requesterId: member.id, theme: 'regie', questionEncrypted: c.testBot.services.cipher.encrypt('x') } });
    expect(await new Retention(prisma).run(NOW)).toMatchObject({ advice: 0 });
    expect(await new Retention(prisma, { overrides: { advice: 30 } }).run(NOW)).toMatchObject({ advice: 1 });
    expect((await left()).requests).toEqual(['A-2026-0003']);
  });
});
