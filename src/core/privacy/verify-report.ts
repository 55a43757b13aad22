// What `npm run audit:verify` prints: how many entries hold, and each place the chain breaks.
import type { ChainReport } from '../audit.ts';
import type { Translate } from '../i18n.ts';

export function verifyReportLines(t: Translate, report: ChainReport): string[] {
  const lines = [t(report.ok ? 'privacy.verify.ok' : 'privacy.verify.broken', { count: report.checked })];
  if (report.legacy > 0) lines.push(t('privacy.verify.legacy', { count: report.legacy }));
  for (const problem of report.problems) {
    lines.push('seq' in problem ? t(`privacy.verify.${problem.kind}`, { seq: problem.seq, id: problem.id }) : t('privacy.verify.unchained', { id: problem.id }));
  }
  return lines;
}
