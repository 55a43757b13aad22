// /privacy — what the bot keeps about people, and the rights that go with it (AVG).
// /privacy (uitleg): what is stored, why, how long, who can see it (the README's Privacy section).
// /privacy export [persoon]: everything about me as a JSON file in a DM; admins for someone,
// who then receives it in their own DM (it is their copy).
// /privacy verwijder [persoon]: asks to confirm with *Verwijderen*, then deletes or anonymises;
// admins for someone on request. Only the one who asked can press that button.
// /privacy audit [persoon] [sinds:…]: (admins) the audit log, one line per entry.
import { defineCommand, subcommand } from '../src/core/framework/declarations.ts';
import { string, user } from '../src/core/framework/options.ts';
import { ephemeral, errorReply, type Reply } from '../src/core/framework/reply.ts';
import { textFile } from '../src/core/framework/files.ts';
import type { CommandContext } from '../src/core/framework/context.ts';
import { mayAccess } from '../src/core/framework/preconditions.ts';
import { translator, toLocale } from '../src/core/i18n.ts';
import { parsePlatformUser } from '../src/core/platform.ts';
import { privacyStatement } from '../src/core/privacy/statement.ts';
import { parseSince } from '../src/core/privacy/since.ts';
import type { PersonView } from '../src/core/privacy/privacy.ts';

/** How many audit lines one answer shows. */
const AUDIT_LINES = 50;

export default defineCommand({
  name: 'privacy',
  defaultSubcommand: 'uitleg',
  subcommands: [
    subcommand({
      name: 'uitleg',
      access: 'everyone',
      options: {},
      async run(ctx) {
        const statement = privacyStatement(ctx.t, ctx.services.privacy.registry, ctx.services.settings.retentionDays);
        return ephemeral({ title: statement.title, text: statement.intro, sections: statement.sections });
      },
    }),
    subcommand({
      name: 'export',
      access: 'everyone',
      options: { persoon: user() },
      async run(ctx, input) {
        const target = await whom(ctx, input.persoon);
        if ('refused' in target) return target.refused;
        const member = await ctx.services.members.get(target.person.id);
        const locale = member.locale ?? toLocale(ctx.services.settings.defaultLocale) ?? 'nl';
        const t = translator(locale);
        const json = await ctx.services.privacy.exportData(member.id, ctx.actor.id, t, ctx.now);
        const name = `binnenuit-export-${ctx.now.toISOString().slice(0, 10)}.json`;
        // A DM, on the platform routing picks: the file is the member's own copy.
        await ctx.services.privacy.sendToMember(member.id, `privacy:export:${member.id}:${ctx.eventKey ?? ctx.now.getTime()}`, (mt) => ({
          visibility: 'ephemeral',
          text: mt('privacy.export.message'),
          files: [textFile(name, 'application/json', json)],
        }));
        const self = member.id === ctx.actor.id;
        return ephemeral({ text: self ? ctx.t('privacy.export.sent') : ctx.t('privacy.export.sentFor', { name: member.displayName }) });
      },
    }),
    subcommand({
      name: 'verwijder',
      access: 'everyone',
      options: { persoon: user() },
      async run(ctx, input) {
        const target = await whom(ctx, input.persoon);
        if ('refused' in target) return target.refused;
        const self = target.person.id === ctx.actor.id;
        // Updates stay anonymised unless the alliance chose to remove them: the question says which.
        const suffix = ctx.services.settings.privacyUpdatesOnErase === 'remove' ? 'Remove' : '';
        return ephemeral({
          text: self ? ctx.t(`privacy.erase.question${suffix}`) : ctx.t(`privacy.erase.questionFor${suffix}`, { name: target.person.displayName }),
          buttons: [{ actionId: 'privacy.verwijderen', label: ctx.t('privacy.buttons.erase'), value: `${target.person.id}.${ctx.actor.id}`, style: 'danger' }],
        });
      },
    }),
    subcommand({
      name: 'audit',
      access: 'admin',
      options: { persoon: user(), sinds: string({ maxLength: 40 }) },
      async run(ctx, input) {
        const { t } = ctx;
        let since: Date | undefined;
        if (input.sinds) {
          since = parseSince(input.sinds, { timezone: ctx.services.settings.timezone, now: ctx.now, locale: ctx.locale });
          if (!since) return errorReply(t('privacy.audit.badDate', { value: input.sinds }));
        }
        let person: PersonView | undefined;
        if (input.persoon) {
          person = await ctx.services.privacy.findPerson(parsePlatformUser(input.persoon)!);
          if (!person) return errorReply(t('privacy.unknownPerson', { name: personName(input.persoon) }));
        }
        const lines = await ctx.services.privacy.audit(t, ctx.actor.id, { memberId: person?.id, since, limit: AUDIT_LINES });
        const title = person ? t('privacy.audit.titleFor', { name: person.displayName }) : t('privacy.audit.title');
        if (lines.length === 0) return ephemeral({ title, text: t('privacy.audit.none') });
        const text = lines
          .map((line) => t(line.about ? 'privacy.audit.lineAbout' : 'privacy.audit.line', { when: ctx.format.dateTime(line.at), action: line.action, by: line.by, about: line.about }))
          .map((line) => `- ${line}`)
          .join('\n');
        return ephemeral({ title, text, footer: lines.length === AUDIT_LINES ? t('privacy.audit.more', { count: AUDIT_LINES }) : undefined });
      },
    }),
  ],
  buttons: [{ name: 'verwijderen', access: 'everyone', run: confirmErase }],
});

/** Myself, or (admins only) the person named; someone the bot never met has nothing to act on. */
async function whom(ctx: CommandContext, persoon: string | undefined): Promise<{ person: PersonView } | { refused: Reply }> {
  if (!persoon) return { person: { id: ctx.actor.id, displayName: ctx.actor.displayName } };
  if (!mayAccess(ctx.actor, 'admin')) return { refused: errorReply(ctx.t('privacy.onlyAdminsForOthers')) };
  const person = await ctx.services.privacy.findPerson(parsePlatformUser(persoon)!);
  if (!person) return { refused: errorReply(ctx.t('privacy.unknownPerson', { name: personName(persoon) })) };
  return { person };
}

/** *Verwijderen*: only by whoever asked, once; the member hears what went. */
async function confirmErase(ctx: CommandContext, value: string | undefined): Promise<Reply> {
  const [targetId, requesterId] = (value ?? '').split('.');
  if (!targetId || !requesterId) return errorReply(ctx.t('errors.unknownAction'));
  // Gone already (a second press, also by the one deleted, whom the press itself made anew).
  if (!(await ctx.services.privacy.exists(targetId))) return errorReply(ctx.t('privacy.erase.nothingLeft'));
  if (requesterId !== ctx.actor.id) return errorReply(ctx.t('privacy.erase.notYourButton'));
  // Someone asked for a person who was an admin's business: still only admins may go on.
  const self = targetId === ctx.actor.id;
  if (!self && !mayAccess(ctx.actor, 'admin')) return errorReply(ctx.t('privacy.onlyAdminsForOthers'));
  const summary = (t: typeof ctx.t, counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([area, count]) => `- ${t(`privacy.areas.${area}.title`)}: ${count}`)
      .join('\n');
  const report = await ctx.services.privacy.erase(targetId, ctx.actor.id, self ? undefined : (t, counts) => [t('privacy.erase.doneByAdmin'), summary(t, counts)].join('\n'));
  if (!report) return errorReply(ctx.t('privacy.erase.nothingLeft'));
  const lines = summary(ctx.t, report.counts);
  const posts = report.posts > 0 ? ctx.t('privacy.erase.posts', { count: report.posts }) : '';
  return ephemeral({ text: [ctx.t(self ? 'privacy.erase.done' : 'privacy.erase.doneFor'), lines, posts].filter(Boolean).join('\n') });
}

/** How a reply names a person it could not find: the console id, or a platform mention. */
function personName(persoon: string): string {
  const target = parsePlatformUser(persoon);
  if (!target) return persoon;
  return target.platform === 'console' ? target.externalId : `<@${target.externalId}>`;
}
