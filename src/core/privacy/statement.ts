// What `/privacy` says, and the README's Privacy section in Dutch and English: one text,
// built from the locale files and the registered parts, so a new part (advice, meetings…)
// appears in both. test/privacy/statement.test.ts fails when the README differs from it.
import type { Section } from '../framework/reply.ts';
import type { Translate } from '../i18n.ts';
import type { PrivacyRegistry } from './parts.ts';

export interface PrivacyStatement {
  title: string;
  intro: string;
  sections: Section[];
}

const TOPICS = ['why', 'howLong', 'whoSees', 'protection', 'rights'] as const;

export function privacyStatement(t: Translate, registry: PrivacyRegistry): PrivacyStatement {
  const stored = registry
    .forDisplay()
    .map((part) => `- **${t(`privacy.areas.${part.area}.title`)}**: ${part.explain(t)}`)
    .join('\n');
  return {
    title: t('privacy.statement.title'),
    intro: t('privacy.statement.intro'),
    sections: [
      { title: t('privacy.statement.stored.title'), text: stored },
      ...TOPICS.map((topic) => ({ title: t(`privacy.statement.${topic}.title`), text: t(`privacy.statement.${topic}.text`) })),
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
