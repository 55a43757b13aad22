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
 */
export function safeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at '));
  return {
    type: error.name,
    code: (error as { code?: unknown }).code,
    message: error.message.split('\n')[0]?.slice(0, 200),
    stack: frames.slice(0, 8).join('\n'),
  };
}
