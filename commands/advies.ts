// /advies vraag [#thema] [urgentie:hoog] <vraag> — ask Movisie for advice (approved members).
// Without text on Slack and Discord a form opens. The question never appears in a channel:
// the requester gets a private confirmation with the number, the chosen adviser a DM with
// *Oppakken* / *Overdragen* / *Vraag stellen* / *Afsluiten* (src/core/advice).
// /advies mijn — my requests; an adviser's queue; for coordinators every open request.
// /advies toon <nummer> — a request, its history and conversation, for those allowed; anyone
// else gets exactly the answer an unknown number gets.
// /advies adviseur <persoon> <thema's> [capaciteit:N], /advies adviseurs — (coordinators) who
// advises on what, and their load. /advies afwezig <persoon> <tot> — (an adviser for
// themselves, coordinators for anyone) no new requests until then.
import { defineCommand, form, subcommand } from '../src/core/framework/declarations.ts';
import { choice, integer, string, user } from '../src/core/framework/options.ts';
import { ephemeral, errorReply, type Reply, type Section } from '../src/core/framework/reply.ts';
import type { CommandContext } from '../src/core/framework/context.ts';
import { mayAccess } from '../src/core/framework/preconditions.ts';
import { themes } from '../src/core/themes.ts';
import { parsePlatformUser } from '../src/core/platform.ts';
import { ADVICE_SUBJECT, isCoordinator, type AdviceView, type Decision } from '../src/core/advice/requests.ts';
import { isAway } from '../src/core/advice/routing.ts';
import { parseUntil } from '../src/core/advice/dates.ts';
import type { MemberView } from '../src/core/members/members.ts';

export const QUESTION_MAX_LENGTH = 4000;
const REASON_MAX_LENGTH = 1000;

export default defineCommand({
  name: ADVICE_SUBJECT,
  subcommands: [
    subcommand({
      name: 'vraag',
      shortcut: true,
      access: 'approved',
      options: {
        thema: choice(themes, { hashPrefix: true }),
        // Free text about people's lives: the form warns against naming anyone and shows 112 / Veilig Thuis.
        vraag: string({ required: true, long: true, sensitive: true, maxLength: QUESTION_MAX_LENGTH }),
        urgentie: choice(['normaal', 'hoog'] as const),
        organisatie: string({ maxLength: 100, sensitive: true }),
        contact: choice(['chat', 'telefoon', 'email'] as const),
      },
      async run(ctx, input) {
        const request = await ctx.services.advice.ask(
          { requesterId: ctx.actor.id, theme: input.thema ?? 'algemeen', urgent: input.urgentie === 'hoog', question: input.vraag, organisation: input.organisatie, contact: input.contact },
          ctx.now,
        );
        const adviser = request.assigneeName ? ctx.t('advice.asked.assigned', { name: request.assigneeName }) : ctx.t('advice.asked.queued');
        return ephemeral({ title: ctx.t('advice.asked.title', { number: request.number }), text: [ctx.t('advice.asked.text', { number: request.number }), adviser].join('\n') });
      },
    }),
    subcommand({
      name: 'mijn',
      access: 'everyone',
      options: {},
      run: mine,
    }),
    subcommand({
      name: 'toon',
      access: 'everyone',
      options: { nummer: string({ required: true, maxLength: 40 }) },
      async run(ctx, input) {
        const shown = await ctx.services.advice.show(ctx.actor, input.nummer);
        // Unknown and not allowed read the same: a number reveals nothing.
        if (!shown) return errorReply(ctx.t('advice.notFound', { number: input.nummer }));
        return ephemeral({ title: ctx.t('advice.show.title', { number: shown.request.number }), sections: showSections(ctx, shown) });
      },
    }),
    subcommand({
      name: 'heropen',
      access: 'everyone',
      options: { nummer: string({ required: true, maxLength: 40 }) },
      async run(ctx, input) {
        // Someone else's number reads as an unknown one here too.
        return reopened(ctx, input.nummer, errorReply(ctx.t('advice.notFound', { number: input.nummer })));
      },
    }),
    subcommand({
      name: 'meedoen',
      access: 'coordinator',
      options: { nummer: string({ required: true, maxLength: 40 }) },
      async run(ctx, input) {
        const result = await ctx.services.advice.join(ctx.actor, input.nummer, ctx.now);
        if (result.kind === 'missing') return errorReply(ctx.t('advice.notFound', { number: input.nummer }));
        if (result.kind === 'taken') return errorReply(ctx.t('advice.join.already', { number: result.request.number }));
        if (result.kind !== 'done') return decisionRefusal(ctx, result);
        return ephemeral({ text: ctx.t('advice.join.done', { number: result.request.number }) });
      },
    }),
    subcommand({
      name: 'adviseur',
      access: 'coordinator',
      options: {
        persoon: user({ required: true }),
        themas: string({ required: true, rest: true, maxLength: 300 }),
        capaciteit: integer({ min: 1, max: 50 }),
      },
      async run(ctx, input) {
        const wanted = input.themas.split(/[\s,;]+/).map((word) => word.replace(/^#/, '').toLowerCase()).filter(Boolean);
        const unknown = wanted.filter((theme) => !(themes as readonly string[]).includes(theme));
        if (unknown.length || wanted.length === 0) return errorReply(ctx.t('advice.adviser.unknownThemes', { themes: unknown.join(', ') || '—', known: themes.join(', ') }));
        const found = await person(ctx, input.persoon);
        if ('refused' in found) return found.refused;
        if (!mayAccess(found.member, 'adviser')) return errorReply(ctx.t('advice.adviser.notAdviserRole', { name: found.member.displayName }));
        await ctx.services.advice.setAdviser(found.member.id, [...new Set(wanted)], input.capaciteit, ctx.actor.id);
        const profile = await ctx.services.advice.adviser(found.member.id);
        return ephemeral({ text: ctx.t('advice.adviser.set', { name: found.member.displayName, themes: profile!.themes.map((theme) => `#${theme}`).join(', '), capacity: profile!.capacity }) });
      },
    }),
    subcommand({
      name: 'afwezig',
      access: 'adviser',
      options: { persoon: user({ required: true }), tot: string({ required: true, rest: true, maxLength: 60 }) },
      async run(ctx, input) {
        const found = await person(ctx, input.persoon);
        if ('refused' in found) return found.refused;
        // An adviser may set their own absence; someone else's is for coordinators.
        if (found.member.id !== ctx.actor.id && !isCoordinator(ctx.actor)) return errorReply(ctx.t('advice.away.onlyOwn'));
        const until = parseUntil(input.tot, { now: ctx.now, timezone: ctx.services.settings.timezone, locale: ctx.locale });
        if (until === undefined) return errorReply(ctx.t('advice.away.badDate', { text: input.tot }));
        if (until !== null && until.getTime() <= ctx.now.getTime()) return errorReply(ctx.t('advice.away.past', { text: input.tot }));
        if (!(await ctx.services.advice.setAway(found.member.id, until, ctx.actor.id))) return errorReply(ctx.t('advice.away.noProfile', { name: found.member.displayName }));
        return ephemeral({ text: until ? ctx.t('advice.away.set', { name: found.member.displayName, until: ctx.format.dateTime(until) }) : ctx.t('advice.away.back', { name: found.member.displayName }) });
      },
    }),
    subcommand({
      name: 'adviseurs',
      access: 'coordinator',
      options: {},
      async run(ctx) {
        const advisers = await ctx.services.advice.advisers();
        if (advisers.length === 0) return ephemeral({ text: ctx.t('advice.advisers.none') });
        return ephemeral({
          title: ctx.t('advice.advisers.title', { count: advisers.length }),
          text: advisers
            .map((adviser) =>
              ctx.t('advice.advisers.line', {
                name: adviser.name,
                themes: adviser.themes.map((theme) => `#${theme}`).join(', '),
                open: adviser.open,
                capacity: adviser.capacity,
                away: isAway(adviser, ctx.now) ? ctx.t('advice.advisers.away', { until: ctx.format.dateTime(adviser.awayUntil!) }) : '',
              }).trim(),
            )
            .map((line) => `- ${line}`)
            .join('\n'),
        });
      },
    }),
    subcommand({
      name: 'stats',
      access: 'coordinator',
      options: {},
      async run(ctx) {
        const rows = await ctx.services.advice.stats(ctx.now);
        if (rows.length === 0) return ephemeral({ text: ctx.t('advice.stats.none') });
        const dash = '–';
        return ephemeral({
          title: ctx.t('advice.stats.title'),
          text: rows
            .map((row) =>
              `- ${ctx.t('advice.stats.line', {
                month: row.month,
                theme: row.theme,
                requests: row.requests,
                first: row.medianFirstResponse ?? dash,
                resolution: row.medianResolution ?? dash,
                within: row.withinTarget ?? dash,
                rating: row.meanRating ?? dash,
              })}`,
            )
            .join('\n'),
          footer: ctx.t('advice.stats.footer'),
        });
      },
    }),
  ],
  buttons: [
    // The request's id is the value; whether the presser may act is checked by the manager
    // (anyone else is told the same as for a request that does not exist).
    { name: 'oppakken', access: 'adviser', run: (ctx, id) => decided(ctx, ctx.services.advice.accept(ctx.actor, id ?? '', ctx.now), 'accepted') },
    { name: 'overdragen', access: 'adviser', run: (ctx, id) => formFor(ctx, id, 'advies.overdragen') },
    { name: 'vraagstellen', access: 'adviser', run: (ctx, id) => decided(ctx, ctx.services.advice.askRequester(ctx.actor, id ?? '', ctx.now), 'waiting') },
    { name: 'afsluiten', access: 'adviser', run: (ctx, id) => formFor(ctx, id, 'advies.afsluiten') },
    { name: 'cijfer', access: 'everyone', run: rate },
    {
      // On the closing notices (requester, adviser, automatic closing): the same as /advies heropen.
      name: 'heropenen',
      access: 'everyone',
      async run(ctx, id) {
        const request = await ctx.services.advice.get(ctx.actor, id ?? '');
        if (!request) return errorReply(ctx.t('advice.notFoundButton'));
        return reopened(ctx, request.number, errorReply(ctx.t('advice.notFoundButton')));
      },
    },
    {
      name: 'opmerking',
      access: 'everyone',
      async run(ctx, id) {
        const request = await ctx.services.advice.get(ctx.actor, id ?? '');
        if (!request || request.requesterId !== ctx.actor.id) return errorReply(ctx.t('advice.notFoundButton'));
        return ephemeral({ form: { formId: 'advies.opmerking', state: request.id } });
      },
    },
  ],
  forms: [
    form({
      name: 'overdragen',
      access: 'adviser',
      options: { naar: user(), reden: string({ required: true, long: true, sensitive: true, maxLength: REASON_MAX_LENGTH }) },
      texts: (t) => ({ title: t('advice.handoverForm.title'), labels: { naar: t('advice.handoverForm.to'), reden: t('advice.handoverForm.reason') } }),
      async run(ctx, input, state) {
        let to: MemberView | undefined;
        if (input.naar) {
          const found = await person(ctx, input.naar);
          if ('refused' in found) return found.refused;
          to = found.member;
        }
        const result = await ctx.services.advice.handOver(ctx.actor, state ?? '', to, input.reden, ctx.now);
        if (result.kind === 'notAdviser') return errorReply(ctx.t('advice.handover.notAdviser', { name: to!.displayName }));
        if (result.kind !== 'done') return decisionRefusal(ctx, result);
        return ephemeral({ text: to ? ctx.t('advice.handover.done', { number: result.request.number, name: to.displayName }) : ctx.t('advice.handover.queue', { number: result.request.number }) });
      },
    }),
    form({
      name: 'afsluiten',
      access: 'adviser',
      options: { samenvatting: string({ required: true, long: true, sensitive: true, maxLength: QUESTION_MAX_LENGTH }) },
      texts: (t) => ({ title: t('advice.closeForm.title'), labels: { samenvatting: t('advice.closeForm.summary') } }),
      run: (ctx, input, state) => decided(ctx, ctx.services.advice.close(ctx.actor, state ?? '', input.samenvatting, ctx.now), 'closed'),
    }),
    form({
      name: 'opmerking',
      access: 'everyone',
      options: { opmerking: string({ required: true, long: true, sensitive: true, maxLength: REASON_MAX_LENGTH }) },
      texts: (t) => ({ title: t('advice.commentForm.title'), labels: { opmerking: t('advice.commentForm.comment') } }),
      async run(ctx, input, state) {
        const result = await ctx.services.advice.comment(ctx.actor, state ?? '', input.opmerking);
        if (result.kind !== 'done') return decisionRefusal(ctx, result);
        return ephemeral({ text: ctx.t('advice.rating.commented') });
      },
    }),
  ],
  async overview(ctx) {
    const asked = await ctx.services.advice.askedBy(ctx.actor.id);
    const assigned = mayAccess(ctx.actor, 'adviser') ? await ctx.services.advice.assignedTo(ctx.actor.id) : [];
    if (asked.length === 0 && assigned.length === 0) return undefined;
    const lines = [...assigned, ...asked.filter((request) => request.status !== 'closed')].slice(0, 5).map((request) => requestLine(ctx, request));
    return { title: ctx.t('advice.mine.overviewTitle'), text: lines.length ? lines.join('\n') : ctx.t('advice.mine.none') };
  },
  async onConversationMessage(ctx, subject) {
    await ctx.services.advice.conversationMessage(subject.id, ctx.actor.id, ctx.now);
  },
});

/** A person named in an option: an account the bot knows (a console id must exist). */
async function person(ctx: CommandContext, value: string): Promise<{ member: MemberView } | { refused: Reply }> {
  const account = parsePlatformUser(value)!;
  const member = await ctx.services.advice.memberOf(account.platform, account.externalId);
  return member ? { member } : { refused: errorReply(ctx.t('advice.unknownPerson', { name: account.externalId })) };
}

/** Overdragen / Afsluiten: the form, for someone who may act on the request. */
async function formFor(ctx: CommandContext, id: string | undefined, formId: string): Promise<Reply> {
  const request = await ctx.services.advice.get(ctx.actor, id ?? '');
  if (!request || !(request.assigneeId === ctx.actor.id || isCoordinator(ctx.actor))) return errorReply(ctx.t('advice.notFoundButton'));
  if (request.status === 'closed') return errorReply(ctx.t('advice.alreadyClosed', { number: request.number }));
  return ephemeral({ form: { formId, state: request.id } });
}

/** What the presser of a decision button is told. */
async function decided(ctx: CommandContext, outcome: Promise<Decision>, done: 'accepted' | 'waiting' | 'closed'): Promise<Reply> {
  const result = await outcome;
  if (result.kind !== 'done') return decisionRefusal(ctx, result);
  const { request } = result;
  return ephemeral({ text: ctx.t(`advice.decided.${done}`, { number: request.number, name: request.requesterName }) });
}

function decisionRefusal(ctx: CommandContext, result: Exclude<Decision, { kind: 'done' }>): Reply {
  if (result.kind === 'missing') return errorReply(ctx.t('advice.notFoundButton'));
  const { number } = result.request;
  if (result.kind === 'closed') return errorReply(ctx.t('advice.alreadyClosed', { number }));
  if (result.kind === 'taken') {
    if (result.request.assigneeId === ctx.actor.id) return errorReply(ctx.t('advice.alreadyYours', { number }));
    return errorReply(ctx.t('advice.takenBy', { number, name: result.by }));
  }
  return errorReply(ctx.t('advice.notNow', { number, status: ctx.t(`advice.status.${result.request.status}`) }));
}

/** Heropenen, typed or pressed: by requester or adviser, within the reopen period, once. */
async function reopened(ctx: CommandContext, number: string, notFound: Reply): Promise<Reply> {
  const result = await ctx.services.advice.reopen(ctx.actor, number, ctx.now);
  if (result.kind === 'missing') return notFound;
  if (result.kind === 'tooLate') return errorReply(ctx.t('advice.reopened.tooLate', { number: result.request.number, days: ctx.services.advice.targets.reopenDays }));
  // Two presses at once (requester and adviser): the loser's update found it reopened already.
  if (result.kind === 'taken') return errorReply(ctx.t('advice.reopened.already', { number: result.request.number }));
  if (result.kind !== 'done') return decisionRefusal(ctx, result);
  return ephemeral({ text: ctx.t('advice.reopened.done', { number: result.request.number }) });
}

/** A rating button: `<id>.<score>`. */
async function rate(ctx: CommandContext, value: string | undefined): Promise<Reply> {
  const [id = '', score] = (value ?? '').split('.');
  const n = Number(score);
  if (!Number.isInteger(n) || n < 1 || n > 5) return errorReply(ctx.t('advice.notFoundButton'));
  const result = await ctx.services.advice.rate(ctx.actor, id, n);
  if (result.kind === 'taken') return errorReply(ctx.t('advice.rating.already', { number: result.request.number }));
  if (result.kind !== 'done') return decisionRefusal(ctx, result);
  return ephemeral({
    text: ctx.t('advice.rating.thanks', { score: n }),
    buttons: [{ actionId: 'advies.opmerking', label: ctx.t('advice.buttons.opmerking'), value: id }],
  });
}

/** An adviser's queue line: the age in working hours and where it stands against the target. */
function queueLine(ctx: CommandContext, request: AdviceView): string {
  const sla = ctx.services.advice.sla(request, ctx.now);
  return `${requestLine(ctx, request)} · ${ctx.t('advice.sla.line', { hours: sla.workingHours, state: ctx.t(`advice.sla.${sla.state}`) })}`;
}

function requestLine(ctx: CommandContext, request: AdviceView): string {
  return ctx.t('advice.mine.line', {
    number: request.number,
    theme: request.theme,
    status: ctx.t(`advice.status.${request.status}`),
    adviser: request.assigneeName ?? ctx.t('advice.mine.noAdviser'),
    when: ctx.format.dateTime(request.createdAt),
    urgent: request.urgent ? ` ${ctx.t('advice.mine.urgent')}` : '',
  });
}

/** /advies mijn: what is mine to see, by role. */
async function mine(ctx: CommandContext): Promise<Reply> {
  const sections: Section[] = [];
  const asked = await ctx.services.advice.askedBy(ctx.actor.id);
  if (asked.length) sections.push({ title: ctx.t('advice.mine.asked'), text: asked.map((request) => `- ${requestLine(ctx, request)}`).join('\n') });
  if (mayAccess(ctx.actor, 'adviser')) {
    const queue = await ctx.services.advice.assignedTo(ctx.actor.id);
    if (queue.length || !isCoordinator(ctx.actor)) sections.push({ title: ctx.t('advice.mine.assigned'), text: queue.map((request) => `- ${queueLine(ctx, request)}`).join('\n') || ctx.t('advice.mine.none') });
  }
  if (isCoordinator(ctx.actor)) {
    const open = await ctx.services.advice.allOpen();
    const unassigned = open.filter((request) => request.status === 'queued');
    sections.push({ title: ctx.t('advice.mine.allOpen', { count: open.length }), text: open.map((request) => `- ${queueLine(ctx, request)}`).join('\n') || ctx.t('advice.mine.none') });
    sections.push({ title: ctx.t('advice.mine.queue', { count: unassigned.length }), text: unassigned.map((request) => `- ${request.number}`).join('\n') || ctx.t('advice.mine.none') });
    const advisers = await ctx.services.advice.advisers();
    if (advisers.length) sections.push({ title: ctx.t('advice.mine.load'), text: advisers.map((adviser) => `- ${ctx.t('advice.mine.loadLine', { name: adviser.name, open: adviser.open, capacity: adviser.capacity })}`).join('\n') });
  }
  if (sections.length === 0) return ephemeral({ text: ctx.t('advice.mine.nothing') });
  return ephemeral({ title: ctx.t('advice.mine.title'), sections });
}

function showSections(ctx: CommandContext, shown: NonNullable<Awaited<ReturnType<CommandContext['services']['advice']['show']>>>): Section[] {
  const { request, history, transcript } = shown;
  const fields = [
    { label: ctx.t('advice.fields.status'), value: ctx.t(`advice.status.${request.status}`) },
    { label: ctx.t('advice.fields.theme'), value: `#${request.theme}` },
    { label: ctx.t('advice.fields.urgency'), value: ctx.t(request.urgent ? 'choices.hoog' : 'choices.normaal') },
    { label: ctx.t('advice.fields.requester'), value: request.requesterName },
    { label: ctx.t('advice.fields.adviser'), value: request.assigneeName ?? ctx.t('advice.mine.noAdviser') },
    ...(request.organisation ? [{ label: ctx.t('advice.fields.organisation'), value: request.organisation }] : []),
    ...(request.rating ? [{ label: ctx.t('advice.fields.rating'), value: String(request.rating) }] : []),
  ];
  const sections: Section[] = [{ title: ctx.t('advice.fields.question'), text: request.question, fields }];
  if (request.summary) sections.push({ title: ctx.t('advice.fields.summary'), text: request.summary });
  if (request.comment) sections.push({ title: ctx.t('advice.fields.comment'), text: request.comment });
  sections.push({
    title: ctx.t('advice.show.history'),
    text: history
      .map((event) => `- ${ctx.format.dateTime(event.at)} · ${event.actorName ?? (event.actorRole ? ctx.t(`roles.${event.actorRole}`) : ctx.t('advice.show.system'))} · ${ctx.t(`advice.events.${event.action}`, { to: event.toName ?? (event.toRole ? ctx.t(`roles.${event.toRole}`) : ctx.t('advice.show.queue')) })}${event.reason ? ` (${event.reason})` : ''}`)
      .join('\n'),
  });
  sections.push({
    title: ctx.t('advice.show.transcript'),
    text: transcript.length ? transcript.map((line) => `- ${ctx.format.dateTime(line.at)} ${line.author} (${ctx.t(`platforms.${line.platform}`)}): ${line.text}`).join('\n') : ctx.t('advice.show.noMessages'),
  });
  return sections;
}
