// What `/privacy` says, and the README's Privacy section in Dutch and English: one text,
// built from the locale files and the registered parts, so a new part (advice, meetings…)
// appears in both. test/privacy/statement.test.ts fails when the README differs from it.
import type { Section } from '../framework/reply.ts';
import type { Translate } from '../i18n.ts';
import type { PrivacyRegistry } from './parts.ts';
import { retentionRules } from './retention.ts';

export interface PrivacyStatement {
  title: string;
  intro: string;
  sections: Section[];
}

const TOPICS = ['why', 'howLong', 'whoSees', 'protection', 'rights'] as const;

/** The rules whose periods the statement names (RETENTION_* can change each). */
const NAMED_PERIODS = ['sent', 'events', 'audit', 'advice', 'digests'] as const;
const MONTH_DAYS = 365 / 12;

/** 365 days read as "12 maanden", 91 as "3 maanden", 30 as "30 dagen". */
export function periodText(t: Translate, days: number): string {
  const months = Math.round(days / MONTH_DAYS);
  if (days >= 60 && Math.abs(months * MONTH_DAYS - days) <= 1) return t('privacy.statement.period.months', { count: months });
  return t('privacy.statement.period.days', { count: days });
}

/**
 * `retentionDays`: the periods set other than the defaults (RETENTION_*, by rule name), so
 * /privacy names the periods in force; the README is generated with the defaults.
 */
export function privacyStatement(t: Translate, registry: PrivacyRegistry, retentionDays: Record<string, number> = {}): PrivacyStatement {
  const days = (name: string) => retentionDays[name] ?? retentionRules.find((rule) => rule.name === name)!.days;
  const periods = Object.fromEntries(NAMED_PERIODS.map((name) => [name, periodText(t, days(name))]));
  const stored = registry
    .forDisplay()
    .map((part) => `- **${t(`privacy.areas.${part.area}.title`)}**: ${part.explain(t)}`)
    .join('\n');
  return {
    title: t('privacy.statement.title'),
    intro: t('privacy.statement.intro'),
    sections: [
      { title: t('privacy.statement.stored.title'), text: stored },
      ...TOPICS.map((topic) => ({ title: t(`privacy.statement.${topic}.title`), text: t(`privacy.statement.${topic}.text`, periods) })),
    ],
  };
}

/** The statement as Markdown under a heading of the given level (the README's section). */
export function statementMarkdown(statement: PrivacyStatement, level = 3): string {
  const hashes = '#'.repeat(level);
  const parts = [`${hashes} ${statement.title}`, statement.intro];
  for (const section of statement.sections) parts.push(`${hashes}# ${section.title ?? ''}`, section.text ?? '');
  return parts.join('\n\n');
}
