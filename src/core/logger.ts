// Structured logs through pino. Message text and form input never go into a log line: callers
// log ids and outcomes, and the redact list catches the field names that could carry text.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'binnenuit' },
      redact: { paths: ['text', 'body', 'input', 'options', 'question', '*.text', '*.body', '*.input'], censor: '[redacted]' },
    },
    destination ?? pino.destination(2),
  );
}

/**
 * An error as it may be logged: its type, code, first line and stack frames. Prisma's and
 * some SDKs' messages quote the arguments further down, which can be someone's message text.
 * Prisma's coded errors (P2002 …) start their message with an empty line, so they are logged
 * by their code, the kind of database error, and the names in their meta (model, fields,
 * constraint), never by their text.
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  const code = (error as { code?: unknown }).code;
  const prisma = typeof code === 'string' && /^P\d{4}$/.test(code) ? prismaDetails(code, (error as { meta?: unknown }).meta) : undefined;
  // pino's err serializer names an object by its constructor ("Object"): without a prototype
  // it takes `name` instead, kept out of the fields themselves.
  const logged: Record<string, unknown> = Object.create(null);
  Object.defineProperty(logged, 'name', { value: error.name, enumerable: false });
  return Object.assign(logged, {
    type: error.name,
    code,
    message: prisma?.message ?? firstLine(error.message),
    ...(prisma?.meta ? { meta: prisma.meta } : {}),
    stack: frames.slice(0, 8).join('\n'),
  });
}

function firstLine(message: string): string {
  return (message.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 200);
}

/** Names in the schema (models, fields, constraints): never values, which have no place here. */
const NAME = /^[A-Za-z0-9_.$"`()-]{1,100}$/;
/** Meta keys of Prisma's known request errors that hold names, not data. */
const META_KEYS = ['modelName', 'target', 'field_name', 'column_name', 'constraint', 'table', 'relation_name', 'model_a_name', 'model_b_name'];

function names(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return NAME.test(value) ? value : undefined;
  if (Array.isArray(value)) {
    const kept = value.filter((item): item is string => typeof item === 'string' && NAME.test(item));
    return kept.length > 0 ? kept.slice(0, 10) : undefined;
  }
  return undefined;
}

function prismaDetails(code: string, meta: unknown): { message: string; meta?: Record<string, unknown> } {
  const kept: Record<string, unknown> = {};
  const raw = (meta ?? {}) as Record<string, unknown>;
  for (const key of META_KEYS) {
    const value = key === 'constraint' && raw[key] && typeof raw[key] === 'object' ? constraintNames(raw[key]) : names(raw[key]);
    if (value !== undefined) kept[key] = value;
  }
  // With a driver adapter the database's side arrives as driverAdapterError.cause.
  const cause = (raw.driverAdapterError as { cause?: Record<string, unknown> } | undefined)?.cause;
  const kind = names(cause?.kind);
  if (kind) kept.kind = kind;
  const databaseCode = names(cause?.originalCode);
  if (databaseCode) kept.databaseCode = databaseCode;
  const constraint = cause?.constraint ? constraintNames(cause.constraint) : undefined;
  if (constraint && kept.constraint === undefined) kept.constraint = constraint;
  return { message: `prisma ${code}${kind ? ` ${kind}` : ''}`, meta: Object.keys(kept).length > 0 ? kept : undefined };
}

function constraintNames(value: unknown): unknown {
  if (typeof value === 'string') return names(value);
  const raw = value as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const key of ['fields', 'index', 'foreignKey']) {
    const named = names(raw[key]);
    if (named !== undefined) kept[key] = named;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}
