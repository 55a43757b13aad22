// What `npm run prune` prints: per rule its period and how many rows went (or would go).
import type { Translate } from '../i18n.ts';
import type { RetentionRule } from './retention.ts';

export function pruneReportLines(t: Translate, rules: readonly RetentionRule[], counts: Record<string, number>, dryRun: boolean): string[] {
  const lines = [t(dryRun ? 'privacy.prune.dryRunTitle' : 'privacy.prune.title')];
  for (const rule of rules) {
    lines.push(t(dryRun ? 'privacy.prune.wouldGo' : 'privacy.prune.went', { what: t(`privacy.prune.rules.${rule.name}`), days: rule.days, count: counts[rule.name] ?? 0 }));
  }
  return lines;
}
