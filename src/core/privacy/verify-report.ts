// What `npm run audit:verify` prints: how many entries hold, each place the chain breaks, the
// head to record outside the bot, and whether a head recorded earlier is still in the log.
import type { ChainHead, ChainReport } from '../audit.ts';
import type { Translate } from '../i18n.ts';

/** A head given with --head, and whether the log still holds it. */
export interface RecordedHeadCheck {
  head: ChainHead;
  holds: boolean;
}

export function verifyReportLines(t: Translate, report: ChainReport, recorded?: RecordedHeadCheck): string[] {
  const ok = report.ok && (recorded?.holds ?? true);
  const lines = [t(ok ? 'privacy.verify.ok' : 'privacy.verify.broken', { count: report.checked })];
  if (report.legacy > 0) lines.push(t('privacy.verify.legacy', { count: report.legacy }));
  for (const problem of report.problems) {
    lines.push('seq' in problem ? t(`privacy.verify.${problem.kind}`, { seq: problem.seq, id: problem.id }) : t('privacy.verify.unchained', { id: problem.id }));
  }
  if (recorded) lines.push(t(recorded.holds ? 'privacy.verify.recordedOk' : 'privacy.verify.recordedMissing', { seq: recorded.head.seq, hash: recorded.head.hash }));
  if (report.head) lines.push(t('privacy.verify.headLine', { seq: report.head.seq, hash: report.head.hash }));
  return lines;
}

/** `--head 12:ab…` as audit:verify prints it; undefined when it is not one. */
export function parseRecordedHead(value: string): ChainHead | undefined {
  const match = /^(\d{1,12}):([0-9a-f]{64})$/.exec(value.trim());
  return match ? { seq: Number(match[1]), hash: match[2]! } : undefined;
}
