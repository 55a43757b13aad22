// Issue 10, bad input, the lines the other files leave out: numbers that are no number
// (typed to toon, heropen and meedoen), forged button values (no request id, a rating of 9,
// someone else's rating), and a coordinator joining a request nobody has picked up yet. Each
// gets clear words and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import { pressValue, startAdviceConsole, type AdviceConsole } from './console-harness.ts';

describe('advice bad input on the console', () => {
  let c: AdviceConsole;
  let number = '';
  let id = '';
  const snapshot = async () => JSON.stringify(await c.testBot.db.prisma.adviceRequest.findMany({ orderBy: { number: 'asc' } }));

  beforeAll(async () => {
    c = await startAdviceConsole('pglite');
    for (const user of ['anna', 'coco']) await c.say(user, '/profiel');
    await c.say('local', '/profiel rol anna adviseur');
    await c.say('local', '/profiel rol coco coordinator');
    await approveMember(c.testBot.services, 'console', 'fatima', 'iot', 'fatima');
    await approveMember(c.testBot.services, 'console', 'gerrit', 'smn', 'gerrit');
    await c.say('coco', '/advies adviseur anna beleid');
    number = /A-\d{4}-\d{4}/.exec(await c.say('fatima', '/advies vraag #beleid Een vraag die nog niemand heeft opgepakt'))![0];
    id = (await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { number } })).id;
  }, 180_000);
  afterAll(async () => {
    await c?.close();
  });

  it.each(['xyz', 'A-2026', "A-2026-0001';--", 'B-2026-0001', '999999999999'])('refuses "%s" as a number to toon, heropen and meedoen, changing nothing', async (typed) => {
    const before = await snapshot();
    for (const sub of ['toon', 'heropen'] as const) expect(await c.say('fatima', `/advies ${sub} ${typed}`), sub).toMatch(/^! Adviesvraag .* niet gevonden\.$/);
    expect(await c.say('coco', `/advies meedoen ${typed}`)).toMatch(/^! Adviesvraag .* niet gevonden\.$/);
    expect(await snapshot()).toBe(before);
  });

  it('refuses forged button values: no request id, a rating out of range, someone else\'s rating', async () => {
    const before = await snapshot();
    expect(await pressValue(c, 'anna', 'advies.oppakken', 'geen-id')).toBe('! Deze adviesvraag is niet gevonden.');
    expect(await pressValue(c, 'fatima', 'advies.heropenen', 'geen-id')).toBe('! Deze adviesvraag is niet gevonden.');
    expect(await pressValue(c, 'fatima', 'advies.cijfer', `${id}.9`)).toBe('! Deze adviesvraag is niet gevonden.');
    expect(await pressValue(c, 'gerrit', 'advies.cijfer', `${id}.5`)).toBe('! Deze adviesvraag is niet gevonden.');
    expect(await pressValue(c, 'gerrit', 'advies.opmerking', id)).toBe('! Deze adviesvraag is niet gevonden.');
    expect(await snapshot()).toBe(before);
  });

  it('a coordinator cannot join a request nobody has picked up yet, nor rate it before it is closed', async () => {
    const before = await snapshot();
    expect(await c.say('coco', `/advies meedoen ${number}`)).toBe(`! Dat kan nu niet: ${number} is toegewezen.`);
    expect(await pressValue(c, 'fatima', 'advies.cijfer', `${id}.4`)).toBe(`! Dat kan nu niet: ${number} is toegewezen.`);
    expect(await snapshot()).toBe(before);
  });
});
