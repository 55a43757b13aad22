// /handreiking zoek <zoekterm> — find the passages of the guide that answer a question.
// /handreiking hoofdstuk [hoofdstuk] — browse the chapters and their passages.
// /handreiking toon <passage> — read one passage (Discord suggests titles while typing).
// /handreiking herlaad — admins: read content/handreiking (chapters and thesaurus) again and report what changed.
// /handreiking synoniem <woord> <woord> — admins: make two Dutch terms synonyms in the thesaurus.
// Searching and reading are private (ephemeral); the share button posts a passage for the
// whole channel. "Meer resultaten" carries the search itself in its value (offset + terms,
// within Discord's 100-character custom_id), so nothing has to be remembered between presses.
// A question in English, or from someone whose language is English, is searched through the
// thesaurus's English terms; the answer says that the guide is Dutch and which Dutch words it
// searched for.
import { defineCommand, subcommand } from '../src/core/framework/declarations.ts';
import { string } from '../src/core/framework/options.ts';
import { ephemeral, errorReply, inChannel, type Button, type Reply, type Section } from '../src/core/framework/reply.ts';
import type { CommandContext } from '../src/core/framework/context.ts';
import type { PassageView, SearchResult, ThesaurusLoad } from '../src/core/guide/guide.ts';
import { GuideFormatError } from '../src/core/guide/markdown.ts';
import { decodeMore, encodeMore } from '../src/core/guide/query.ts';

const PAGE_SIZE = 3;
const MAX_CHAPTER_BUTTONS = 20;
/** Dutch words named in a "searched for" note. */
const MAX_NOTED_WORDS = 8;

export default defineCommand({
  name: 'handreiking',
  subcommands: [
    subcommand({
      name: 'zoek',
      shortcut: true,
      access: 'everyone',
      options: { zoekterm: string({ required: true, rest: true, maxLength: 200 }) },
      async run(ctx, input) {
        const result = await ctx.services.guide.search(input.zoekterm, { limit: PAGE_SIZE, english: ctx.locale === 'en' });
        return searchReply(ctx, input.zoekterm, result);
      },
    }),
    subcommand({
      name: 'hoofdstuk',
      access: 'everyone',
      options: { hoofdstuk: string({ maxLength: 100, rest: true, autocomplete: 'chapters' }) },
      async run(ctx, input) {
        const { t } = ctx;
        const chapters = await ctx.services.guide.chapters();
        if (chapters.length === 0) return ephemeral({ text: t('guide.empty') });
        const chapter = input.hoofdstuk ? await ctx.services.guide.findChapter(input.hoofdstuk) : undefined;
        if (!chapter) {
          const intro = input.hoofdstuk ? t('guide.unknownChapter', { chapter: input.hoofdstuk }) : t('guide.chaptersIntro');
          return ephemeral({
            title: t('guide.chaptersTitle'),
            text: [intro, ...chapters.map((c) => `- **${c.chapter}. ${c.title}** (${t('guide.passageCount', { count: c.passages })})`)].join('\n'),
          });
        }
        const passages = await ctx.services.guide.inChapter(chapter.chapter);
        return ephemeral({
          title: t('guide.chapterTitle', { chapter: chapter.chapter, title: chapter.title }),
          text: passages.map((passage) => `- ${passage.title}`).join('\n'),
          buttons: passages.slice(0, MAX_CHAPTER_BUTTONS).map((passage) => ({ actionId: 'handreiking.toon', label: passage.title, value: passage.slug })),
          footer: [t('guide.chapterHint'), passages.some((p) => p.sample) ? t('guide.sampleNotice') : undefined].filter(Boolean).join('\n'),
        });
      },
    }),
    subcommand({
      name: 'toon',
      access: 'everyone',
      options: { passage: string({ required: true, rest: true, maxLength: 200, autocomplete: 'passages' }) },
      async run(ctx, input) {
        const found = await ctx.services.guide.findPassage(input.passage);
        if (found && !found.guess) return passageReply(ctx, found.passage);
        // No title fits: never show some passage as if it were the one asked for.
        if (found) return { ...passageReply(ctx, found.passage), text: ctx.t('guide.passageGuess', { text: shorten(input.passage) }) };
        const result = await ctx.services.guide.search(input.passage, { limit: PAGE_SIZE, english: ctx.locale === 'en' });
        if (result.status !== 'found' || result.hits.length === 0) return errorReply(ctx.t('guide.passageNotFound', { text: shorten(input.passage) }));
        const reply = await searchReply(ctx, input.passage, result);
        return { ...reply, text: [ctx.t('guide.passageSearch', { text: shorten(input.passage) }), reply.text].filter(Boolean).join('\n') };
      },
    }),
    subcommand({
      name: 'herlaad',
      access: 'admin',
      options: {},
      async run(ctx) {
        const lines: string[] = [];
        let failed = false;
        try {
          const { skipped, ...report } = await ctx.services.guide.reload();
          lines.push(ctx.t('guide.reloaded', { ...report }));
          if (skipped.length) lines.push(ctx.t('guide.skippedFiles', { files: skipped.join(', ') }));
        } catch (error) {
          if (!(error instanceof GuideFormatError)) throw error;
          lines.push(ctx.t('guide.reloadFailed', { file: error.file, line: error.line, problem: error.problem }));
          failed = true;
        }
        // The thesaurus loads on its own: a bad chapter does not keep its synonyms back, nor the other way round.
        const thesaurus = await ctx.services.guide.reloadThesaurus();
        lines.push(...thesaurusLines(ctx, thesaurus));
        const text = lines.join('\n');
        return failed || thesaurus.status === 'refused' ? errorReply(text) : ephemeral({ text });
      },
    }),
    subcommand({
      name: 'synoniem',
      access: 'admin',
      options: {
        woord: string({ required: true, maxLength: 60 }),
        synoniem: string({ required: true, rest: true, maxLength: 60 }),
      },
      async run(ctx, input) {
        const { outcome, terms } = await ctx.services.guide.addSynonym(input.woord, input.synoniem, ctx.actor.displayName);
        const [a, b] = terms;
        if (outcome === 'added') return ephemeral({ text: ctx.t('guide.synonym.added', { a, b }) });
        if (outcome === 'known') return ephemeral({ text: ctx.t('guide.synonym.known', { a, b }) });
        return errorReply(ctx.t(`guide.synonym.${outcome}`, { a: a || input.woord, b: b || input.synoniem }));
      },
    }),
  ],
  buttons: [
    {
      name: 'meer',
      access: 'everyone',
      async run(ctx, value) {
        const more = decodeMore(value);
        if (!more) return errorReply(ctx.t('guide.moreGone'));
        const result = await ctx.services.guide.search(more.query, { limit: PAGE_SIZE, offset: more.offset, english: more.english || ctx.locale === 'en' });
        return searchReply(ctx, more.query, result);
      },
    },
    {
      name: 'toon',
      access: 'everyone',
      async run(ctx, slug) {
        const passage = slug ? await ctx.services.guide.passage(slug) : undefined;
        if (!passage) return errorReply(ctx.t('guide.passageGone'));
        return passageReply(ctx, passage);
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
          sections: [passageSection(ctx, passage, passage.body)],
          footer: passage.sample ? ctx.t('guide.sampleNotice') : undefined,
        });
      },
    },
  ],
});

/** Typed words repeated in a reply: at most 80 characters of them. */
function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Every outcome of a search as a reply; never an empty one. */
async function searchReply(ctx: CommandContext, query: string, result: SearchResult): Promise<Reply> {
  const { t } = ctx;
  const shown = query.length > 80 ? `${query.slice(0, 80)}…` : query;
  if (result.status === 'empty') return errorReply(t('guide.noWords', { query: shown }));
  if (result.status === 'stopWords') return errorReply(t('guide.onlyStopWords', { query: shown }));
  if (result.status === 'nothing') {
    if ((await ctx.services.guide.count()) === 0) return ephemeral({ text: t('guide.empty') });
    const { passages, words, thesaurus } = result.suggestions;
    const chapters = await ctx.services.guide.chapters();
    const lines = [t('guide.noResults', { query: shown })];
    if (result.english) lines.push(t('guide.inDutch'));
    if (words.length) lines.push(t('guide.didYouMean', { words: words.map((word) => `**${word}**`).join(', ') }));
    if (thesaurus.length) lines.push(t('guide.relatedTerms', { terms: thesaurus.map((term) => `**${term}**`).join(', ') }));
    if (passages.length) lines.push(t('guide.closest'), ...passages.map((p) => `- ${p.chapter}. ${p.title}`));
    else lines.push(t('guide.tryOther'));
    return ephemeral({
      text: lines.join('\n'),
      buttons: passages.map((passage) => readButton(ctx, passage)),
      footer: t('guide.tryChapters', { chapters: chapters.map((c) => `${c.chapter}. ${c.title}`).join(' · ') }),
    });
  }
  if (result.hits.length === 0) return ephemeral({ text: t('guide.noMore', { query: shown, total: result.total }) });
  const from = result.offset + 1;
  const to = result.offset + result.hits.length;
  const buttons: Button[] = result.hits.flatMap((hit) => [readButton(ctx, hit), shareButton(ctx, hit)]);
  if (to < result.total) buttons.push({ actionId: 'handreiking.meer', label: t('guide.more'), value: encodeMore(to, result.terms, result.english) });
  const notes = [
    ...(result.translations.length ? [t('guide.searchedInDutch', { words: notedWords(result.translations) })] : []),
    ...result.corrections.map((c) => t('guide.corrected', { term: c.term, words: c.words.map((w) => `'${w}'`).join(', ') })),
    ...(result.expansions.length ? [t('guide.alsoSearched', { words: notedWords(result.expansions) })] : []),
  ];
  return ephemeral({
    title: `${t('guide.resultsTitle', { query: shown })} (${t('guide.resultsRange', { from, to, total: result.total })})`,
    text: notes.length ? `_${notes.join(' ')}_` : undefined,
    sections: result.hits.map((hit) => passageSection(ctx, hit, hit.snippet)),
    buttons,
    footer: result.hits.some((hit) => hit.sample) ? t('guide.sampleNotice') : undefined,
  });
}

/** The Dutch words a search used, once each, within a few. */
function notedWords(mappings: { words: string[] }[]): string {
  const words = [...new Set(mappings.flatMap((m) => m.words))];
  return words.slice(0, MAX_NOTED_WORDS).join(', ') + (words.length > MAX_NOTED_WORDS ? ', …' : '');
}

/** What became of the thesaurus file: loaded (with how many entries), refused (each problem), or absent. */
function thesaurusLines(ctx: CommandContext, load: ThesaurusLoad): string[] {
  if (load.status === 'missing') return [ctx.t('guide.thesaurus.missing', { file: load.file })];
  if (load.status === 'read') return [ctx.t('guide.thesaurus.loaded', { file: load.file, count: load.entries.length })];
  return [
    ctx.t('guide.thesaurus.refused', { file: load.file }),
    ...load.error.problems.map((p) => `- ${ctx.t('guide.thesaurus.problem', { file: p.file, line: p.line, problem: p.problem })}`),
    ...(load.error.more ? [ctx.t('guide.thesaurus.more', { count: load.error.more })] : []),
  ];
}

function passageReply(ctx: CommandContext, passage: PassageView): Reply {
  return ephemeral({
    sections: [passageSection(ctx, passage, passage.body)],
    buttons: [shareButton(ctx, passage)],
    footer: passage.sample ? ctx.t('guide.sampleNotice') : undefined,
  });
}

function passageSection(ctx: CommandContext, passage: PassageView, text: string): Section {
  return {
    title: ctx.t('guide.passageTitle', { chapter: passage.chapter, chapterTitle: passage.chapterTitle, title: passage.title }),
    text: `${text}\n_${ctx.t('guide.source', { source: passage.source })}_`,
  };
}

const readButton = (ctx: CommandContext, passage: PassageView): Button => ({ actionId: 'handreiking.toon', label: ctx.t('guide.read', { title: passage.title }), value: passage.slug });
const shareButton = (ctx: CommandContext, passage: PassageView): Button => ({ actionId: 'handreiking.delen', label: ctx.t('guide.share', { title: passage.title }), value: passage.slug });
