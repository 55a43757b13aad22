// /profiel — who am I here: organisation or gemeente, role, language.
// /profiel koppel <organisatie> — ask to be recognised as part of an organisation or gemeente.
// /profiel taal <nl|en> — the language the bot answers me in.
// /profiel verzoeken — (coordinators, admins) open requests, with buttons to decide.
// /profiel rol <persoon> <rol> — (admins) make someone adviser, coordinator, admin or member.
// /profiel koppelcode — a one-time code to join my account on another platform to this one.
// /profiel account <code> — typed on that other platform: join this account to mine.
// /profiel platform <slack|discord|console|automatisch> — where the bot's messages to me go.
// /profiel onbezorgd — (coordinators, admins) messages none of the recipient's platforms took.
// /profiel herinneringen [2u,15min | geen | standaard] — when I am reminded of meetings that
// did not set their own times (src/core/meetings/reminder-times.ts).
// /profiel gesprekskanaal [uit] — (coordinators, admins) private conversations get a private
// thread in this channel (Discord; Slack uses group DMs and needs none); one per platform.
import { defineCommand, subcommand } from '../src/core/framework/declarations.ts';
import { precondition } from '../src/core/framework/preconditions.ts';
import { choice, string, user } from '../src/core/framework/options.ts';
import { ephemeral, errorReply, type Reply } from '../src/core/framework/reply.ts';
import type { CommandContext } from '../src/core/framework/context.ts';
import type { Translate } from '../src/core/i18n.ts';
import type { LinkRequestView, RoleName } from '../src/core/members/members.ts';
import { parsePlatformUser, platforms, type PlatformName } from '../src/core/platform.ts';
import { reminderTimesCommand } from '../src/core/meetings/profile-reminders.ts';

/** What `/profiel platform` accepts: a platform, or automatic (the one used last). */
const PLATFORM_WORDS = [...platforms, 'automatisch'] as const;

/** Messages can only go to a platform the member has an account on (or automatic). */
const hasAccountOnChosenPlatform = precondition(
  'hasAccountOnChosenPlatform',
  ({ actor, input }) => input.platform === 'automatisch' || actor.identities.some((identity) => identity.platform === input.platform),
  ({ t, input }) => ({ key: 'profile.noAccountThere', params: { platform: t(`platforms.${String(input.platform)}`) } }),
);

/** Dutch role words people type, and the roles they stand for. */
const ROLE_WORDS = { lid: 'member', adviseur: 'adviser', coordinator: 'coordinator', beheerder: 'admin' } as const satisfies Record<string, RoleName>;
const roleWords = Object.keys(ROLE_WORDS) as (keyof typeof ROLE_WORDS)[];

export default defineCommand({
  name: 'profiel',
  defaultSubcommand: 'toon',
  subcommands: [
    subcommand({
      name: 'toon',
      access: 'everyone',
      options: {},
      async run(ctx) {
        const { actor, t } = ctx;
        const organisation = actor.organisation
          ? `${actor.organisation.name} (${t(`organisationKinds.${actor.organisation.kind}`)})`
          : t('profile.noOrganisation');
        return ephemeral({
          title: t('profile.title', { name: actor.displayName }),
          sections: [
            {
              fields: [
                { label: t('profile.organisation'), value: organisation },
                { label: t('profile.role'), value: t(`roles.${actor.role}`) },
                { label: t('profile.status'), value: t(actor.approved ? 'profile.approved' : 'profile.notApproved') },
                { label: t('profile.language'), value: t(`languages.${ctx.locale}`) },
                { label: t('profile.accounts'), value: [...new Set(actor.identities.map((i) => t(`platforms.${i.platform}`)))].join(', ') },
                { label: t('profile.messagesVia'), value: messagesVia(t, actor.preferredPlatform) },
              ],
            },
          ],
          footer: actor.approved ? undefined : t('profile.howToLink'),
        });
      },
    }),
    subcommand({
      name: 'koppel',
      shortcut: true,
      access: 'everyone',
      options: { organisatie: string({ required: true, rest: true, maxLength: 100, autocomplete: 'organisations' }) },
      async run(ctx, input) {
        const { t } = ctx;
        const found = await ctx.services.members.findOrganisation(input.organisatie);
        if (!found.match) {
          const suggestions = found.candidates.slice(0, 5).map((org) => org.name).join(', ');
          return errorReply(
            suggestions ? t('profile.ambiguous', { name: input.organisatie, suggestions }) : t('profile.unknownOrganisation', { name: input.organisatie }),
          );
        }
        if (ctx.actor.approved && ctx.actor.organisation?.id === found.match.id) {
          return ephemeral({ text: t('profile.alreadyLinked', { organisation: found.match.name }) });
        }
        const { created } = await ctx.services.members.requestLink(ctx.actor.id, found.match.id, requestNotice);
        return ephemeral({ text: t(created ? 'profile.requested' : 'profile.alreadyRequested', { organisation: found.match.name }) });
      },
    }),
    subcommand({
      name: 'taal',
      access: 'everyone',
      options: { taal: choice(['nl', 'en'] as const, { required: true }) },
      async run(ctx, input) {
        await ctx.services.members.setLocale(ctx.actor.id, input.taal);
        return ephemeral({ text: ctx.t('profile.languageSet', { lng: input.taal }) });
      },
    }),
    subcommand({
      name: 'verzoeken',
      access: 'coordinator',
      options: {},
      async run(ctx) {
        const pending = await ctx.services.members.pendingRequests();
        // Messages that reached nobody are worth knowing about here: often they are these requests.
        const undelivered = await ctx.services.deliveries.undeliverableCount();
        const footer = undelivered > 0 ? ctx.t('profile.undeliverableHint', { count: undelivered }) : undefined;
        if (pending.length === 0) return ephemeral({ text: ctx.t('profile.noRequests'), footer });
        return ephemeral({
          footer,
          title: ctx.t('profile.requestsTitle', { count: pending.length }),
          sections: pending.map((request) => ({
            text: ctx.t('profile.requestLine', {
              name: request.member.displayName,
              organisation: request.organisation.name,
              when: ctx.format.dateTime(request.createdAt),
            }),
          })),
          buttons: pending.slice(0, 10).flatMap((request) => decisionButtons(ctx.t, request, true)),
        });
      },
    }),
    subcommand({
      name: 'rol',
      access: 'admin',
      options: { persoon: user({ required: true }), rol: choice(roleWords, { required: true }) },
      async run(ctx, input) {
        const { t } = ctx;
        const target = parsePlatformUser(input.persoon)!;
        const role = ROLE_WORDS[input.rol];
        const result = await ctx.services.members.setRole(target, role, ctx.actor.id, (rt, newRole) => ({
          visibility: 'ephemeral',
          text: rt('profile.yourRole', { role: rt(`roles.${newRole}`) }),
        }));
        if ('refused' in result) {
          const name = personName(target);
          if (result.refused === 'unknown') return errorReply(t('profile.unknownPerson', { name }));
          if (result.refused === 'configuredAdmin') return errorReply(t('profile.configuredAdmin', { name }));
          return errorReply(t('profile.lastAdmin'));
        }
        const key = result.changed ? 'profile.roleSet' : 'profile.roleUnchanged';
        return ephemeral({ text: t(key, { name: result.member.displayName, role: t(`roles.${role}`) }) });
      },
    }),
    subcommand({
      name: 'koppelcode',
      access: 'everyone',
      options: {},
      async run(ctx) {
        const { code, expiresAt } = await ctx.services.accounts.createCode(ctx.actor.id, ctx.now);
        return ephemeral({
          title: ctx.t('profile.linkCodeTitle'),
          text: ctx.t('profile.linkCodeText', { code, until: ctx.format.time(expiresAt) }),
        });
      },
    }),
    subcommand({
      name: 'account',
      access: 'everyone',
      options: { code: string({ required: true, maxLength: 20 }) },
      async run(ctx, input) {
        const { t } = ctx;
        const outcome = await ctx.services.accounts.redeem(ctx.place.platform, accountId(ctx), input.code, ctx.now);
        if (outcome.status === 'invalidCode') return errorReply(t('profile.linkCodeInvalid'));
        if (outcome.status === 'alreadyLinked') return ephemeral({ text: t('profile.accountAlreadyLinked') });
        if (outcome.status === 'platformTaken') return errorReply(t('profile.platformTaken', { platform: t(`platforms.${outcome.platform}`) }));
        return ephemeral({ text: t('profile.accountLinked', { name: outcome.member.displayName }) });
      },
    }),
    subcommand({
      name: 'herinneringen',
      access: 'everyone',
      options: { tijden: string({ rest: true, maxLength: 80 }) },
      run: (ctx, input) => reminderTimesCommand(ctx, input.tijden),
    }),
    subcommand({
      name: 'platform',
      access: 'everyone',
      options: { platform: choice(PLATFORM_WORDS, { required: true }) },
      preconditions: hasAccountOnChosenPlatform,
      async run(ctx, input) {
        const { t } = ctx;
        const chosen = input.platform === 'automatisch' ? undefined : (input.platform as PlatformName);
        // The precondition saw the account; it may have been moved away since (a race): say so too.
        if (!(await ctx.services.members.setPreferredPlatform(ctx.actor.id, chosen))) {
          return errorReply(t('profile.noAccountThere', { platform: t(`platforms.${chosen}`) }));
        }
        return ephemeral({ text: chosen ? t('profile.platformSet', { platform: t(`platforms.${chosen}`) }) : t('profile.platformAutomatic') });
      },
    }),
    subcommand({
      name: 'onbezorgd',
      access: 'coordinator',
      options: {},
      async run(ctx) {
        const { t } = ctx;
        const count = await ctx.services.deliveries.undeliverableCount();
        if (count === 0) return ephemeral({ text: t('profile.noUndeliverable') });
        const shown = await ctx.services.deliveries.undeliverable(20);
        return ephemeral({
          title: t('profile.undeliverableTitle', { count }),
          // Who and when, never what: the message itself may be sensitive.
          text: shown
            .map((message) =>
              t('profile.undeliverableLine', {
                name: message.member.displayName,
                platforms: message.platforms.map((platform) => t(`platforms.${platform}`)).join(', ') || '–',
                when: ctx.format.dateTime(message.createdAt),
              }),
            )
            .join('\n'),
          footer: t('profile.undeliverableFooter'),
        });
      },
    }),
    subcommand({
      name: 'gesprekskanaal',
      access: 'coordinator',
      options: {
        uit: choice(['uit'] as const),
      },
      run: (ctx, input) => conversationChannel(ctx, input.uit === undefined),
    }),
  ],
  // My profile in short, and my request to be linked while it waits.
  async overview(ctx) {
    const { actor, t } = ctx;
    const open = await ctx.services.members.openRequest(actor.id);
    const organisation = actor.organisation ? actor.organisation.name : t('profile.noOrganisation');
    const lines = [
      `${organisation} · ${t(`roles.${actor.role}`)} · ${t(actor.approved ? 'profile.approved' : 'profile.notApproved')}`,
      open ? t('profile.overviewOpenRequest', { organisation: open.organisation.name, when: ctx.format.dateTime(open.createdAt) }) : undefined,
      actor.approved || open ? undefined : t('profile.howToLink'),
      t('profile.overviewMessagesVia', { via: messagesVia(t, actor.preferredPlatform) }),
    ];
    return { title: t('profile.overviewTitle'), text: lines.filter(Boolean).join('\n') };
  },
  buttons: [
    { name: 'goedkeuren', access: 'coordinator', run: (ctx, value) => decide(ctx, value, true) },
    { name: 'afwijzen', access: 'coordinator', run: (ctx, value) => decide(ctx, value, false) },
  ],
});

/** Where the member's messages go, in words. */
function messagesVia(t: Translate, preferred: PlatformName | undefined): string {
  return preferred ? t(`platforms.${preferred}`) : t('profile.automatic');
}

/** How a reply names a person it could not find: the console id, or a platform mention. */
function personName(target: { platform: string; externalId: string }): string {
  return target.platform === 'console' ? target.externalId : `<@${target.externalId}>`;
}

/** The account that typed the command, on the platform it came from. */
function accountId(ctx: CommandContext): string {
  return ctx.actor.identities.find((identity) => identity.platform === ctx.place.platform)!.externalId;
}

async function decide(ctx: CommandContext, requestId: string | undefined, approve: boolean): Promise<Reply> {
  const { t } = ctx;
  if (!requestId) return errorReply(t('errors.unknownAction'));
  const { request, changed } = await ctx.services.members.decide(requestId, ctx.actor.id, approve, decisionNotice, decidedNotice);
  if (!request) return errorReply(t('profile.requestGone'));
  if (!changed) return ephemeral({ text: t('profile.alreadyDecided', { name: request.member.displayName, status: t(`profile.statuses.${request.status}`) }) });
  const key = approve ? 'profile.approvedBy' : 'profile.rejectedBy';
  return ephemeral({ text: t(key, { name: request.member.displayName, organisation: request.organisation.name }) });
}

/** What coordinators and admins receive when someone asks to be linked. */
function requestNotice(t: Translate, request: LinkRequestView): Reply {
  return {
    visibility: 'ephemeral',
    title: t('profile.noticeTitle'),
    text: t('profile.noticeText', { name: request.member.displayName, organisation: request.organisation.name }),
    buttons: decisionButtons(t, request, false),
  };
}

/** The coordinators' notice once someone decided: the same message, now without buttons. */
function decidedNotice(t: Translate, request: LinkRequestView, by: string): Reply {
  return {
    visibility: 'ephemeral',
    title: t('profile.decidedTitle'),
    text: t('profile.decidedText', { name: request.member.displayName, organisation: request.organisation.name, status: t(`profile.statuses.${request.status}`), by }),
  };
}

/** What the requester receives once someone decided. */
function decisionNotice(t: Translate, request: LinkRequestView): Reply {
  const key = request.status === 'approved' ? 'profile.youWereApproved' : 'profile.youWereRejected';
  return { visibility: 'ephemeral', text: t(key, { organisation: request.organisation.name }) };
}

function decisionButtons(t: Translate, request: LinkRequestView, named: boolean) {
  const who = named ? ` ${request.member.displayName}` : '';
  return [
    { actionId: 'profiel.goedkeuren', label: t('profile.approve') + who, value: request.id, style: 'primary' as const },
    { actionId: 'profiel.afwijzen', label: t('profile.reject') + who, value: request.id, style: 'danger' as const },
  ];
}

/**
 * Private conversations are held under this channel from now on (`on`), or no longer. One per
 * platform: choosing another channel moves them there.
 */
async function conversationChannel(ctx: CommandContext, on: boolean): Promise<Reply> {
  const { t, place } = ctx;
  if (!place.channelRef) return errorReply(t('conversationChannel.notInChannel'));
  const channel = { platform: place.platform, ref: place.channelRef, name: place.channelName };
  const current = await ctx.services.channels.list('conversations', place.platform);
  const was = current.some((candidate) => candidate.ref === channel.ref);
  if (on) {
    for (const other of current.filter((candidate) => candidate.ref !== channel.ref)) await ctx.services.channels.unregister(other, 'conversations');
    await ctx.services.channels.register(channel, 'conversations');
  } else if (was) {
    await ctx.services.channels.unregister(channel, 'conversations');
  }
  const key = on ? (was ? 'alreadyOn' : 'on') : was ? 'off' : 'alreadyOff';
  return ephemeral({ text: t(`conversationChannel.${key}`) });
}
