// /update plaats [#thema] <tekst> [gemeente:…] — share news with the alliance.
// /update lijst [thema] [organisatie] — the latest updates, newest first.
// /update kanaal [uit] — (coordinators) this channel receives every update posted anywhere,
// as the bot's own post with a discussion thread; replies there are relayed to every other
// copy's thread (src/core/conversations). The channel an update is posted in shows only the
// bot's post there.
// A posted update opens a discussion thread where the platform has threads (Slack, Discord);
// the list shows how many replies each discussion has.
// The author gets a private confirmation (a DM) with *Bewerken* and *Intrekken*: an edit or a
// withdrawal changes every message that shows the update, on every platform (the post where
// it was posted and each copy), through the outbox. Withdrawing asks once more (a second
// button) because it cannot be undone; a withdrawn update is listed nowhere, its discussion stays.
import { defineCommand, form, subcommand } from '../src/core/framework/declarations.ts';
import { choice, string } from '../src/core/framework/options.ts';
import { ephemeral, errorReply, inChannel, type Button, type Reply, type Section } from '../src/core/framework/reply.ts';
import type { CommandContext } from '../src/core/framework/context.ts';
import { UPDATE_SUBJECT, type UpdateChange, type UpdateView } from '../src/core/updates/updates.ts';
import { themes } from '../src/core/themes.ts';
import { mayAccess } from '../src/core/framework/preconditions.ts';
import { isUpdateAuthorOrAdmin, mayChange } from '../src/core/updates/preconditions.ts';
import { createFormatter, type Formatter } from '../src/core/format.ts';
import type { Translate } from '../src/core/i18n.ts';
import type { Theme } from '../src/core/themes.ts';
import { parseSince } from '../src/core/updates/since.ts';

export const UPDATE_MAX_LENGTH = 2000;

export default defineCommand({
  name: 'update',
  subcommands: [
    subcommand({
      name: 'plaats',
      shortcut: true,
      access: 'approved',
      options: {
        thema: choice(themes, { hashPrefix: true }),
        // Free text about people's lives: the form warns against naming anyone and shows 112 / Veilig Thuis.
        tekst: string({ required: true, long: true, sensitive: true, maxLength: UPDATE_MAX_LENGTH }),
        gemeente: string({ autocomplete: 'gemeenten', maxLength: 100 }),
      },
      async run(ctx, input) {
        const gemeente = input.gemeente ? await findGemeente(ctx, input.gemeente) : undefined;
        if (gemeente === null) return errorReply(ctx.t('update.unknownGemeente', { name: input.gemeente }));
        const update = await ctx.services.updates.post({
          authorId: ctx.actor.id,
          organisationId: ctx.actor.organisation?.id,
          gemeenteId: gemeente?.id,
          theme: input.thema,
          body: input.tekst,
          channel: ctx.place.channelRef ? { platform: ctx.place.platform, ref: ctx.place.channelRef, name: ctx.place.channelName } : undefined,
        });
        const post = { ...postReply(ctx.t, ctx.format, update), discussion: { subjectType: UPDATE_SUBJECT, subjectId: update.id } };
        const here = ctx.place.channelRef ? { platform: ctx.place.platform, ref: ctx.place.channelRef } : undefined;
        // The copies carry no footer of this answer (the safety notice is added to it later).
        await ctx.services.updateChannels.copy(update.id, post, here);
        await ctx.services.updateChannels.confirm(update.id, ctx.actor.id, (t) => confirmation(t, update));
        return post;
      },
    }),
    subcommand({
      name: 'lijst',
      access: 'approved',
      options: {
        thema: choice(themes, { hashPrefix: true }),
        organisatie: string({ autocomplete: 'organisations', maxLength: 100 }),
        // --- H11: findable by gemeente and period, page by page ---
        // By name only: "/update lijst Stichting Kezban" is one organisation, not a gemeente too.
        gemeente: string({ autocomplete: 'gemeenten', maxLength: 100, namedOnly: true }),
        sinds: string({ maxLength: 60, namedOnly: true }),
      },
      async run(ctx, input) {
        const filter = await listFilter(ctx, input);
        if ('refused' in filter) return filter.refused;
        return listPage(ctx, filter.page, 0);
      },
    }),
    subcommand({
      name: 'kanaal',
      access: 'coordinator',
      options: {
        uit: choice(['uit'] as const),
      },
      async run(ctx, input) {
        if (!ctx.place.channelRef) return errorReply(ctx.t('updateChannel.notInChannel'));
        const on = input.uit === undefined;
        const changed = await ctx.services.updateChannels.set({ platform: ctx.place.platform, ref: ctx.place.channelRef, name: ctx.place.channelName }, on);
        const key = on ? (changed ? 'on' : 'alreadyOn') : changed ? 'off' : 'alreadyOff';
        return ephemeral({ text: ctx.t(`updateChannel.${key}`) });
      },
    }),
  ],
  buttons: [
    // The update's id is the value; someone else's (a copied or forged press) is refused first.
    { name: 'bewerken', access: 'approved', preconditions: isUpdateAuthorOrAdmin, run: startEdit },
    { name: 'intrekken', access: 'approved', preconditions: isUpdateAuthorOrAdmin, run: askWithdraw },
    { name: 'intrekkenbevestigd', access: 'approved', preconditions: isUpdateAuthorOrAdmin, run: withdraw },
    // The next page of /update lijst; the value carries the filters (see listPages).
    { name: 'meer', access: 'approved', run: moreUpdates },
  ],
  forms: [
    form({
      name: 'bewerk',
      access: 'approved',
      options: {
        // Sensitive free text: the form carries the privacy notice and the emergency line.
        tekst: string({ required: true, long: true, sensitive: true, maxLength: UPDATE_MAX_LENGTH }),
      },
      texts: (t) => ({ title: t('update.editForm.title'), labels: { tekst: t('update.editForm.tekst') } }),
      run: (ctx, input, state) => saveEdit(ctx, state ?? '', input.tekst),
    }),
  ],
  // My latest updates, for approved members (the only ones who can post).
  async overview(ctx) {
    if (!mayAccess(ctx.actor, 'approved')) return undefined;
    const mine = await ctx.services.updates.list({ authorId: ctx.actor.id, limit: 3 });
    const lines = mine.map((update) => ctx.t('update.overviewLine', { when: ctx.format.dateTime(update.createdAt), text: preview(update.body) }));
    return { title: ctx.t('update.overviewTitle'), text: lines.length ? lines.join('\n') : ctx.t('update.overviewNone') };
  },
});

// --- H11: /update lijst filters and pages ---
const PAGE_SIZE = 10;

/** What one /update lijst shows: the filters by slug (short enough for a Discord button id). */
interface ListFilter {
  theme?: Theme;
  organisation?: string;
  gemeente?: string;
  /** Epoch seconds. */
  since?: number;
}

/** The typed filters, each checked; a wrong one is refused with what was wrong. */
async function listFilter(ctx: CommandContext, input: { thema?: Theme; organisatie?: string; gemeente?: string; sinds?: string }): Promise<{ page: ListFilter } | { refused: Reply }> {
  const page: ListFilter = { theme: input.thema };
  if (input.organisatie) {
    const found = await ctx.services.members.findOrganisation(input.organisatie);
    if (!found.match) return { refused: errorReply(ctx.t('update.unknownOrganisation', { name: input.organisatie })) };
    page.organisation = found.match.slug;
  }
  if (input.gemeente) {
    const gemeente = await findGemeente(ctx, input.gemeente);
    if (!gemeente) return { refused: errorReply(ctx.t('update.unknownGemeente', { name: input.gemeente })) };
    page.gemeente = gemeente.slug;
  }
  if (input.sinds) {
    const since = parseSince(input.sinds, { timezone: ctx.services.settings.timezone, now: ctx.now });
    if (!since) return { refused: errorReply(ctx.t('update.badSince', { value: input.sinds })) };
    page.since = Math.floor(since.getTime() / 1000);
  }
  return { page };
}

/** One page of the list, with *meer* when there is a next one. */
async function listPage(ctx: CommandContext, filter: ListFilter, skip: number): Promise<Reply> {
  const org = async (slug?: string) => (slug ? (await ctx.services.members.findOrganisation(slug)).match?.id ?? 'none' : undefined);
  const found = await ctx.services.updates.list({
    theme: filter.theme,
    organisationId: await org(filter.organisation),
    gemeenteId: await org(filter.gemeente),
    since: filter.since !== undefined ? new Date(filter.since * 1000) : undefined,
    skip,
    limit: PAGE_SIZE + 1,
  });
  const updates = found.slice(0, PAGE_SIZE);
  if (updates.length === 0) return ephemeral({ text: ctx.t(skip > 0 ? 'update.noMore' : 'update.none') });
  const replies = await ctx.services.updates.replyCounts(updates.map((update) => update.id));
  const more = found.length > PAGE_SIZE ? [{ actionId: 'update.meer', label: ctx.t('update.buttons.more'), value: encodeFilter(filter, skip + PAGE_SIZE) }] : undefined;
  return ephemeral({
    title: ctx.t(skip > 0 ? 'update.listTitleMore' : 'update.listTitle', { count: updates.length, from: skip + 1, to: skip + updates.length }),
    sections: updates.map((update) => updateSection(ctx, update, replies.get(update.id))),
    ...(more ? { buttons: more } : {}),
  });
}

/** `skip~theme~organisation~gemeente~since(base 36)`: plain, short, and checked when it comes back. */
function encodeFilter(filter: ListFilter, skip: number): string {
  return [skip, filter.theme ?? '', filter.organisation ?? '', filter.gemeente ?? '', filter.since?.toString(36) ?? ''].join('~');
}

function decodeFilter(value: string | undefined): { filter: ListFilter; skip: number } | undefined {
  const parts = (value ?? '').split('~');
  if (parts.length !== 5 || !/^\d{1,6}$/.test(parts[0]!)) return undefined;
  const [skip, theme, organisation, gemeente, since] = parts as [string, string, string, string, string];
  if (theme && !(themes as readonly string[]).includes(theme)) return undefined;
  if ([organisation, gemeente].some((slug) => slug && !/^[a-z0-9-]{1,60}$/.test(slug)) || (since && !/^[0-9a-z]{1,10}$/.test(since))) return undefined;
  return {
    skip: Number(skip),
    filter: { theme: (theme || undefined) as Theme | undefined, organisation: organisation || undefined, gemeente: gemeente || undefined, since: since ? parseInt(since, 36) : undefined },
  };
}

async function moreUpdates(ctx: CommandContext, value: string | undefined): Promise<Reply> {
  const decoded = decodeFilter(value);
  if (!decoded) return errorReply(ctx.t('errors.unknownAction'));
  return listPage(ctx, decoded.filter, decoded.skip);
}
// --- end H11 ---

/** The start of an update, on one line. */
function preview(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** A gemeente by name; null when the name fits none (undefined is "not asked"). */
async function findGemeente(ctx: CommandContext, name: string) {
  const found = await ctx.services.members.findOrganisation(name);
  return found.match?.kind === 'gemeente' ? found.match : null;
}

function updateSection(ctx: Pick<CommandContext, 't' | 'format'>, update: UpdateView, replies = 0): Section {
  const { t } = ctx;
  const from = [update.author, update.organisation].filter(Boolean).join(' · ');
  const about = [update.theme ? `#${update.theme}` : undefined, update.gemeente].filter(Boolean).join(' · ');
  const lines = [update.body, about ? `_${about}_` : undefined, replies > 0 ? t('threads.replyCount', { count: replies }) : undefined];
  const title = t('update.sectionTitle', { from, when: ctx.format.dateTime(update.createdAt) });
  return {
    title: update.editedAt ? `${title} ${t('update.editedMark')}` : title,
    text: lines.filter(Boolean).join('\n'),
  };
}

/** The bot's post of an update in a channel (and each copy): the same content everywhere. */
function postReply(t: Translate, format: Formatter, update: UpdateView): Reply {
  return inChannel({ title: t('update.postedTitle'), sections: [updateSection({ t, format }, update)] });
}

/** The author's private confirmation, with what can still be done with the update. */
function confirmation(t: Translate, update: UpdateView): Reply {
  return ephemeral({ text: t('update.confirmation', { text: preview(update.body) }), buttons: changeButtons(t, update) });
}

function changeButtons(t: Translate, update: UpdateView): Button[] {
  return [
    { actionId: 'update.bewerken', label: t('update.buttons.edit'), value: update.id },
    { actionId: 'update.intrekken', label: t('update.buttons.withdraw'), value: update.id, style: 'danger' },
  ];
}

/** The update a press or form names, or why it cannot be changed (none, not theirs, withdrawn). */
async function changeable(ctx: CommandContext, id: string | undefined): Promise<{ update: UpdateView } | { refused: Reply }> {
  const update = await ctx.services.updates.get(id ?? '');
  if (!update) return { refused: errorReply(ctx.t('update.notFound')) };
  if (!mayChange(ctx.actor, update)) return { refused: errorReply(ctx.t('update.notYours')) };
  if (update.withdrawnAt) return { refused: errorReply(ctx.t('update.alreadyWithdrawn')) };
  return { update };
}

/** Bewerken: the form, prefilled with the text as it is now. */
async function startEdit(ctx: CommandContext, id: string | undefined): Promise<Reply> {
  const found = await changeable(ctx, id);
  if ('refused' in found) return found.refused;
  return ephemeral({ form: { formId: 'update.bewerk', state: found.update.id, values: { tekst: found.update.body } } });
}

/** The form was submitted: new text, and every message that shows the update follows. */
async function saveEdit(ctx: CommandContext, id: string, body: string): Promise<Reply> {
  // Forms have no preconditions: the id came back from outside, so check it here as well.
  const found = await changeable(ctx, id);
  if ('refused' in found) return found.refused;
  const result = await ctx.services.updates.edit(id, body);
  if (result.kind !== 'changed') return unchangedReply(ctx, result);
  const { update } = result;
  const timezone = ctx.services.settings.timezone;
  await ctx.services.updateChannels.changeEverywhere(update.id, `edit:${update.revision}`, (t, locale) => postReply(t, createFormatter(locale, timezone), update));
  // The same buttons again: the form took the confirmation's place (on the console, its !N).
  return ephemeral({ text: ctx.t('update.edited'), buttons: changeButtons(ctx.t, update) });
}

/** Intrekken: asks once more, since a withdrawal cannot be undone. */
async function askWithdraw(ctx: CommandContext, id: string | undefined): Promise<Reply> {
  const found = await changeable(ctx, id);
  if ('refused' in found) return found.refused;
  const { update } = found;
  return ephemeral({
    text: ctx.t('update.withdrawQuestion', { text: preview(update.body) }),
    buttons: [{ actionId: 'update.intrekkenbevestigd', label: ctx.t('update.buttons.confirmWithdraw'), value: update.id, style: 'danger' }],
  });
}

/** Confirmed: withdrawn once; every message that showed it now says who withdrew it. */
async function withdraw(ctx: CommandContext, id: string | undefined): Promise<Reply> {
  const found = await changeable(ctx, id);
  if ('refused' in found) return found.refused;
  // Withdrawn only if not yet: of two confirmations at the same moment, one changes anything.
  const result = await ctx.services.updates.withdraw(found.update.id, ctx.actor.id);
  if (result.kind !== 'changed') return unchangedReply(ctx, result);
  const name = ctx.actor.displayName;
  const notice = (t: Translate) => inChannel({ text: t('update.withdrawnBy', { name }) });
  await ctx.services.updateChannels.changeEverywhere(result.update.id, 'withdrawn', notice);
  // The confirmation loses its buttons: there is nothing left to change.
  await ctx.services.updateChannels.changeConfirmation(result.update.id, 'withdrawn', (t) => ephemeral({ text: t('update.withdrawnBy', { name }) }));
  return ephemeral({ text: ctx.t('update.withdrawn') });
}

function unchangedReply(ctx: CommandContext, result: Exclude<UpdateChange, { kind: 'changed' }>): Reply {
  if (result.kind === 'missing') return errorReply(ctx.t('update.notFound'));
  if (result.kind === 'withdrawn') return errorReply(ctx.t('update.alreadyWithdrawn'));
  return ephemeral({ text: ctx.t('update.unchanged') });
}
