// Files a reply or outbox message carries (an .ics, a JSON export). Kept JSON-serialisable,
// because outbox payloads are stored: text as it is, anything else as base64. Every adapter
// applies the same limit through `filesWithinLimit`, so a file too big for one platform is
// too big for all of them and the person is told so in their language instead of a crash.
import type { Translate } from '../i18n.ts';
import type { Reply } from './reply.ts';

export interface ReplyFile {
  /** The name the person sees; adapters derive a safe name from it, never a path. */
  name: string;
  mimeType: string;
  /** The bytes: plain text (`utf8`, the default) or base64. */
  content: string;
  encoding?: 'utf8' | 'base64';
}

/** Discord's default upload limit; we hold every platform to it. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** A text file, e.g. an .ics or a JSON export. */
export function textFile(name: string, mimeType: string, text: string): ReplyFile {
  return { name, mimeType, content: text };
}

/** A binary file, stored as base64 so the payload stays JSON. */
export function binaryFile(name: string, mimeType: string, bytes: Uint8Array): ReplyFile {
  return { name, mimeType, content: Buffer.from(bytes).toString('base64'), encoding: 'base64' };
}

export function fileBytes(file: ReplyFile): Buffer {
  return Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8');
}

/**
 * A name that is safe on every file system and in every upload: the last path part only,
 * letters, digits, `.`, `-` and `_`, no leading dot, at most 100 characters, never empty.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .replace(/-+/g, '-');
  const limited = cleaned.length > 100 ? cleaned.slice(cleaned.length - 100).replace(/^[.-]+/, '') : cleaned;
  return limited || 'bestand';
}

export interface FileCheck {
  /** The reply with only the files that fit, and a localised line for each one left out. */
  reply: Reply;
  /** Names of the files left out, for the adapter's log (never their content). */
  skipped: string[];
}

/** Leaves out files over the limit and says so in the reply, in the person's language. */
export function filesWithinLimit(reply: Reply, t: Translate, maxBytes = MAX_FILE_BYTES): FileCheck {
  const files = reply.files ?? [];
  const tooLarge = files.filter((file) => fileBytes(file).length > maxBytes);
  if (tooLarge.length === 0) return { reply, skipped: [] };
  const megabytes = Math.round(maxBytes / (1024 * 1024));
  const notes = tooLarge.map((file) => t('files.tooLarge', { name: safeFileName(file.name), max: megabytes }));
  const kept = files.filter((file) => !tooLarge.includes(file));
  return {
    reply: { ...reply, files: kept, text: [reply.text, ...notes].filter(Boolean).join('\n') },
    skipped: tooLarge.map((file) => safeFileName(file.name)),
  };
}
