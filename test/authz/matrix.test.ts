// The authorisation matrix: every declared command, sub-command and button, for every kind of
// person, through the real Bot on a real database. The expected rights are written out below
// as data, on purpose not derived from the declarations: loosening (or tightening) an access
// level in a command file makes this test fail until the table is changed with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import type { Outcome, Requester } from '../../src/core/bot.ts';
import type { Access } from '../../src/core/framework/declarations.ts';
import { translator } from '../../src/core/i18n.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';
import { countRows, type RowCounts } from './rows.ts';

/** The kinds of people, in the order of the table's columns. */
const PEOPLE = ['stranger', 'pending', 'consortium', 'gemeente', 'adviser', 'coordinator', 'admin'] as const;
type Person = (typeof PEOPLE)[number];

/** ✓: may use it. Otherwise the access level whose denial text the person gets. */
const ok = '✓';
type Cell = typeof ok | Exclude<Access, 'everyone'>;

// prettier-ignore
const MATRIX: Array<[what: string, ...cells: Cell[]]> = [
  // what                       stranger       pending        consortium     gemeente       adviser        coordinator    admin
  ['/update plaats',            'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/update lijst',             'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/update kanaal',            'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['/handreiking zoek',         ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/handreiking hoofdstuk',    ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/handreiking toon',         ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/handreiking herlaad',      'admin',       'admin',       'admin',       'admin',       'admin',       'admin',       ok],
  ['/handreiking synoniem',     'admin',       'admin',       'admin',       'admin',       'admin',       'admin',       ok],
  ['/profiel toon',             ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/profiel koppel',           ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/profiel taal',             ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/profiel verzoeken',        'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['/profiel rol',              'admin',       'admin',       'admin',       'admin',       'admin',       'admin',       ok],
  ['/profiel koppelcode',       ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/profiel account',          ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/profiel platform',         ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/profiel onbezorgd',        'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['/profiel gesprekskanaal',   'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['/profiel herinneringen',    ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/overzicht',                ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/help',                     ok,            ok,            ok,            ok,            ok,            ok,            ok],
  // H12: privacy rights are everyone's; the audit log is for admins (someone else's data: checked in the handler, test/privacy/).
  ['/privacy uitleg',           ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/privacy export',           ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/privacy verwijder',        ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/privacy audit',            'admin',       'admin',       'admin',       'admin',       'admin',       'admin',       ok],
  ['button privacy.verwijderen', ok,           ok,            ok,            ok,            ok,            ok,            ok],
  // --- H11 (digests) ---
  ['/digest toon',              'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/digest abonneer',          'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['/digest voorbeeld',         'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/digest nu',                'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['/digest stop',              'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['button update.meer',        'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  // --- end H11 ---
  ['button handreiking.meer',   ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['button handreiking.toon',   ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['button handreiking.delen',  ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['button profiel.goedkeuren', 'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['button profiel.afwijzen',   'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  // On the person's own update (someone else's is refused by a precondition: test/updates/).
  ['button update.bewerken',    'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['button update.intrekken',   'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['button update.intrekkenbevestigd', 'approved', 'approved', ok,          ok,            ok,            ok,            ok],
  // H9: advice requests. Who may see or act on one request is checked per request (test/advice/).
  ['/advies vraag',             'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/advies mijn',              ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/advies toon',              ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/advies heropen',           ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['/advies meedoen',           'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['/advies adviseur',          'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['/advies afwezig',           'adviser',     'adviser',     'adviser',     'adviser',     ok,            ok,            ok],
  ['/advies adviseurs',         'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['/advies stats',             'coordinator', 'coordinator', 'coordinator', 'coordinator', 'coordinator', ok,            ok],
  ['button advies.oppakken',    'adviser',     'adviser',     'adviser',     'adviser',     ok,            ok,            ok],
  ['button advies.overdragen',  'adviser',     'adviser',     'adviser',     'adviser',     ok,            ok,            ok],
  ['button advies.vraagstellen', 'adviser',    'adviser',     'adviser',     'adviser',     ok,            ok,            ok],
  ['button advies.afsluiten',   'adviser',     'adviser',     'adviser',     'adviser',     ok,            ok,            ok],
  ['button advies.cijfer',      ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['button advies.opmerking',   ok,            ok,            ok,            ok,            ok,            ok,            ok],
  // H18: reopening by button; only requester and adviser, checked by the request itself (test/advice/reopen-button).
  ['button advies.heropenen',   ok,            ok,            ok,            ok,            ok,            ok,            ok],
  // H10: meetings. Changing someone else's meeting is refused by the handler (test/meetings/).
  ['/overleg plan',             'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/overleg lijst',            'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/overleg verplaats',        'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/overleg annuleer',         'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/overleg peiling',          'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/overleg agenda',           'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['/overleg afmelden',         'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['button overleg.versturen',  'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['button overleg.aanpassen',  'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['button overleg.annuleren',  'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['button overleg.tijd',       'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['button overleg.plaatsen',   'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
  ['button overleg.verplaatstijd', 'approved', 'approved',   ok,            ok,            ok,            ok,            ok],
  ['button overleg.ja',         ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['button overleg.nee',        ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['button overleg.misschien',  ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['button overleg.stem',       ok,            ok,            ok,            ok,            ok,            ok,            ok],
  ['button overleg.kies',       'approved',    'approved',    ok,            ok,            ok,            ok,            ok],
];

/** What each row sends: a typed command line, or a button press with its value. */
interface Fixture {
  guideSlug: string;
  moreValue: string;
  /** A link request waiting for a decision, made for this case. */
  pendingRequestId: string;
  /** A console member whose role /profiel rol may change, made for this case. */
  target: string;
  /** An update of this case's person (for the buttons that change one). */
  updateId: string;
}
/** H10: an id no meeting or poll option has. */
const NO_MEETING = '00000000-0000-4000-8000-000000000000';
type Invocation = { text: string | ((f: Fixture) => string) } | { actionId: string; value: (f: Fixture) => string };
const INVOCATIONS: Record<string, Invocation> = {
  '/update plaats': { text: 'plaats #samenwerking Overleg met de wijkteams over de nieuwe aanpak' },
  '/update lijst': { text: 'lijst' },
  '/update kanaal': { text: 'kanaal' },
  '/handreiking zoek': { text: 'zoek financiering' },
  '/handreiking hoofdstuk': { text: 'hoofdstuk' },
  '/handreiking toon': { text: 'toon Over deze handreiking' },
  '/handreiking herlaad': { text: 'herlaad' },
  '/handreiking synoniem': { text: (f) => `synoniem ${f.target} sleutelpersoon` },
  '/profiel toon': { text: 'toon' },
  '/profiel koppel': { text: 'koppel SMN' },
  '/profiel taal': { text: 'taal en' },
  '/profiel verzoeken': { text: 'verzoeken' },
  '/profiel rol': { text: (f) => `rol ${f.target} adviseur` },
  '/profiel koppelcode': { text: 'koppelcode' },
  '/profiel account': { text: 'account ZZZZ99' },
  '/profiel platform': { text: 'platform automatisch' },
  '/profiel onbezorgd': { text: 'onbezorgd' },
  '/profiel gesprekskanaal': { text: 'gesprekskanaal' },
  '/profiel herinneringen': { text: 'herinneringen 2u,15min' },
  '/overzicht': { text: '' },
  '/help': { text: '' },
  '/privacy uitleg': { text: 'uitleg' },
  '/privacy export': { text: 'export' },
  '/privacy verwijder': { text: 'verwijder' },
  '/privacy audit': { text: 'audit' },
  // A press whose deletion is gone already: answered, nothing changes.
  'button privacy.verwijderen': { actionId: 'privacy.verwijderen', value: () => 'gone.gone' },
  // --- H11 (digests) ---
  '/digest toon': { text: '' },
  '/digest abonneer': { text: 'abonneer wekelijks' },
  '/digest voorbeeld': { text: 'voorbeeld' },
  '/digest nu': { text: 'nu' },
  '/digest stop': { text: 'stop' },
  'button update.meer': { actionId: 'update.meer', value: () => '10~~~~' },
  // --- end H11 ---
  'button handreiking.meer': { actionId: 'handreiking.meer', value: (f) => f.moreValue },
  'button handreiking.toon': { actionId: 'handreiking.toon', value: (f) => f.guideSlug },
  'button handreiking.delen': { actionId: 'handreiking.delen', value: (f) => f.guideSlug },
  'button profiel.goedkeuren': { actionId: 'profiel.goedkeuren', value: (f) => f.pendingRequestId },
  'button profiel.afwijzen': { actionId: 'profiel.afwijzen', value: (f) => f.pendingRequestId },
  'button update.bewerken': { actionId: 'update.bewerken', value: (f) => f.updateId },
  'button update.intrekken': { actionId: 'update.intrekken', value: (f) => f.updateId },
  'button update.intrekkenbevestigd': { actionId: 'update.intrekkenbevestigd', value: (f) => f.updateId },
  '/advies vraag': { text: 'vraag #beleid Hoe betrekken we zelforganisaties bij ons beleid?' },
  '/advies mijn': { text: 'mijn' },
  '/advies toon': { text: 'toon A-2026-0001' },
  '/advies heropen': { text: 'heropen A-2026-0001' },
  '/advies meedoen': { text: 'meedoen A-2026-0001' },
  '/advies adviseur': { text: (f) => `adviseur ${f.target} beleid` },
  '/advies afwezig': { text: (f) => `afwezig ${f.target} 2099-01-01` },
  '/advies adviseurs': { text: 'adviseurs' },
  '/advies stats': { text: 'stats' },
  'button advies.oppakken': { actionId: 'advies.oppakken', value: () => '00000000-0000-0000-0000-000000000000' },
  'button advies.overdragen': { actionId: 'advies.overdragen', value: () => '00000000-0000-0000-0000-000000000000' },
  'button advies.vraagstellen': { actionId: 'advies.vraagstellen', value: () => '00000000-0000-0000-0000-000000000000' },
  'button advies.afsluiten': { actionId: 'advies.afsluiten', value: () => '00000000-0000-0000-0000-000000000000' },
  'button advies.cijfer': { actionId: 'advies.cijfer', value: () => '00000000-0000-0000-0000-000000000000.4' },
  'button advies.opmerking': { actionId: 'advies.opmerking', value: () => '00000000-0000-0000-0000-000000000000' },
  'button advies.heropenen': { actionId: 'advies.heropenen', value: () => '00000000-0000-0000-0000-000000000000' },
  // H10: meetings; the buttons name a meeting (or poll option) that does not exist.
  '/overleg plan': { text: 'plan wanneer:"3 maart 2027 14:00" Regiotafel' },
  '/overleg lijst': { text: 'lijst' },
  '/overleg verplaats': { text: 'verplaats O-99999 wanneer:morgen' },
  '/overleg annuleer': { text: 'annuleer O-99999' },
  '/overleg peiling': { text: 'peiling opties:"3 maart 2027 14:00" Peiling' },
  '/overleg agenda': { text: 'agenda' },
  '/overleg afmelden': { text: 'afmelden O-99999' },
  'button overleg.versturen': { actionId: 'overleg.versturen', value: () => NO_MEETING },
  'button overleg.aanpassen': { actionId: 'overleg.aanpassen', value: () => NO_MEETING },
  'button overleg.annuleren': { actionId: 'overleg.annuleren', value: () => NO_MEETING },
  'button overleg.tijd': { actionId: 'overleg.tijd', value: () => `${NO_MEETING}_1804080600` },
  'button overleg.plaatsen': { actionId: 'overleg.plaatsen', value: () => NO_MEETING },
  'button overleg.verplaatstijd': { actionId: 'overleg.verplaatstijd', value: () => `${NO_MEETING}_1804080600` },
  'button overleg.ja': { actionId: 'overleg.ja', value: () => NO_MEETING },
  'button overleg.nee': { actionId: 'overleg.nee', value: () => NO_MEETING },
  'button overleg.misschien': { actionId: 'overleg.misschien', value: () => NO_MEETING },
  'button overleg.stem': { actionId: 'overleg.stem', value: () => NO_MEETING },
  'button overleg.kies': { actionId: 'overleg.kies', value: () => NO_MEETING },
};

/** Every command, sub-command and button the bot declares, named as in the table. */
function declaredNames(): string[] {
  return commands.flatMap((command) => [
    ...(command.subcommands ?? []).map((sub) => `/${command.name} ${sub.name}`),
    ...(command.root ? [`/${command.name}`] : []),
    ...(command.buttons ?? []).map((button) => `button ${command.name}.${button.name}`),
  ]);
}

const nl = translator('nl');
const DENIALS = [nl, translator('en')].flatMap((t) => (['everyone', 'approved', 'adviser', 'coordinator', 'admin'] as const).map((level) => t(`errors.denied.${level}`)));
const place = { platform: 'console' as const, channelRef: 'general', channelName: 'general' };
const requester = (userId: string): Requester => ({ platform: 'console', userId, displayName: userId });

describe('the authorisation matrix covers everything the bot declares', () => {
  it('has one row for every command, sub-command and button, and nothing else', () => {
    expect(MATRIX.map(([what]) => what).sort()).toEqual(declaredNames().sort());
    expect(Object.keys(INVOCATIONS).sort()).toEqual(declaredNames().sort());
  });
});

// One database: who may do what is decided before any query that differs between PGlite and
// PostgreSQL, and the matrix is ~500 cases (both took a third of the suite's time). PostgreSQL,
// the production database, when the run has one.
describe.each(testBackends().slice(-1))('who may do what, on %s', (kind) => {
  let env: TestBot;
  let guideSlug = '';
  let moreValue = '';
  let caseNumber = 0;
  /** The shared people made already. */
  const arranged = new Set<string>();
  const noReply = () => ({ visibility: 'ephemeral' as const });

  beforeAll(async () => {
    env = await createTestBot({ kind, admins: ['console:admin'], guide: true });
    const search = await env.services.guide.search('financiering', { limit: 3, offset: 0 });
    guideSlug = search.hits[0]!.slug;
    // The value of the "meer resultaten" button exactly as a search reply carries it.
    const reply = await env.bot.handleText({ requester: requester('admin'), place, command: 'handreiking', text: 'zoek financiering' });
    const more = reply.kind === 'reply' ? reply.reply.buttons?.find((b) => b.actionId === 'handreiking.meer') : undefined;
    moreValue = more!.value!;
  }, 180_000); // a fresh database and the guide synced: slow on a busy shared machine
  afterAll(() => env?.close());

  /**
   * Makes this case's person (ids are new in every case, so what an allowed case changes, a
   * language or a role, never reaches another case) and what the row acts on.
   */
  async function arrange(what: string, person: Person, n: number, denied: boolean): Promise<{ userId: string; fixture: Fixture }> {
    const { members } = env.services;
    // A refusal changes nothing (each denied case checks every table), so the refused cases of
    // one kind of person share that person; a stranger is new each time (first contact counts).
    const shared = denied && person !== 'stranger' && !what.startsWith('button update.');
    const userId = shared ? `${person}-shared` : `${person}-${n}`;
    const admin = await members.resolve('console', 'admin', 'admin');
    const { match: utrecht } = await members.findOrganisation('Utrecht');
    const fixture: Fixture = { guideSlug, moreValue, pendingRequestId: '', target: `target-${n}`, updateId: '' };
    // Only the rows that need them get a link request to decide on, or someone to change.
    if (what.startsWith('button profiel.')) {
      const applicant = await members.resolve('console', `applicant-${n}`, `applicant-${n}`);
      fixture.pendingRequestId = (await members.requestLink(applicant.id, utrecht!.id, noReply)).request.id;
    }
    if (what === '/profiel rol') await members.resolve('console', fixture.target, fixture.target);
    if (what.startsWith('button update.')) {
      const author = await members.resolve('console', userId, userId);
      fixture.updateId = (await env.services.updates.post({ authorId: author.id, body: `Update van ${userId}` })).id;
    }
    if (shared && arranged.has(userId)) return { userId, fixture };
    arranged.add(userId);
    if (person === 'pending') await members.requestLink((await members.resolve('console', userId, userId)).id, utrecht!.id, noReply);
    if (person === 'consortium') await approveMember(env.services, 'console', userId, 'smn', userId);
    if (person === 'gemeente') await approveMember(env.services, 'console', userId, 'Rotterdam', userId);
    if (person === 'adviser' || person === 'coordinator' || person === 'admin') {
      // Roles go to people the bot knows: this one has spoken to it before.
      await members.resolve('console', userId, userId);
      await members.setRole({ platform: 'console', externalId: userId }, person, admin.id, noReply);
    }
    return { userId, fixture };
  }

  async function invoke(what: string, userId: string, fixture: Fixture, n: number): Promise<Outcome> {
    const invocation = INVOCATIONS[what]!;
    const base = { requester: { platform: 'console' as const, userId, displayName: userId }, place, eventKey: `test:authz:${n}` };
    if ('text' in invocation) {
      const [, command] = /^\/(\S+)/.exec(what)!;
      const text = typeof invocation.text === 'function' ? invocation.text(fixture) : invocation.text;
      return env.bot.handleText({ ...base, command: command!, text });
    }
    return env.bot.handleAction({ ...base, actionId: invocation.actionId, value: invocation.value(fixture) });
  }

  const cases = MATRIX.flatMap(([what, ...cells]) => PEOPLE.map((person, i) => [what, person, cells[i]!] as const));

  it.each(cases)('%s by %s: %s', async (what, person, cell) => {
    const n = ++caseNumber;
    const { userId, fixture } = await arrange(what, person, n, cell !== ok);
    // Only a refusal must leave every table as it was (counting them all is the slow part).
    const before = cell === ok ? {} : await countRows(env.db);
    const outcome = await invoke(what, userId, fixture, n);
    // Allowed, a button may answer with its form (Bewerken); a refusal is always a reply.
    if (cell === ok && outcome.kind === 'form') return;
    expect(outcome.kind).toBe('reply');
    if (outcome.kind !== 'reply') return;

    if (cell === ok) {
      expect(DENIALS).not.toContain(outcome.reply.text);
      return;
    }

    // Denied: exactly the localised explanation for that level, and nothing more.
    expect(outcome.reply).toEqual({ visibility: 'ephemeral', isError: true, text: nl(`errors.denied.${cell}`), footer: undefined });
    const after = await countRows(env.db);
    const expected: RowCounts = { ...before };
    // (The author of an update the bot knows already: arrange made them.)
    if (person === 'stranger' && !what.startsWith('button update.')) {
      // First contact creates the person's own member row and account, nothing else.
      expected.Member = before.Member! + 1;
      expected.PlatformIdentity = before.PlatformIdentity! + 1;
      expect(await env.db.prisma.platformIdentity.count({ where: { externalId: userId } })).toBe(1);
    }
    expect(after).toEqual(expected);
    expect(after.OutboxMessage).toBe(before.OutboxMessage);
  });
});
