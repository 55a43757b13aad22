// The parts of a digest. Each part is asked for its lines about one period in one language
// and answers with sections, or nothing (an empty part is left out). `updates` and `tip` are
// here; meetings (`overleg`) and advice (`advies`) plug in through registerDigestPart when
// those features exist (their counts only: a part never shows advice content).
import { DateTime } from 'luxon';
import type { Formatter } from '../format.ts';
import type { Section } from '../framework/reply.ts';
import type { GuideManager } from '../guide/guide.ts';
import type { Locale, Translate } from '../i18n.ts';
import type { MessageRef } from '../messages/message-ref.ts';
import type { PlatformName } from '../platform.ts';
import type { ThreadManager } from '../threads/threads.ts';
import { UPDATE_SUBJECT, type UpdateManager, type UpdateView } from '../updates/updates.ts';
import type { DigestPartName } from './input.ts';
import type { Frequency } from './schedule.ts';

export interface DigestPeriodView {
  /** What is new is what happened in [from, until). */
  from: Date;
  until: Date;
  frequency: Frequency;
  timezone: string;
  /** The subscription, for parts that rotate per channel. */
  subscriptionId: string;
}

export interface DigestPartContext {
  period: DigestPeriodView;
  locale: Locale;
  t: Translate;
  format: Formatter;
}

export interface DigestPartResult {
  /** One line for the digest's top (e.g. "3 nieuwe updates"); the sections hold the lists. */
  summary?: string;
  sections: Section[];
  /** Counts as "something new" (a tip alone does not make a digest worth sending). */
  news: boolean;
}

export interface DigestPart {
  name: DigestPartName;
  build(ctx: DigestPartContext): Promise<DigestPartResult | undefined>;
}

/** A link to a message on its platform, when an adapter running here can tell. */
export type MessageLinker = (ref: MessageRef, platform: PlatformName) => string | undefined;

/** Most updates one digest lists; more are counted ("en nog 12"). */
const MAX_UPDATES = 200;

export function updatesPart(updates: UpdateManager, threads: ThreadManager, linker: MessageLinker): DigestPart {
  return {
    name: 'updates',
    async build({ period, t }) {
      const found = await updates.list({ since: period.from, until: period.until, limit: MAX_UPDATES + 1 });
      if (found.length === 0) return undefined;
      const shown = found.slice(0, MAX_UPDATES);
      const byTheme = new Map<string, UpdateView[]>();
      // Oldest first inside a theme: the digest reads as what happened, in order.
      for (const update of [...shown].reverse()) {
        const theme = update.theme ?? 'algemeen';
        byTheme.set(theme, [...(byTheme.get(theme) ?? []), update]);
      }
      // One query for every line's link: one per update made a digest of 200 cost 200 round trips.
      const posts = await threads.postsOf(UPDATE_SUBJECT, shown.map((update) => update.id));
      const sections: Section[] = [];
      for (const [theme, list] of [...byTheme].sort(([a], [b]) => a.localeCompare(b))) {
        const lines = list.map((update) => updateLine(update, t, posts.get(update.id) ?? [], linker));
        sections.push({ title: t('digest.themeTitle', { theme: t(`choices.${theme}`), count: list.length }), text: lines.join('\n') });
      }
      const more = found.length > MAX_UPDATES ? ` ${t('digest.moreUpdates')}` : '';
      return { summary: t('digest.updatesSummary', { count: shown.length, themes: byTheme.size }) + more, sections, news: true };
    },
  };
}

function updateLine(update: UpdateView, t: Translate, posts: { ref: MessageRef; platform: PlatformName }[], linker: MessageLinker): string {
  const from = [update.organisation ?? update.author, update.gemeente].filter(Boolean).join(' · ');
  const text = preview(update.body);
  const link = posts.map((post) => linker(post.ref, post.platform)).find(Boolean);
  return `- **${from}**: ${text}${link ? ` ([${t('digest.original')}](${link}))` : ''}`;
}

function preview(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

/**
 * A passage of the handreiking: a weekly digest takes the alliance's tip of the week (the
 * guide's chooser); a daily one a different passage each day, the same day for everyone.
 */
export function tipPart(guide: GuideManager): DigestPart {
  return {
    name: 'tip',
    async build({ period, t }) {
      const passage = period.frequency === 'weekly' ? await guide.tipOfTheWeek(period.until, period.timezone) : await dailyPassage(guide, period);
      if (!passage) return undefined;
      const body = passage.body.replace(/\s+/g, ' ').trim();
      const text = body.length > 400 ? `${body.slice(0, 399)}…` : body;
      return { sections: [{ title: t('digest.tipTitle', { title: passage.title }), text: `${text}\n_${t('digest.tipMore', { slug: passage.slug })}_` }], news: false };
    },
  };
}

async function dailyPassage(guide: GuideManager, period: DigestPeriodView) {
  const chapters = await guide.chapters();
  const slugs = (await Promise.all(chapters.map((chapter) => guide.inChapter(chapter.chapter)))).flat().map((p) => p.slug).sort();
  if (slugs.length === 0) return undefined;
  const day = Math.floor(DateTime.fromJSDate(period.until, { zone: period.timezone }).startOf('day').toSeconds() / 86_400);
  return guide.passage(slugs[day % slugs.length]!);
}
