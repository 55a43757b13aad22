// Issue 10 on the console, several people at one terminal: advisers configured by a
// coordinator, a question routed, the adviser's DM and its four buttons, the private
// conversation both ways, asking the requester (the clock pauses), handing over, closing with
// a summary, the rating, and /advies mijn and toon for each role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/db.ts';
import { approveMember } from '../support/bot.ts';
import { pressValue, startAdviceConsole, type AdviceConsole } from './console-harness.ts';

describe.each(testBackends())('advice requests on the console, on %s', (kind) => {
  let c: AdviceConsole;
  const year = new Date().getFullYear();
  const nr = (n: number) => `A-${year}-${String(n).padStart(4, '0')}`;

  beforeAll(async () => {
    c = await startAdviceConsole(kind);
    for (const id of ['anna', 'bram', 'carla']) {
      await c.say(id, '/profiel');
      await c.say('local', `/profiel rol ${id} adviseur`);
    }
    await c.say('coco', '/profiel');
    await c.say('local', '/profiel rol coco coordinator');
    await approveMember(c.testBot.services, 'console', 'fatima', 'iot', 'fatima');
    await approveMember(c.testBot.services, 'console', 'gerrit', 'rotterdam', 'gerrit');
    for (const id of ['anna', 'bram', 'carla', 'coco', 'local', 'fatima', 'gerrit']) await c.fresh(id);
  }, 120_000);
  afterAll(async () => {
    await c?.close();
  });

  it('lets a coordinator set up advisers with themes and capacity, and lists them with their load', async () => {
    expect(await c.say('coco', '/advies adviseur anna beleid, regie capaciteit:2')).toBe('anna adviseert over #beleid, #regie, tot 2 open vragen tegelijk.');
    expect(await c.say('coco', '/advies adviseur @bram #beleid,huwelijksdwang')).toContain('bram adviseert over #beleid, #huwelijksdwang, tot 5');
    expect(await c.say('coco', '/advies adviseurs')).toContain('- anna: #beleid, #regie · 0/2 open');
  });

  it('refuses an unknown theme, an unknown person, a member without the adviser role, and non-coordinators, changing nothing', async () => {
    expect(await c.say('coco', '/advies adviseur carla beleid, toverkunst')).toContain('Onbekend thema: toverkunst. Kies uit:');
    expect(await c.say('coco', '/advies adviseur niemand beleid')).toBe('! Ik ken niemand met de naam niemand.');
    expect(await c.say('coco', '/advies adviseur fatima beleid')).toContain('fatima is geen adviseur');
    expect(await c.say('anna', '/advies adviseur carla beleid')).toMatch(/coördinator/i);
    expect(await c.say('fatima', '/advies adviseurs')).toMatch(/coördinator/i);
    expect(await c.say('coco', '/advies adviseurs')).not.toContain('carla');
  });

  it('lets an adviser set their own absence but not someone else\'s, and refuses dates in the past or unreadable', async () => {
    expect(await c.say('bram', '/advies afwezig bram 2020-01-01')).toBe('! 2020-01-01 ligt in het verleden. Kies een dag vanaf vandaag.');
    expect(await c.say('bram', '/advies afwezig bram overmorgen-ish')).toContain('niet als datum lezen');
    expect(await c.say('bram', '/advies afwezig anna 2099-01-01')).toBe('! Je kunt alleen je eigen afwezigheid instellen.');
    expect(await c.say('coco', '/advies adviseurs')).not.toContain('afwezig');
    expect(await c.say('bram', `/advies afwezig bram ${year + 1}-01-05`)).toMatch(new RegExp(`^bram krijgt geen nieuwe vragen tot \\S+ 5 jan ${year + 1} om 23:59\\.$`));
    expect(await c.say('coco', '/advies adviseurs')).toMatch(new RegExp(`bram: #beleid, #huwelijksdwang · 0/5 open · afwezig tot \\S+ 5 jan ${year + 1}`));
  });

  it('routes a question to the available adviser with the theme, confirms privately with the number, and DMs the adviser with four buttons', async () => {
    const answer = await c.say('fatima', '/advies vraag #beleid Hoe betrekken we zelforganisaties bij ons beleid? organisatie:Rotterdam');
    expect(answer).toContain(`Je vraag is ontvangen: ${nr(1)}`);
    expect(answer).toContain('Adviseur: anna');
    expect(answer).toContain('112');
    expect(answer).toContain('0800-2000');
    const dm = await c.fresh('anna');
    expect(dm).toContain(`Adviesvraag ${nr(1)}`);
    expect(dm).toContain('Hoe betrekken we zelforganisaties bij ons beleid?');
    expect(dm).toContain('Gemeente of organisatie: Rotterdam');
    expect(dm).toContain('[1] Oppakken   [2] Overdragen   [3] Vraag stellen   [4] Afsluiten');
    // bram is away, coordinators are not told about a routed normal request.
    expect(await c.fresh('bram')).toBe('');
    expect(await c.fresh('coco')).toBe('');
  });

  it('refuses an empty or a 20,000-character question and an unknown theme, storing nothing', async () => {
    expect(await c.say('fatima', '/advies vraag')).toContain('/advies vraag');
    expect(await c.say('fatima', `/advies vraag #beleid ${'a'.repeat(20_000)}`)).toContain('is te lang: maximaal 4000 tekens');
    expect(await c.say('fatima', '/advies vraag #toverkunst Mag dit?')).toContain('thema');
    expect(await c.say('fatima', '/advies mijn')).not.toContain(nr(2));
  });

  it('the help of /advies warns not to name clients or victims and shows the emergency line', async () => {
    const help = await c.say('fatima', '/help advies');
    expect(help).toContain('/advies vraag [#thema] <vraag>');
    expect(help).toContain('cliënten of slachtoffers');
    expect(help).toContain('112');
    expect(help).toContain('0800-2000');
  });

  it('answers in English for someone who chose English, and the adviser reads the DM in their own language', async () => {
    await c.say('gerrit', '/profiel taal en');
    await c.say('carla', '/profiel taal en');
    await c.say('coco', '/advies adviseur carla huwelijksdwang');
    await c.fresh('carla');
    const answer = await c.say('gerrit', '/advies vraag #huwelijksdwang How do we reach young people at risk?');
    expect(answer).toContain('Your question was received: ');
    expect(answer).toContain('Adviser: carla');
    expect(answer).toContain('Veilig Thuis 0800-2000');
    const dm = await c.fresh('carla');
    expect(dm).toContain('This request was assigned to you.');
    expect(dm).toContain('[1] Oppakken');
    // Back to Dutch for the rest of this file, and carla's queue empty again.
    const number = /A-\d{4}-\d{4}/.exec(answer)![0];
    await c.press('carla', 'Afsluiten');
    expect(await c.say('carla', '!1 samenvatting:"Answered by phone."')).toContain(`${number} is closed`);
    await c.say('gerrit', '/profiel taal nl');
    await c.say('carla', '/profiel taal nl');
    await c.say('coco', '/advies adviseur carla huwelijksdwang');
    await c.fresh('gerrit');
    await c.fresh('carla');
  });

  it('refuses people without an approved profile', async () => {
    expect(await c.say('zoe', '/advies vraag #beleid Mag ik iets vragen?')).toContain('/profiel koppel');
    expect(await c.fresh('anna')).toBe('');
  });

  it('accepts once: the DM loses Oppakken, the requester hears who, a conversation opens and relays both ways', async () => {
    expect(await c.press('anna', 'Oppakken')).toBe(`Je hebt ${nr(1)} opgepakt. Het gesprek met fatima staat open.`);
    const dm = await c.fresh('anna');
    expect(dm).toContain('Opgepakt door anna.');
    expect(dm).toContain('[1] Overdragen   [2] Vraag stellen   [3] Afsluiten');
    expect(dm).toContain(`Antwoord met: >${nr(1)}`);
    expect(await c.fresh('fatima')).toContain(`Je adviesvraag ${nr(1)} is opgepakt door anna.`);
    await c.say('fatima', `>${nr(1)} Dank je, ik hoor graag van je`);
    expect(await c.fresh('anna')).toContain('fatima (console): Dank je, ik hoor graag van je');
    await c.say('anna', `>${nr(1)} Graag gedaan, ik bel je morgen.`);
    expect(await c.fresh('fatima')).toContain('anna (console): Graag gedaan, ik bel je morgen.');
  });

  it('a second press on Oppakken changes nothing and says so', async () => {
    // The DM as first shown still carries the Oppakken button (the console cannot take it away).
    const request = await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { number: nr(1) } });
    // Past the double-click window (a press within it is the same press, answered once).
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const again = await pressValue(c, 'anna', 'advies.oppakken', request.id);
    expect(again).toBe(`! Je had ${nr(1)} al opgepakt.`);
    expect(await c.testBot.db.prisma.adviceEvent.count({ where: { requestId: request.id, action: 'accepted' } })).toBe(1);
  });

  it('Vraag stellen pauses the clock until the requester writes', async () => {
    expect(await c.press('anna', 'Vraag stellen')).toContain('staat stil tot fatima antwoordt');
    expect(await c.fresh('fatima')).toContain(`anna heeft een vraag over ${nr(1)}`);
    expect(await c.fresh('anna')).toContain('de klok staat stil');
    expect(await c.say('fatima', '/advies mijn')).toContain('wacht op jouw antwoord');
    await c.say('fatima', `>${nr(1)} Het gaat om de regio Rijnmond.`);
    expect(await c.say('fatima', '/advies mijn')).toContain('in behandeling');
    expect(await c.fresh('anna')).toContain('Opgepakt door anna.');
  });

  it('a coordinator joins the conversation; everyone in it is told, and the coordinator reads along', async () => {
    expect(await c.say('anna', `/advies meedoen ${nr(1)}`)).toMatch(/coördinator/i);
    expect(await c.say('coco', `/advies meedoen ${nr(1)}`)).toBe(`Je doet mee aan het gesprek over ${nr(1)}; de aanvrager en de adviseur weten het.`);
    expect(await c.fresh('fatima')).toContain(`coco (coördinator) doet mee aan het gesprek over ${nr(1)}.`);
    expect(await c.fresh('anna')).toContain(`coco (coördinator) doet mee aan het gesprek over ${nr(1)}.`);
    expect(await c.fresh('coco')).toContain(`Gesprek: ${nr(1)}`);
    await c.say('fatima', `>${nr(1)} Fijn dat je meeleest.`);
    expect(await c.fresh('coco')).toContain('fatima (console): Fijn dat je meeleest.');
    expect(await c.fresh('anna')).toContain('fatima (console): Fijn dat je meeleest.');
    expect(await c.say('coco', `/advies meedoen ${nr(1)}`)).toBe(`! Je bent al deel van het gesprek over ${nr(1)}.`);
    expect(await c.testBot.db.prisma.auditLog.count({ where: { action: 'advice.join', subject: nr(1) } })).toBe(1);
  });

  it('hands over to a colleague with a reason: the old DM says to whom, the colleague gets the request', async () => {
    await c.say('local', '/advies adviseur carla beleid');
    await c.fresh('carla');
    const form = await c.press('anna', 'Overdragen');
    expect(form).toContain('Reden');
    expect(form).toContain('0800-2000');
    expect(await c.say('anna', '!1 naar:carla reden:"Carla kent Rijnmond"')).toContain(`${nr(1)} is overgedragen aan carla.`);
    expect(await c.fresh('anna')).toContain('Overgedragen door anna aan carla.');
    const dm = await c.fresh('carla');
    expect(dm).toContain(`Adviesvraag ${nr(1)}`);
    expect(dm).toContain('[1] Oppakken');
    // anna no longer sees it: the same words as a number that does not exist.
    expect(await c.say('anna', `/advies toon ${nr(1)}`)).toBe(`! Adviesvraag ${nr(1)} niet gevonden.`);
    expect(await c.say('anna', '/advies toon A-1999-0001')).toBe('! Adviesvraag A-1999-0001 niet gevonden.');
  });

  it('closes with a summary; the requester gets it with rating buttons, rates once and may comment', async () => {
    await c.press('carla', 'Oppakken');
    await c.fresh('fatima');
    const form = await c.press('carla', 'Afsluiten');
    expect(form).toContain('samenvatting');
    expect(await c.say('carla', '!1 samenvatting:"Begin met een ronde tafel met de zelforganisaties."')).toContain(`${nr(1)} is afgesloten`);
    const closed = await c.fresh('fatima');
    expect(closed).toContain(`Adviesvraag ${nr(1)} is afgesloten`);
    expect(closed).toContain('Begin met een ronde tafel met de zelforganisaties.');
    expect(closed).toContain('[1] 1   [2] 2   [3] 3   [4] 4   [5] 5');
    expect(await c.press('fatima', '4')).toContain('Dank je wel voor je 4!');
    expect(await c.fresh('fatima')).toContain('Je gaf een 4.');
    expect(await c.press('fatima', 'Opmerking toevoegen')).toContain('Opmerking');
    expect(await c.say('fatima', '!1 opmerking:"Heel bruikbaar"')).toBe('Dank je wel voor je opmerking.');
    // Closing again, rating again: clear words, nothing changes.
    const request = await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { number: nr(1) } });
    await new Promise((resolve) => setTimeout(resolve, 3100));
    expect(await pressValue(c, 'carla', 'advies.afsluiten', request.id)).toBe(`! ${nr(1)} is al afgesloten.`);
    expect(await pressValue(c, 'fatima', 'advies.cijfer', `${request.id}.2`)).toBe(`! Je hebt ${nr(1)} al gewaardeerd.`);
    expect((await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { number: nr(1) } })).rating).toBe(4);
  });

  it('/advies toon shows a coordinator the request, its history and transcript, and audits the view', async () => {
    const shown = await c.say('coco', `/advies toon ${nr(1).toLowerCase()}`);
    expect(shown).toContain(`Adviesvraag ${nr(1)}`);
    expect(shown).toContain('Hoe betrekken we zelforganisaties bij ons beleid?');
    expect(shown).toMatch(/anna · overgedragen aan carla \(Carla kent Rijnmond\)/);
    expect(shown).toContain('carla · afgesloten');
    expect(shown).toContain('fatima (console): Dank je, ik hoor graag van je');
    expect(shown).toContain('anna (console): Graag gedaan, ik bel je morgen.');
    expect(shown).toContain('Heel bruikbaar');
    const audit = await c.testBot.db.prisma.auditLog.findMany({ where: { action: 'advice.view', subject: nr(1) } });
    expect(audit).toHaveLength(1);
    // The requester's own view is not audited.
    expect(await c.say('fatima', `/advies toon ${nr(1)}`)).toContain('Geschiedenis');
    expect(await c.testBot.db.prisma.auditLog.count({ where: { action: 'advice.view', subject: nr(1) } })).toBe(1);
  });

  it('/advies mijn per role: requester, adviser, coordinator', async () => {
    expect(await c.say('fatima', '/advies mijn')).toContain(`${nr(1)} · #beleid · afgesloten · carla`);
    // As the contract types it: theme, then urgency, then the question.
    expect(await c.say('gerrit', '/advies vraag #regie urgentie:hoog Wie heeft de regie bij de aanpak?')).toContain(nr(3));
    expect(await c.fresh('coco')).toContain(`Urgente adviesvraag ${nr(3)}`);
    const adviser = await c.say('anna', '/advies mijn');
    expect(adviser).toContain('Mijn wachtrij');
    expect(adviser).toMatch(new RegExp(`${nr(3)} · #regie · toegewezen · anna · .* · urgent · \\d+ werkuren · (op tijd|over de streeftijd)`));
    expect(adviser).not.toContain(nr(1));
    // The same in "my overview" (Slack's App Home).
    expect(await c.say('gerrit', '/overzicht')).toMatch(new RegExp(`Mijn adviesvragen[\\s\\S]*${nr(3)}`));
    const coordinator = await c.say('coco', '/advies mijn');
    expect(coordinator).toContain('Alle open vragen (1)');
    expect(coordinator).toContain('Werklast per adviseur');
    expect(coordinator).toContain('- anna: 1/2');
  });
});
