// /update plaats [#thema] <tekst> [gemeente:…] — share news with the alliance.
// /update lijst [thema] [organisatie] — the latest updates, newest first.
// /update kanaal [uit] — (coordinators) this channel receives every update posted anywhere,
// as the bot's own post with a discussion thread; replies there are relayed to every other
// copy's thread (src/core/conversations). The channel an update is posted in shows only the
// bot's post there.
// A posted update opens a discussion thread where the platform has threads (Slack, Discord);
// the list shows how many replies each discussion has.
import { defineCommand, subcommand } from '../src/core/framework/declarations.ts';
import { choice, string } from '../src/core/framework/options.ts';
import { ephemeral, errorReply, inChannel, type Section } from '../src/core/framework/reply.ts';
import type { CommandContext } from '../src/core/framework/context.ts';
import { UPDATE_SUBJECT, type UpdateView } from '../src/core/updates/updates.ts';
import { themes } from '../src/core/themes.ts';
import { mayAccess } from '../src/core/framework/preconditions.ts';

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
        const post = inChannel({
          title: ctx.t('update.postedTitle'),
          sections: [updateSection(ctx, update)],
          discussion: { subjectType: UPDATE_SUBJECT, subjectId: update.id },
        });
        const here = ctx.place.channelRef ? { platform: ctx.place.platform, ref: ctx.place.channelRef } : undefined;
        // The copies carry no footer of this answer (the safety notice is added to it later).
        await ctx.services.updateChannels.copy(update.id, post, here);
        return post;
      },
    }),
    subcommand({
      name: 'lijst',
      access: 'approved',
      options: {
        thema: choice(themes, { hashPrefix: true }),
        organisatie: string({ autocomplete: 'organisations', maxLength: 100 }),
      },
      async run(ctx, input) {
        let organisationId: string | undefined;
        if (input.organisatie) {
          const found = await ctx.services.members.findOrganisation(input.organisatie);
          if (!found.match) return errorReply(ctx.t('update.unknownOrganisation', { name: input.organisatie }));
          organisationId = found.match.id;
        }
        const updates = await ctx.services.updates.list({ theme: input.thema, organisationId, limit: 10 });
        if (updates.length === 0) return ephemeral({ text: ctx.t('update.none') });
        const replies = await ctx.services.updates.replyCounts(updates.map((update) => update.id));
        return ephemeral({
          title: ctx.t('update.listTitle', { count: updates.length }),
          sections: updates.map((update) => updateSection(ctx, update, replies.get(update.id))),
        });
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
  // My latest updates, for approved members (the only ones who can post).
  async overview(ctx) {
    if (!mayAccess(ctx.actor, 'approved')) return undefined;
    const mine = await ctx.services.updates.list({ authorId: ctx.actor.id, limit: 3 });
    const lines = mine.map((update) => ctx.t('update.overviewLine', { when: ctx.format.dateTime(update.createdAt), text: preview(update.body) }));
    return { title: ctx.t('update.overviewTitle'), text: lines.length ? lines.join('\n') : ctx.t('update.overviewNone') };
  },
});

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

function updateSection(ctx: CommandContext, update: UpdateView, replies = 0): Section {
  const from = [update.author, update.organisation].filter(Boolean).join(' · ');
  const about = [update.theme ? `#${update.theme}` : undefined, update.gemeente].filter(Boolean).join(' · ');
  const lines = [update.body, about ? `_${about}_` : undefined, replies > 0 ? ctx.t('threads.replyCount', { count: replies }) : undefined];
  return {
    title: ctx.t('update.sectionTitle', { from, when: ctx.format.dateTime(update.createdAt) }),
    text: lines.filter(Boolean).join('\n'),
  };
}
