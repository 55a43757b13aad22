// npm run keys:rotate
// Re-encrypts every encrypted field of the bot's database with the key in ENCRYPTION_KEY (or
// the key file under DATA_DIR). The old key is given once, for this run only, in
// OLD_ENCRYPTION_KEY; it is never stored. Stop every instance first, and start them again
// with the new key. Interrupted? Run it again: what the new key opens is left alone.
import { createFieldCipher, resolveEncryptionSecret } from '../src/core/crypto.ts';
import { dataModelOf } from '../src/core/privacy/completeness.ts';
import { rotateKeys } from '../src/core/privacy/key-rotation.ts';
import { runDatabaseScript } from './lib/database-script.ts';

await runDatabaseScript(async ({ config, t, withDatabase }) => {
  const oldKey = process.env.OLD_ENCRYPTION_KEY;
  if (!oldKey) {
    process.stderr.write(`${t('privacy.keys.usage')}\n`);
    return 2;
  }
  const newKey = resolveEncryptionSecret(config.encryptionKey, config.dataDir);
  if (newKey === oldKey) {
    process.stderr.write(`${t('privacy.keys.same')}\n`);
    return 2;
  }
  return withDatabase(async (db) => {
    const report = await rotateKeys(db.prisma, dataModelOf(db.prisma), { from: createFieldCipher(oldKey), to: createFieldCipher(newKey) }, {
      onBatch: (column, done) => process.stdout.write(`${t('privacy.keys.progress', { column, count: done })}\n`),
    });
    const total = Object.values(report.rotated).reduce((sum, count) => sum + count, 0);
    process.stdout.write(`${t('privacy.keys.done', { count: total, already: report.alreadyNew })}\n`);
    for (const row of report.unreadable) process.stdout.write(`${t('privacy.keys.unreadable', { row })}\n`);
    return report.unreadable.length > 0 ? 1 : 0;
  });
});
