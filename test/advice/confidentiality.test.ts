// Confidentiality of advice requests (issue 10): the authorisation matrix (every role × every
// action, plus someone from outside the alliance), where anyone not allowed gets word for word
// the answer an unknown number gets; and encryption at rest: a dump of the database holds none
// of the question, organisation, handover reason, summary, comment or conversation text.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveMember } from '../support/bot.ts';
import { testBackends, type TestDatabase } from '../support/db.ts';
import { pressValue, startAdviceConsole, type AdviceConsole } from './console-harness.ts';

const exec = promisify(execFile);
const PG_DUMP = existsSync('/usr/lib/postgresql/15/bin/pg_dump') ? '/usr/lib/postgresql/15/bin/pg_dump' : 'pg_dump';
const SECRETS = {
  question: 'Geheim-vraag-Q7Z over een aanpak',
  organisation: 'Geheim-org-W3K',
  reason: 'Geheim-reden-R8M',
  summary: 'Geheim-samenvatting-S5T',
  comment: 'Geheim-opmerking-C2V',
  message: 'Geheim-gesprek-G4H',
};

type Role = 'outsider' | 'member' | 'requester' | 'adviser' | 'otherAdviser' | 'coordinator' | 'admin';
const ROLES: Role[] = ['outsider', 'member', 'requester', 'adviser', 'otherAdviser', 'coordinator', 'admin'];
const PERSON: Record<Role, string> = { outsider: 'buiten', member: 'gerrit', requester: 'fatima', adviser: 'anna', otherAdviser: 'bram', coordinator: 'coco', admin: 'local' };

describe.each(testBackends())('advice confidentiality on %s', (kind) => {
  let c: AdviceConsole;
  let number = '';
  let id = '';

  beforeAll(async () => {
    c = await startAdviceConsole(kind);
    await c.say('buiten', '/profiel');
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
    const asked = await c.say('fatima', `/advies vraag #beleid ${SECRETS.question} organisatie:${SECRETS.organisation}`);
    number = /A-\d{4}-\d{4}/.exec(asked)![0];
    id = (await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { number } })).id;
    await c.fresh('anna');
    await c.press('anna', 'Oppakken');
  }, 180_000);
  afterAll(async () => {
    await c?.close();
  });

  const MAY_SEE: Role[] = ['requester', 'adviser', 'coordinator', 'admin'];
  it.each(ROLES)('/advies toon for %s: the request, or word for word the answer for an unknown number', async (role) => {
    const shown = await c.say(PERSON[role], `/advies toon ${number}`);
    const unknown = await c.say(PERSON[role], '/advies toon A-1999-0999');
    if (MAY_SEE.includes(role)) {
      expect(shown).toContain(SECRETS.question);
    } else {
      expect(shown).not.toContain(SECRETS.question);
      expect(shown.replace(number, 'N')).toBe(unknown.replace('A-1999-0999', 'N'));
    }
  });

  const ACTS: Role[] = ['adviser', 'coordinator', 'admin'];
  for (const action of ['advies.overdragen', 'advies.vraagstellen', 'advies.afsluiten', 'advies.oppakken'] as const) {
    it.each(ROLES)(`${action} pressed by %s: allowed, or refused changing nothing`, async (role) => {
      const before = await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { id } });
      const answer = await pressValue(c, PERSON[role], action, id);
      const after = await c.testBot.db.prisma.adviceRequest.findUniqueOrThrow({ where: { id } });
      if (ACTS.includes(role)) {
        expect(answer).not.toBe('! Deze adviesvraag is niet gevonden.');
        // The allowed presses here are forms (not submitted) or a refusal that it was already taken.
        if (action === 'advies.vraagstellen') return;
      } else {
        // Members and outsiders are stopped by the access level, other advisers by the request itself.
        expect(answer).toMatch(role === 'otherAdviser' ? /^! Deze adviesvraag is niet gevonden\.$/ : /^! /);
      }
      expect(after.status).toBe(before.status);
      expect(after.assigneeId).toBe(before.assigneeId);
    });
  }

  it.each(ROLES)('the coordinator commands for %s', async (role) => {
    const list = await c.say(PERSON[role], '/advies adviseurs');
    const set = await c.say(PERSON[role], '/advies adviseur bram regie, beleid');
    if (role === 'coordinator' || role === 'admin') {
      expect(list).toContain('Adviseurs (2)');
      expect(set).toContain('bram adviseert over #regie, #beleid');
    } else {
      expect(list).toMatch(/^! /);
      expect(set).toMatch(/^! /);
    }
    await c.say('coco', '/advies adviseur bram regie');
  });

  it.each(ROLES)('/advies vraag for %s: approved members and staff may ask, outsiders are pointed to /profiel koppel', async (role) => {
    const answer = await c.say(PERSON[role], '/advies vraag #algemeen Een korte vraag');
    if (role === 'outsider') expect(answer).toContain('/profiel koppel');
    else expect(answer).toContain('Je vraag is ontvangen');
  });

  it.each(ROLES)('/advies heropen of an open request and /advies mijn for %s', async (role) => {
    const reopen = await c.say(PERSON[role], `/advies heropen ${number}`);
    if (role === 'requester' || role === 'adviser') expect(reopen).toContain('Dat kan nu niet');
    else expect(reopen).toBe(`! Adviesvraag ${number} niet gevonden.`);
    const mine = await c.say(PERSON[role], '/advies mijn');
    if (MAY_SEE.includes(role)) expect(mine).toContain(number);
    else expect(mine).not.toContain(number);
  });

  it('keeps none of the texts readable in a dump of the database', async () => {
    // The matrix above pressed these same buttons on this request moments ago: the Bot takes a
    // second press of one button by one person within 3 s for a double click and drops it.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    await c.say('fatima', `>${number} ${SECRETS.message}`);
    await c.fresh('bram');
    await c.press('anna', 'Overdragen');
    await c.say('anna', `!1 naar:bram reden:"${SECRETS.reason}"`);
    await c.fresh('bram');
    await c.press('bram', 'Oppakken');
    await c.press('bram', 'Afsluiten');
    await c.say('bram', `!1 samenvatting:"${SECRETS.summary}"`);
    await c.fresh('fatima');
    await c.press('fatima', '5');
    await c.press('fatima', 'Opmerking toevoegen');
    expect(await c.say('fatima', `!1 opmerking:"${SECRETS.comment}"`)).toContain('Dank je wel');
    const shown = await c.say('coco', `/advies toon ${number}`);
    for (const secret of Object.values(SECRETS)) expect(shown, secret).toContain(secret);
    await c.testBot.worker.drain();
    const db = c.testBot.db as TestDatabase;
    const bytes = db.pglite
      ? Buffer.from(await (await db.pglite.dumpDataDir('none')).arrayBuffer()).toString('latin1')
      : (await exec(PG_DUMP, ['--dbname', db.url!, '--no-owner'], { maxBuffer: 256 * 1024 * 1024 })).stdout;
    expect(bytes).toContain('AdviceRequest');
    for (const [name, secret] of Object.entries(SECRETS)) expect(bytes.includes(secret), name).toBe(false);
  }, 120_000);
});
