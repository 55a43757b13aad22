// The commands through the Bot, on a real database (PGlite, and PostgreSQL when
// TEST_DATABASE_URL is set), as any adapter would call them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, Requester } from '../../src/core/bot.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import { approveMember, createTestBot, recordDeliveries, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const place = { platform: 'console' as const, channelRef: 'general' };
const person = (userId: string): Requester => ({ platform: 'console', userId, displayName: userId });
const textOf = (outcome: Outcome) => (outcome.kind === 'reply' || outcome.kind === 'invalid' ? replyToPlainText(outcome.reply) : '');

describe.each(testBackends())('commands on %s', (kind) => {
  let env: TestBot;
  const type = (userId: string, line: string, extra: { eventKey?: string; formsAvailable?: boolean } = {}) => {
    const [, command, text] = /^\/(\S+)\s*([\s\S]*)$/.exec(line)!;
    return env.bot.handleText({ requester: person(userId), place, command: command!, text: text!, ...extra });
  };

  beforeAll(async () => {
    env = await createTestBot({ kind, admins: ['console:admin'], guide: true });
    await approveMember(env.services, 'console', 'poster', 'smn', 'Samira');
  });
  afterAll(() => env?.close());

  describe('bad input: one localised explanation with the usage, nothing stored, still running', () => {
    it.each([
      ['/onbekend', /\/onbekend ken ik niet.*\/help/s],
      ['/update verwijder', /'verwijder' is geen onderdeel van \/update[\s\S]*\/update plaats/],
      ['/update plaats', /tekst ontbreekt[\s\S]*\/update plaats \[#thema\] <tekst>/],
      ['/update plaats #onzin tekst', /thema moet een van deze zijn: zelfbeschikking/],
      [`/update plaats ${'x'.repeat(2001)}`, /maximaal 2000 tekens, dit zijn er 2001/],
      ['/update plaats tekst met \u0007 belletje', /stuurtekens/],
      ['/profiel taal nl extra', /geen enkele optie: 'extra'/],
      ['/update plaats Over Zwolle gemeente:Atlantis', /gemeente 'Atlantis' ken ik niet/],
    ])('%s', async (line, expected) => {
      const outcome = await type('poster', line);
      expect(textOf(outcome)).toMatch(expected);
      expect(await env.services.updates.list()).toHaveLength(0);
    });

    it('asks for a form instead when the platform can show one and only required input is missing', async () => {
      const outcome = await type('poster', '/update plaats #regie', { formsAvailable: true });
      expect(outcome.kind).toBe('form');
      if (outcome.kind !== 'form') return;
      expect(outcome.form.fields.map((field) => [field.name, field.required, field.value])).toEqual([
        ['thema', false, 'regie'],
        ['tekst', true, undefined],
        ['gemeente', false, undefined],
      ]);
      expect(outcome.form.fields[0]!.choices?.find((c) => c.value === 'regie')?.label).toBe('Regie');
      // Free text about people: the form warns before anything is typed.
      expect(outcome.form.notice).toContain('Noem geen namen');
      expect(outcome.form.notice).toContain('112');
      expect(outcome.form.notice).toContain('0800-2000');
    });
  });

  it('stores an update with theme, organisation and gemeente, and lists it with filters', async () => {
    const posted = await type('poster', '/update plaats #samenwerking Gesprek over (H)echt Verbonden gemeente:Rotterdam');
    expect(posted.kind === 'reply' && posted.reply.visibility).toBe('channel');
    expect(textOf(posted)).toContain('Samira · Samenwerkingsverband Marokkaanse Nederlanders');
    expect(textOf(posted)).toContain('#samenwerking · Gemeente Rotterdam');
    expect(textOf(await type('poster', '/update lijst #samenwerking'))).toContain('(H)echt Verbonden');
    expect(textOf(await type('poster', '/update lijst #lhbti'))).toContain('Nog geen updates');
    expect(textOf(await type('poster', '/update lijst organisatie:SMN'))).toContain('(H)echt Verbonden');
    expect(textOf(await type('poster', '/update lijst organisatie:Rotterdam'))).toContain('(H)echt Verbonden');
  });

  it('handles the same platform event once', async () => {
    const first = await type('poster', '/update plaats Eén keer', { eventKey: 'test:evt-once' });
    const second = await type('poster', '/update plaats Eén keer', { eventKey: 'test:evt-once' });
    expect(first.kind).toBe('reply');
    expect(second.kind).toBe('duplicate');
    expect((await env.services.updates.list({ limit: 50 })).filter((u) => u.body === 'Eén keer')).toHaveLength(1);
  });

  it('keeps coordinator commands from members, with a short explanation', async () => {
    expect(textOf(await type('poster', '/profiel verzoeken'))).toContain('alleen voor coördinatoren');
    expect(textOf(await type('admin', '/profiel verzoeken'))).toMatch(/geen koppelverzoeken|open koppelverzoek/);
  });

  it('links a member after approval and tells both sides, in their own language', async () => {
    const sent = recordDeliveries(env, 'console');
    await type('newcomer', '/profiel taal en');
    expect(textOf(await type('newcomer', '/profiel'))).toContain('not linked yet');
    expect(textOf(await type('newcomer', '/profiel koppel stichting'))).toMatch(/fits more than one/);
    expect(textOf(await type('newcomer', '/profiel koppel Utopia'))).toContain("I don't know 'Utopia'");
    expect(textOf(await type('newcomer', '/profiel koppel Gemeente Utrecht'))).toContain('went to the coordinators');
    expect(textOf(await type('newcomer', '/profiel koppel utrecht'))).toContain('already open');
    await env.worker.drain();
    const notice = sent.find((item) => item.target.ref === 'admin');
    expect(replyToPlainText(notice!.reply)).toContain('newcomer vraagt om koppeling aan Gemeente Utrecht');
    const approve = notice!.reply.buttons!.find((button) => button.actionId === 'profiel.goedkeuren')!;
    const decided = await env.bot.handleAction({ requester: person('admin'), place, actionId: approve.actionId, value: approve.value });
    expect(textOf(decided)).toContain('newcomer is nu gekoppeld aan Gemeente Utrecht');
    const denied = await env.bot.handleAction({ requester: person('newcomer'), place, actionId: approve.actionId, value: approve.value });
    expect(textOf(denied)).toContain('coordinators and admins only');
    const doubleClick = await env.bot.handleAction({ requester: person('admin'), place, actionId: approve.actionId, value: approve.value });
    expect(doubleClick.kind).toBe('duplicate');
    await type('coordinator2', '/help'); // known to the bot before getting a role
    await type('admin', '/profiel rol coordinator2 coordinator');
    const secondCoordinator = await env.bot.handleAction({ requester: person('coordinator2'), place, actionId: approve.actionId, value: approve.value });
    expect(textOf(secondCoordinator)).toContain('Over het verzoek van newcomer is al besloten: goedgekeurd');
    await env.worker.drain();
    expect(sent.some((item) => item.target.ref === 'newcomer' && replyToPlainText(item.reply).includes('You are linked to Gemeente Utrecht'))).toBe(true);
    expect(textOf(await type('newcomer', '/profiel'))).toMatch(/Gemeente Utrecht \(municipality\)[\s\S]*approved/);
  });

  it('lets an admin give roles, keeps the last admin, and tells the person', async () => {
    const sent = recordDeliveries(env, 'console');
    expect(textOf(await type('poster', '/profiel rol helper adviseur'))).toContain('alleen voor beheerders');
    expect(textOf(await type('admin', '/profiel rol helper koning'))).toMatch(/rol moet een van deze zijn: lid, adviseur, coordinator, beheerder/);
    // Someone the bot never heard from gets no role (and no member row); once they spoke, they can.
    expect(textOf(await type('admin', '/profiel rol helper adviseur'))).toContain('helper ken ik niet');
    await type('helper', '/help');
    expect(textOf(await type('admin', '/profiel rol @helper adviseur'))).toContain('helper is nu adviseur');
    expect(textOf(await type('admin', '/profiel rol helper adviseur'))).toContain('helper was al adviseur');
    // `admin` is an admin through ADMINS: demoting would not last, so it is refused as such.
    expect(textOf(await type('admin', '/profiel rol admin lid'))).toContain('admin is altijd beheerder via de configuratie');
    await env.worker.drain();
    expect(sent.some((item) => item.target.ref === 'helper' && replyToPlainText(item.reply).includes('Je rol in Binnenuit is nu: adviseur'))).toBe(true);
    expect(textOf(await type('helper', '/profiel'))).toMatch(/Rol: adviseur[\s\S]*Status: goedgekeurd/);
    const audit = await env.db.prisma.auditLog.findMany({ where: { action: 'member.role', subject: (await env.services.members.resolve('console', 'helper')).id } });
    expect(audit.map((entry) => entry.details)).toEqual([{ from: 'member', to: 'adviser' }]);
  });

  it('answers /help with what this person can use, and the emergency line', async () => {
    const help = textOf(await type('stranger', '/help'));
    expect(help).toContain('/handreiking zoek <zoekterm>');
    expect(help).toContain('Veilig Thuis 0800-2000');
    expect(help).toMatch(/\/update[\s\S]*goedgekeurd profiel nodig/);
    expect(textOf(await type('stranger', '/help update'))).not.toContain('/handreiking');
    expect(textOf(await type('stranger', '/help bestaatniet'))).toContain('/bestaatniet bestaat niet');
  });

  it('finds a passage of the handreiking and browses chapters', async () => {
    expect(textOf(await type('stranger', '/handreiking zoek vrijwilligers'))).toContain('Vergoeding voor vrijwilligers');
    expect(textOf(await type('stranger', '/handreiking hoofdstuk'))).toContain('5. Financiering');
    expect(textOf(await type('stranger', '/handreiking hoofdstuk 5'))).toContain('Meerjarige financiering');
  });
});
