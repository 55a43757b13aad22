// Heropenen by button (issue 10: closed requests can be reopened by requester or adviser within
// 30 days). The requester's closing notice and the adviser's own copy carry the button; it
// reopens once (a second press, or both pressing at the same moment: one wins, the other is
// told it is open), after the reopen period it says it is too late, and anyone else gets
// the words of a request that does not exist. On the console; Discord in platforms.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';
import { pressValue, startAdviceConsole, type AdviceConsole } from './console-harness.ts';

describe.each(testBackends())('Heropenen by button on the console, on %s', (kind) => {
  let c: AdviceConsole;
  let number = '';
  let id = '';
  const prisma = () => c.testBot.db.prisma;
  const reopenedEvents = () => prisma().adviceEvent.count({ where: { requestId: id, action: 'reopened' } });
  // Two presses of one button by one person within 3 s are one double click (the Bot drops it).
  const pastDoubleClick = () => new Promise((resolve) => setTimeout(resolve, 3_100));
  const closeIt = async (summary: string) => {
    await c.press('anna', 'Afsluiten');
    expect(await c.say('anna', `!1 samenvatting:"${summary}"`)).toContain(`${number} is afgesloten`);
  };

  beforeAll(async () => {
    c = await startAdviceConsole(kind);
    for (const user of ['anna', 'bram', 'coco']) await c.say(user, '/profiel');
    await c.say('local', '/profiel rol anna adviseur');
    await c.say('local', '/profiel rol bram adviseur');
    await c.say('local', '/profiel rol coco coordinator');
    await approveMember(c.testBot.services, 'console', 'fatima', 'iot', 'fatima');
    await c.say('coco', '/advies adviseur anna beleid');
    const asked = await c.say('fatima', '/advies vraag #beleid Hoe betrekken we jongerenwerkers bij ons beleid?');
    number = /A-\d{4}-\d{4}/.exec(asked)![0];
    id = (await prisma().adviceRequest.findUniqueOrThrow({ where: { number } })).id;
    await c.press('anna', 'Oppakken');
    for (const user of ['anna', 'fatima', 'coco']) await c.fresh(user);
  }, 120_000);
  afterAll(async () => {
    await c?.close();
  });

  it('puts Heropenen on the requester\'s closing notice and on the adviser\'s own copy', async () => {
    await closeIt('Begin met een gesprek met het jongerenwerk.');
    const requester = await c.fresh('fatima');
    expect(requester).toContain(`Adviesvraag ${number} is afgesloten`);
    expect(requester).toContain('Binnen 30 dagen na het afsluiten kun je de vraag heropenen.');
    expect(requester).toContain('[1] 1   [2] 2   [3] 3   [4] 4   [5] 5   [6] Heropenen');
    const adviser = await c.fresh('anna');
    expect(adviser).toContain(`${number} is afgesloten door anna.`);
    expect(adviser).toContain('[1] Heropenen');
  });

  it('refuses the button to anyone but requester and adviser with the words of a missing request', async () => {
    expect(await pressValue(c, 'coco', 'advies.heropenen', id)).toBe('! Deze adviesvraag is niet gevonden.');
    expect(await pressValue(c, 'bram', 'advies.heropenen', id)).toBe('! Deze adviesvraag is niet gevonden.');
    expect(await pressValue(c, 'fatima', 'advies.heropenen', '00000000-0000-0000-0000-000000000000')).toBe('! Deze adviesvraag is niet gevonden.');
    expect((await prisma().adviceRequest.findUniqueOrThrow({ where: { id } })).status).toBe('closed');
  });

  it('reopens once when the requester presses it; the adviser is told, a second press changes nothing', async () => {
    expect(await c.press('fatima', 'Heropenen')).toBe(`${number} is heropend.`);
    expect(await c.fresh('anna')).toContain('fatima heeft deze vraag heropend.');
    expect((await prisma().adviceRequest.findUniqueOrThrow({ where: { id } })).status).toBe('accepted');
    await pastDoubleClick();
    expect(await pressValue(c, 'fatima', 'advies.heropenen', id)).toBe(`! Dat kan nu niet: ${number} is in behandeling.`);
    expect(await pressValue(c, 'anna', 'advies.heropenen', id)).toBe(`! Dat kan nu niet: ${number} is in behandeling.`);
    expect(await reopenedEvents()).toBe(1);
  });

  it('of requester and adviser pressing at the same moment, exactly one reopens', async () => {
    await closeIt('Nogmaals afgesloten.');
    await c.fresh('fatima');
    await pastDoubleClick();
    const answers = await Promise.all([pressValue(c, 'fatima', 'advies.heropenen', id), pressValue(c, 'anna', 'advies.heropenen', id)]);
    expect(answers.filter((answer) => answer === `${number} is heropend.`)).toHaveLength(1);
    // The loser is told it is open again: on PGlite (one transaction at a time) it sees the request
    // in behandeling; on PostgreSQL its conditional update can lose the race in flight.
    const loser = new RegExp(`^! (Dat kan nu niet: ${number} is in behandeling|${number} is zojuist al heropend)`);
    expect(answers.filter((answer) => loser.test(answer)), answers.join(' | ')).toHaveLength(1);
    expect(await reopenedEvents()).toBe(2);
  });

  it('says it is too late once the 30 days are over, and changes nothing', async () => {
    await pastDoubleClick();
    await closeIt('Definitief afgesloten.');
    // Closed 31 days ago, as the clock would have it a month on.
    await prisma().adviceRequest.update({ where: { id }, data: { closedAt: new Date(Date.now() - 31 * 86_400_000) } });
    await c.fresh('fatima');
    expect(await c.press('fatima', 'Heropenen')).toBe(`! ${number} is langer dan 30 dagen geleden afgesloten en kan niet meer worden heropend. Stel een nieuwe vraag met /advies vraag.`);
    expect((await prisma().adviceRequest.findUniqueOrThrow({ where: { id } })).status).toBe('closed');
    expect(await reopenedEvents()).toBe(2);
  });
});
