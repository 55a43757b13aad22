// /digest — a channel's scheduled summary (src/core/digests): `abonneer` (coordinators, in the
// channel that receives it; a second subscription changes the first and says so), `/digest`
// alone shows it, `voorbeeld` shows the next one now to the person asking only, `nu` sends
// this period's now (it then counts as sent), `stop` ends it.
import { defineCommand, subcommand } from '../src/core/framework/declarations.ts';
import { choice, string } from '../src/core/framework/options.ts';
import { inChannel } from '../src/core/framework/preconditions.ts';
import { ephemeral, errorReply } from '../src/core/framework/reply.ts';
import type { CommandContext } from '../src/core/framework/context.ts';
import type { ChannelRef } from '../src/core/channels.ts';
import { locales, toLocale } from '../src/core/i18n.ts';
import type { DigestSettings, DigestSubscriptionView } from '../src/core/digests/digests.ts';
import { digestPartNames, parseClock, parseParts, weekdayNames, weekdayNumber } from '../src/core/digests/input.ts';

export default defineCommand({
  name: 'digest',
  defaultSubcommand: 'toon',
  subcommands: [
    subcommand({
      name: 'toon',
      access: 'approved',
      preconditions: inChannel,
      options: {},
      async run(ctx) {
        const channel = here(ctx);
        const view = await ctx.services.digests.get(channel);
        if (!view) return ephemeral({ text: ctx.t('digest.none') });
        if (view.pausedAt) return ephemeral({ text: ctx.t('digest.showPaused', { schedule: describe(ctx, view), when: ctx.format.dateTime(view.pausedAt) }) });
        return ephemeral({ text: ctx.t('digest.show', { schedule: describe(ctx, view), next: await nextText(ctx, view) }) });
      },
    }),
    subcommand({
      name: 'abonneer',
      access: 'coordinator',
      preconditions: inChannel,
      options: {
        frequentie: choice(['dagelijks', 'wekelijks'] as const),
        dag: choice(weekdayNames),
        tijd: string({ maxLength: 40 }),
        taal: choice(locales),
        delen: string({ maxLength: 100 }),
        leeg: choice(['overslaan'] as const),
        feestdagen: choice(['overslaan'] as const),
      },
      async run(ctx, input) {
        const channel = here(ctx);
        const frequency = input.frequentie === 'dagelijks' ? 'daily' : 'weekly';
        if (frequency === 'daily' && input.dag) return errorReply(ctx.t('digest.dayOnlyWeekly'));
        const clock = input.tijd === undefined ? { hour: 9, minute: 0 } : parseClock(input.tijd);
        if (!clock) return errorReply(ctx.t('digest.badTime', { value: input.tijd }));
        // Without delen: every part, also those still to come (meetings, advice), so they join when built.
        const available = ctx.services.digests.availableParts();
        const chosen = input.delen === undefined ? { parts: [...digestPartNames], unknown: [] } : parseParts(input.delen, available);
        if (chosen.unknown.length || chosen.parts.length === 0) {
          return errorReply(ctx.t('digest.unknownParts', { unknown: chosen.unknown.join(', ') || input.delen, choices: available.join(', ') }));
        }
        const settings: DigestSettings = {
          frequency,
          weekday: input.dag ? weekdayNumber(input.dag) : 1,
          ...clock,
          locale: toLocale(input.taal) ?? ctx.locale,
          parts: chosen.parts,
          skipEmpty: input.leeg === 'overslaan',
          skipHolidays: input.feestdagen === 'overslaan',
        };
        const { view, previous } = await ctx.services.digests.subscribe(channel, settings, ctx.actor.id, ctx.now);
        const next = await nextText(ctx, view);
        if (previous) return ephemeral({ text: ctx.t('digest.changed', { before: describe(ctx, previous), schedule: describe(ctx, view), next }) });
        return ephemeral({ text: ctx.t('digest.subscribed', { schedule: describe(ctx, view), next, span: ctx.t(frequency === 'daily' ? 'digest.spanDaily' : 'digest.spanWeekly') }) });
      },
    }),
    subcommand({
      name: 'voorbeeld',
      access: 'approved',
      preconditions: inChannel,
      options: {},
      async run(ctx) {
        const channel = here(ctx);
        const view = await ctx.services.digests.get(channel);
        if (!view) return ephemeral({ text: ctx.t('digest.none') });
        // Only to the person asking: whatever the digest itself would be, this answer is ephemeral.
        const preview = await ctx.services.digests.preview(view, ctx.now);
        return { ...preview, visibility: 'ephemeral', footer: ctx.t('digest.previewNote') };
      },
    }),
    subcommand({
      name: 'nu',
      access: 'coordinator',
      preconditions: inChannel,
      options: {},
      async run(ctx) {
        const channel = here(ctx);
        const result = await ctx.services.digests.sendNow(channel, ctx.now);
        if (result.kind === 'none') return ephemeral({ text: ctx.t('digest.none') });
        if (result.kind === 'paused') return errorReply(ctx.t('digest.showPaused', { schedule: describe(ctx, result.view), when: ctx.format.dateTime(result.view.pausedAt!) }));
        if (result.kind === 'already') {
          const view = (await ctx.services.digests.get(channel))!;
          return ephemeral({ text: ctx.t('digest.alreadySent', { when: ctx.format.dateTime(result.at), next: await nextText(ctx, view) }) });
        }
        return ephemeral({ text: ctx.t(result.kind === 'sent' ? 'digest.sentNow' : 'digest.sentNowEmptySkipped') });
      },
    }),
    subcommand({
      name: 'stop',
      access: 'coordinator',
      preconditions: inChannel,
      options: {},
      async run(ctx) {
        const channel = here(ctx);
        const stopped = await ctx.services.digests.stop(channel);
        return ephemeral({ text: ctx.t(stopped ? 'digest.stopped' : 'digest.notSubscribed') });
      },
    }),
  ],
});

/** The channel the command was typed in (the inChannel precondition saw to it: digests belong to channels, never to DMs). */
function here(ctx: CommandContext): ChannelRef {
  return { platform: ctx.place.platform, ref: ctx.place.channelRef!, name: ctx.place.channelName };
}

async function nextText(ctx: CommandContext, view: DigestSubscriptionView): Promise<string> {
  const next = await ctx.services.digests.nextAt(view, ctx.now);
  return next ? ctx.format.dateTime(next) : ctx.t('digest.nextUnknown');
}

/** "elke maandag om 09:00 een weekoverzicht, in het Nederlands, met updates en een tip …". */
function describe(ctx: CommandContext, view: DigestSubscriptionView): string {
  const { t } = ctx;
  const available = ctx.services.digests.availableParts();
  const time = `${String(view.hour).padStart(2, '0')}:${String(view.minute).padStart(2, '0')}`;
  const when = view.frequency === 'daily' ? t('digest.scheduleDaily', { time }) : t('digest.scheduleWeekly', { time, day: t(`digest.dayNames.${view.weekday}`) });
  const parts = view.parts.filter((part) => available.includes(part)).map((part) => t(`digest.partNames.${part}`));
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} ${t('digest.and')} ${parts.at(-1)}` : (parts[0] ?? '');
  const extras = [
    view.skipEmpty ? t('digest.skipEmpty') : undefined,
    view.skipHolidays ? t(view.frequency === 'daily' ? 'digest.skipHolidaysDaily' : 'digest.skipHolidaysWeekly') : undefined,
  ];
  return [when, t('digest.scheduleDetails', { language: t(`languages.${view.locale}`), parts: list }), ...extras].filter(Boolean).join(', ');
}

