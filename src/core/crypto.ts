// Sensitive free text (the messages people write in discussion threads) is stored encrypted with AES-256-GCM.
// The key comes from ENCRYPTION_KEY; without it, a random key is created once under DATA_DIR so
// a fresh machine still never stores plain text (losing that file makes old text unreadable).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './logger.ts';

const VERSION = 'v1';

export interface FieldCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

export function createFieldCipher(secret: string): FieldCipher {
  // HKDF turns any sufficiently long secret into exactly 32 bytes; the info string pins usage.
  const key = Buffer.from(hkdfSync('sha256', secret, 'binnenuit', 'field-encryption-v1', 32));
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    },
    decrypt(stored) {
      const [version, iv, tag, body] = stored.split(':');
      if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('unreadable encrypted field');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
  };
}

/** Where the field-encryption key came from: the environment, or a file under DATA_DIR. */
export type EncryptionKeySource =
  | { secret: string; source: 'environment' }
  | { secret: string; source: 'dataDir'; file: string; created: boolean };

/** ENCRYPTION_KEY, or a key file created once under DATA_DIR; says which. */
export function resolveEncryptionKey(configured: string | undefined, dataDir: string): EncryptionKeySource {
  if (configured) return { secret: configured, source: 'environment' };
  const file = join(dataDir, 'encryption.key');
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), source: 'dataDir', file, created: false };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return { secret, source: 'dataDir', file, created: true };
}

/** ENCRYPTION_KEY, or a key file created once under DATA_DIR. */
export function resolveEncryptionSecret(configured: string | undefined, dataDir: string): string {
  return resolveEncryptionKey(configured, dataDir).secret;
}

/**
 * The key for a start-up, with one warning when it is a file inside DATA_DIR on a server (Slack
 * or Discord): whoever gets a copy of that folder, a backup say, gets the key with the data.
 * The console is someone's own terminal, where a key beside the data is the sensible default.
 * The warning names the file, never the key.
 */
export function startupEncryptionKey(
  configured: string | undefined,
  dataDir: string,
  where: { console: boolean; database: 'pglite' | 'postgres' },
  logger: Pick<Logger, 'warn'>,
): string {
  const key = resolveEncryptionKey(configured, dataDir);
  if (key.source === 'dataDir' && !where.console) {
    const why =
      where.database === 'pglite'
        ? 'it sits next to the data it protects'
        : 'every instance that shares this database needs the same key';
    logger.warn(
      { keyFile: key.file, created: key.created },
      `encryption key is a generated file inside DATA_DIR: ${why}; set ENCRYPTION_KEY from a secret store instead`,
    );
  }
  return key.secret;
}
