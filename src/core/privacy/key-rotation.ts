// Re-encrypts every encrypted field with a new key. The fields are found, not listed: a String
// column named `<name>Encrypted`, a Json column whose value is `{ sealed: … }` (outbox
// payloads), and the few older columns that predate the convention (SEALED_LEGACY_COLUMNS).
// A model added later is covered when it follows the convention. Rows go in batches, each row
// on its own (compare-and-set on the old value), and a row that the new key already opens is
// skipped, so an interrupted run is simply run again.
import type { FieldCipher } from '../crypto.ts';
import type { Store } from '../store.ts';
import type { DataModel } from './completeness.ts';

/** Encrypted columns named before the `<name>Encrypted` convention. */
export const SEALED_LEGACY_COLUMNS: readonly { model: string; field: string }[] = [{ model: 'Update', field: 'body' }];

export interface EncryptedColumn {
  model: string;
  field: string;
  /** `text`: the value is the ciphertext; `sealed`: a Json value `{ sealed: ciphertext }`. */
  shape: 'text' | 'sealed';
  idField: string;
}

const ID_FIELDS = ['id', 'key', 'token', 'code'];
const SEALED = /^v1:/;

export function encryptedColumns(models: DataModel): EncryptedColumn[] {
  const columns: EncryptedColumn[] = [];
  for (const [model, { fields }] of Object.entries(models)) {
    const idField = ID_FIELDS.find((name) => fields.some((field) => field.name === name));
    for (const field of fields) {
      if (field.kind !== 'scalar') continue;
      const legacy = SEALED_LEGACY_COLUMNS.some((column) => column.model === model && column.field === field.name);
      const shape = field.type === 'String' && (field.name.endsWith('Encrypted') || legacy) ? 'text' : field.type === 'Json' ? 'sealed' : undefined;
      if (!shape) continue;
      if (!idField) throw new Error(`key rotation: ${model} has an encrypted field but no id column it knows`);
      columns.push({ model, field: field.name, shape, idField });
    }
  }
  return columns;
}

export interface RotationReport {
  /** Per `Model.field`: rows re-encrypted now. */
  rotated: Record<string, number>;
  /** Rows the new key already opened (done by an earlier, interrupted run). */
  alreadyNew: number;
  /** Values neither key opens (left as they are; named by model, field and id in `unreadable`). */
  unreadable: string[];
}

type Row = Record<string, unknown>;
type Delegate = {
  findMany(args: unknown): Promise<Row[]>;
  updateMany(args: unknown): Promise<{ count: number }>;
};

export async function rotateKeys(
  store: Store,
  models: DataModel,
  keys: { from: FieldCipher; to: FieldCipher },
  options: { batchSize?: number; onBatch?: (column: string, done: number) => void } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 200;
  const report: RotationReport = { rotated: {}, alreadyNew: 0, unreadable: [] };
  for (const column of encryptedColumns(models)) {
    const name = `${column.model}.${column.field}`;
    const delegate = (store as unknown as Record<string, Delegate>)[column.model[0]!.toLowerCase() + column.model.slice(1)]!;
    report.rotated[name] = 0;
    for (let after: string | undefined; ; ) {
      const rows = await delegate.findMany({
        where: after !== undefined ? { [column.idField]: { gt: after } } : {},
        orderBy: { [column.idField]: 'asc' },
        select: { [column.idField]: true, [column.field]: true },
        take: batchSize,
      });
      if (rows.length === 0) break;
      for (const row of rows) {
        const outcome = rotateValue(column, row[column.field], keys);
        if (outcome.kind === 'new') report.alreadyNew++;
        if (outcome.kind === 'unreadable') report.unreadable.push(`${name} ${String(row[column.idField])}`);
        if (outcome.kind !== 'rotated') continue;
        // Only if nobody changed it meanwhile (the bot writing with the new key, say).
        const unchanged = column.shape === 'text' ? { [column.field]: row[column.field] } : { [column.field]: { equals: row[column.field] } };
        const { count } = await delegate.updateMany({ where: { [column.idField]: row[column.idField], ...unchanged }, data: { [column.field]: outcome.value } });
        report.rotated[name] += count;
      }
      after = String(rows.at(-1)![column.idField]);
      options.onBatch?.(name, report.rotated[name]);
      if (rows.length < batchSize) break;
    }
  }
  return report;
}

type Outcome = { kind: 'skip' | 'new' | 'unreadable' } | { kind: 'rotated'; value: unknown };

function rotateValue(column: EncryptedColumn, value: unknown, keys: { from: FieldCipher; to: FieldCipher }): Outcome {
  const sealed = column.shape === 'text' ? value : (value as { sealed?: unknown } | null)?.sealed;
  // Not encrypted (a wiped payload, a legacy plain update body): nothing to do.
  if (typeof sealed !== 'string' || !SEALED.test(sealed)) return { kind: 'skip' };
  if (opens(keys.to, sealed)) return { kind: 'new' };
  if (!opens(keys.from, sealed)) return { kind: 'unreadable' };
  const again = keys.to.encrypt(keys.from.decrypt(sealed));
  return { kind: 'rotated', value: column.shape === 'text' ? again : { ...(value as object), sealed: again } };
}

function opens(cipher: FieldCipher, sealed: string): boolean {
  try {
    cipher.decrypt(sealed);
    return true;
  } catch {
    return false;
  }
}
