// Issue 10, confidentiality: "a byte search of the database files finds none of them", and
// nothing of it in the logs. The bot runs on an embedded database in a real DATA_DIR on disk
// (as `npm start` does, not in memory), with every log line kept at trace level. After the
// whole lifecycle (question, organisation, conversation, handover reason, summary, rating
// comment) every file under DATA_DIR — tables, indexes, the write-ahead log — is read as bytes
// and none holds any of the texts; neither do the outbox rows nor the log. The request number
// (stored in plain) is found in the same files, so the search does read the data.
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { Bot } from '../../src/core/bot.ts';
import { createFieldCipher } from '../../src/core/crypto.ts';
import type { Deliver } from '../../src/core/outbox/worker.ts';
import { OutboxWorker } from '../../src/core/outbox/worker.ts';
import type { PlatformName } from '../../src/core/platform.ts';
import { createServices } from '../../src/core/services.ts';
import { openDatabase } from '../../src/db/index.ts';
import { approveMember, type TestBot } from '../support/bot.ts';
import { startAdviceConsole, type AdviceConsole } from './console-harness.ts';
import { migratedDataDir } from '../support/data-dir.ts';

const SECRETS = {
  question: 'Schijfvraag-D4X over een aanpak',
  organisation: 'Schijforg-P7N',
  reason: 'Schijfreden-V2K',
  summary: 'Schijfsamenvatting-L9B',
  comment: 'Schijfopmerking-H3J',
  message: 'Schijfgesprek-T8F' };

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

describe('advice texts at rest in a DATA_DIR on disk, and in the logs', () => {
  let dataDir = '';
  let c: AdviceConsole;
  let closed = false;
  const logLines: string[] = [];
  let number = '';

  beforeAll(async () => {
    dataDir = migratedDataDir('advice-at-rest');
    const logger = pino({ level: 'trace' }, new Writable({ write: (chunk, _encoding, done) => (logLines.push(String(chunk)), done()) }));
    const db = await openDatabase({ dataDir, logger });
    const services = createServices(db.prisma, { timezone: 'Europe/Amsterdam', defaultLocale: 'nl', admins: ['console:local'] }, createFieldCipher('test-secret-of-at-least-16-chars'), logger);
    const bot = new Bot(commands, services, logger);
    const deliverers = new Map<PlatformName, Deliver>();
    const worker = new OutboxWorker(services.outbox, deliverers, logger);
    bot.afterWork = () => void worker.kick();
    const testBot: TestBot = {
      bot, services, db, worker, deliverers,
      async close() {
        if (closed) return;
        closed = true;
        await worker.stop();
        await db.close();
      } };
    c = await startAdviceConsole('pglite', testBot);
    for (const adviser of ['anna', 'bram']) {
      await c.say(adviser, '/profiel');
      await c.say('local', `/profiel rol ${adviser} adviseur`);
    }
    await approveMember(services, 'console', 'fatima', 'iot', 'fatima');
    await c.say('local', '/advies adviseur anna beleid');
    await c.say('local', '/advies adviseur bram regie');
  }, 180_000);
  afterAll(async () => {
    await c?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('finds none of the texts in any file of the database, the outbox rows or the log', async () => {
    const asked = await c.say('fatima', `/advies vraag #beleid ${SECRETS.question} organisatie:${SECRETS.organisation}`);
    number = /A-\d{4}-\d{4}/.exec(asked)![0];
    await c.press('anna', 'Oppakken');
    await c.say('fatima', `>${number} ${SECRETS.message}`);
    await c.press('anna', 'Overdragen');
    await c.say('anna', `!1 naar:bram reden:"${SECRETS.reason}"`);
    await c.press('bram', 'Oppakken');
    await c.press('bram', 'Afsluiten');
    await c.say('bram', `!1 samenvatting:"${SECRETS.summary}"`);
    await c.press('fatima', '5');
    await c.press('fatima', 'Opmerking toevoegen');
    expect(await c.say('fatima', `!1 opmerking:"${SECRETS.comment}"`)).toContain('Dank je wel');
    // Every text was written and can be read back by those allowed: the search below is not vacuous.
    const shown = await c.say('local', `/advies toon ${number}`);
    for (const secret of Object.values(SECRETS)) expect(shown, secret).toContain(secret);
    await c.testBot.worker.drain();
    expect((await c.inbox('anna')).join('\n')).toContain(SECRETS.question);

    // The outbox held the question for the adviser's DM and the summary for the requester: sealed.
    const outbox = await c.testBot.db.prisma.outboxMessage.findMany({ where: { dedupeKey: { startsWith: 'advice:' } } });
    expect(outbox.length).toBeGreaterThan(3);
    const rows = JSON.stringify(outbox);
    for (const [name, secret] of Object.entries(SECRETS)) expect(rows.includes(secret), `outbox ${name}`).toBe(false);

    // Closed, so PGlite has written everything out; then every byte of DATA_DIR.
    await c.close();
    const files = await filesUnder(dataDir);
    expect(files.some((file) => file.includes(`${path.sep}pglite${path.sep}base${path.sep}`))).toBe(true);
    const found = new Map<string, string[]>();
    let numberSeen = false;
    for (const file of files) {
      const bytes = await readFile(file);
      if (bytes.includes(number)) numberSeen = true;
      for (const [name, secret] of Object.entries(SECRETS)) {
        if (bytes.includes(secret) || bytes.includes(Buffer.from(secret, 'utf16le'))) found.set(name, [...(found.get(name) ?? []), path.relative(dataDir, file)]);
      }
    }
    expect(numberSeen).toBe(true);
    expect(Object.fromEntries(found)).toEqual({});

    // The log at trace level: lines were written, none with any of the texts.
    expect(logLines.length).toBeGreaterThan(0);
    const log = logLines.join('');
    for (const [name, secret] of Object.entries(SECRETS)) expect(log.includes(secret), `log ${name}`).toBe(false);
  }, 180_000);
});
