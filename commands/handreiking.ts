// /handreiking zoek <zoekterm> — find the passages of the guide that answer a question.
// /handreiking hoofdstuk [hoofdstuk] — browse the chapters and their passages.
// Searching is private (ephemeral); the share button posts a passage for the whole channel.
import { defineCommand, subcommand } from '../src/core/framework/declarations.ts';
import { string } from '../src/core/framework/options.ts';
import { ephemeral, errorReply, inChannel, type Section } from '../src/core/framework/reply.ts';
import type { CommandContext } from '../src/core/framework/context.ts';
import type { PassageView } from '../src/core/guide/guide.ts';

const SNIPPET_LENGTH = 280;

export default defineCommand({
  name: 'handreiking',
  subcommands: [
    subcommand({
      name: 'zoek',
      access: 'everyone',
      options: { zoekterm: string({ required: true, rest: true, maxLength: 200 }) },
      async run(ctx, input) {
        const { t } = ctx;
        const passages = await ctx.services.guide.search(input.zoekterm, 3);
        if (passages.length === 0) {
          const chapters = await ctx.services.guide.chapters();
          return ephemeral({
            text: t('guide.noResults', { query: input.zoekterm }),
            footer: t('guide.tryChapters', { chapters: chapters.map((c) => `${c.chapter}. ${c.title}`).join(' · ') }),
          });
        }
        return ephemeral({
          title: t('guide.resultsTitle', { query: input.zoekterm }),
          sections: passages.map((passage) => passageSection(ctx, passage, true)),
          buttons: passages.map((passage) => ({ actionId: 'handreiking.delen', label: t('guide.share', { title: passage.title }), value: passage.slug })),
          footer: passages.some((passage) => passage.sample) ? t('guide.sampleNotice') : undefined,
        });
      },
    }),
    subcommand({
      name: 'hoofdstuk',
      access: 'everyone',
      options: { hoofdstuk: string({ maxLength: 100, autocomplete: 'chapters' }) },
      async run(ctx, input) {
        const { t } = ctx;
        const chapters = await ctx.services.guide.chapters();
        const chosen = input.hoofdstuk?.trim().toLowerCase();
        const chapter = chosen ? chapters.find((c) => c.chapter === chosen || c.title.toLowerCase() === chosen) : undefined;
        if (!chapter) {
          const intro = chosen ? t('guide.unknownChapter', { chapter: input.hoofdstuk }) : t('guide.chaptersIntro');
          return ephemeral({
            title: t('guide.chaptersTitle'),
            text: [intro, ...chapters.map((c) => `- **${c.chapter}. ${c.title}** (${t('guide.passageCount', { count: c.passages })})`)].join('\n'),
          });
        }
        const passages = await ctx.services.guide.inChapter(chapter.chapter);
        return ephemeral({
          title: t('guide.chapterTitle', { chapter: chapter.chapter, title: chapter.title }),
          text: passages.map((passage) => `- ${passage.title}`).join('\n'),
          buttons: passages.slice(0, 10).map((passage) => ({ actionId: 'handreiking.toon', label: passage.title, value: passage.slug })),
        });
      },
    }),
  ],
  buttons: [
    {
      name: 'toon',
      access: 'everyone',
      async run(ctx, slug) {
        const passage = slug ? await ctx.services.guide.passage(slug) : undefined;
        if (!passage) return errorReply(ctx.t('guide.passageGone'));
        return ephemeral({
          sections: [passageSection(ctx, passage, false)],
          buttons: [{ actionId: 'handreiking.delen', label: ctx.t('guide.share', { title: passage.title }), value: passage.slug }],
        });
      },
    },
    {
      name: 'delen',
      access: 'everyone',
      async run(ctx, slug) {
        const passage = slug ? await ctx.services.guide.passage(slug) : undefined;
        if (!passage) return errorReply(ctx.t('guide.passageGone'));
        return inChannel({
          title: ctx.t('guide.sharedBy', { name: ctx.actor.displayName }),
          sections: [passageSection(ctx, passage, false)],
        });
      },
    },
  ],
});

function passageSection(ctx: CommandContext, passage: PassageView, snippet: boolean): Section {
  const body = snippet && passage.body.length > SNIPPET_LENGTH ? `${passage.body.slice(0, SNIPPET_LENGTH).trimEnd()}…` : passage.body;
  return {
    title: ctx.t('guide.passageTitle', { chapter: passage.chapter, chapterTitle: passage.chapterTitle, title: passage.title }),
    text: `${body}\n_${ctx.t('guide.source', { source: passage.source })}_`,
  };
}
