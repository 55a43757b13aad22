import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createFieldCipher, resolveEncryptionSecret } from '../../src/core/crypto.ts';

describe('encrypted fields', () => {
  const cipher = createFieldCipher('a secret of at least sixteen characters');

  it('reads back what it stored, without the text being visible at rest', () => {
    const stored = cipher.encrypt('Vraag over huwelijksdwang in de wijk');
    expect(stored).not.toContain('huwelijksdwang');
    expect(cipher.decrypt(stored)).toBe('Vraag over huwelijksdwang in de wijk');
    expect(cipher.encrypt('x')).not.toBe(cipher.encrypt('x'));
  });

  it('refuses text that was changed or encrypted with another key', () => {
    const stored = cipher.encrypt('vertrouwelijk');
    const other = createFieldCipher('another secret of sixteen characters');
    expect(() => other.decrypt(stored)).toThrow();
    const [v, iv, tag, body] = stored.split(':');
    const tampered = [v, iv, tag, Buffer.from('andere tekst').toString('base64')].join(':');
    expect(() => cipher.decrypt(tampered)).toThrow();
    void body;
  });

  it('creates one private key file under DATA_DIR when no ENCRYPTION_KEY is set, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'binnenuit-key-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const first = resolveEncryptionSecret(undefined, dir);
    expect(resolveEncryptionSecret(undefined, dir)).toBe(first);
    expect(readFileSync(join(dir, 'encryption.key'), 'utf8').trim()).toBe(first);
    expect(statSync(join(dir, 'encryption.key')).mode & 0o077).toBe(0);
    expect(resolveEncryptionSecret('configured-secret-123', dir)).toBe('configured-secret-123');
  });
});
