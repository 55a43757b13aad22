// The contract, played on the console adapter as the alliance uses it: one terminal, several
// people. A line is typed by a person with the `@naam` prefix (the admin `local` without it);
// what the outbox delivers to someone prints under `Bericht voor @naam:`.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.ts';
import { createTestBot } from '../support/bot.ts';
import { adapterContract, type SeenForm, type SeenMessage } from './adapter-contract.ts';
import { contractCommand } from './contract-commands.ts';
import { migratedDataDir } from '../support/data-dir.ts';

interface Block {
  /** Whose block it is: a delivery names its recipient in the header, an answer is the typist's. */
  to: string;
  text: string;
  message: SeenMessage;
}

adapterContract('console', async () => {
  const testBot = await createTestBot({ admins: ['console:local'], guide: true, extraCommands: [contractCommand] });
  // DATA_DIR/bestanden of this run.
  const dataDir = migratedDataDir('console-contract');
  const filesDir = path.join(dataDir, 'bestanden');
  const blocks: Block[] = [];
  let typist = 'local';
  // Each print is one write: a block, with the buttons its [N] numbers press at that moment.
  const output = new Writable({
    write(chunk, _encoding, done) {
      const text = String(chunk).replace(/\n+$/, '');
      const header = /^Bericht voor @([^:\s]+):\n/.exec(text);
      const to = header ? header[1]! : typist;
      const pressable = adapter.pressableBy(to);
      const buttons = [...text.matchAll(/\[(\d+)\] /g)].flatMap((match) => {
        const button = pressable[Number(match[1]) - 1];
        return button ? [{ label: button.label, actionId: button.actionId, value: button.value }] : [];
      });
      blocks.push({ to, text, message: { text, visibility: header ? 'direct' : 'ephemeral', buttons } });
      done();
    } });
  const adapter = new ConsoleAdapter(testBot.bot, { input: new PassThrough(), output, locale: 'nl', afterLine: () => testBot.worker.drain(), filesDir });
  testBot.deliverers.set('console', (item) => adapter.deliver(item));

  /** What the typist saw answered to this line (deliveries to others are not theirs). */
  const run = async (userId: string, line: string) => {
    const before = blocks.length;
    typist = userId;
    await adapter.handleLine(userId === 'local' ? line : `@${userId} ${line}`);
    return blocks.slice(before).filter((block) => block.to === userId && block.message.visibility !== 'direct').map((block) => block.message);
  };

  /** A printed form: `- naam (label; verplicht): waarde`, an error as `  ⚠ …` under it. */
  const readForm = (block: Block | undefined): SeenForm | undefined => {
    if (!block || !/^\[\d+\] /m.test(block.text) || !block.text.includes('!1 ')) return undefined;
    const fields: SeenForm['fields'] = [];
    for (const line of block.text.split('\n')) {
      const field = /^- ([a-z0-9_-]+) \([^)]*\)(?:: (.*))?$/.exec(line);
      if (field) fields.push({ name: field[1]!, ...(field[2] ? { value: field[2] } : {}) });
      const error = /^ {2}⚠ (.*)$/.exec(line);
      if (error && fields.length) fields[fields.length - 1]!.error = error[1];
    }
    return { text: block.text, fields, handle: block };
  };
  const formsOf = (userId: string, since = 0) => blocks.slice(since).filter((block) => block.to === userId && block.message.visibility !== 'direct').map(readForm).filter(Boolean);
  return {
    platform: 'console',
    testBot,
    adminId: 'local',
    driver: {
      observesVisibility: false,
      redelivers: false,
      threads: false,
      command: (userId, line) => run(userId, line),
      // A console button is pressed by its number among the buttons this person was shown last.
      press: (userId, button) => {
        const index = adapter.pressableBy(userId).findIndex((b) => b.actionId === button.actionId && b.value === button.value);
        return run(userId, `!${index + 1}`);
      },
      directMessages: async (userId) => (await testBot.worker.drain(), blocks).filter((block) => block.to === userId && block.message.visibility === 'direct').map((block) => block.message),
      replyInThread: async () => {
        throw new Error('the console has no threads');
      },
      // Files are saved under DATA_DIR/bestanden/ and the printed message names the full path.
      receivedFiles: async (userId) => {
        const paths = blocks.filter((block) => block.to === userId).flatMap((block) => [...block.text.matchAll(/^Bestand: (.+)$/gm)].map((match) => match[1]!));
        return Promise.all(
          paths.map(async (saved) => {
            if (path.dirname(saved) !== filesDir) throw new Error(`${saved} is not under DATA_DIR/bestanden`);
            return { name: path.basename(saved), bytes: await readFile(saved) };
          }),
        );
      },
      lastForm: async (userId) => formsOf(userId).at(-1),
      submitForm: async (userId, form, values) => {
        const shown = new Map(form.fields.map((field) => [field.name, field.value]));
        for (const [name, value] of Object.entries(values)) shown.set(name, value);
        const typed = [...shown].filter(([, value]) => value !== undefined).map(([name, value]) => `${name}:"${value}"`).join(' ');
        const index = adapter.pressableBy(userId).findIndex((button) => button.actionId === '~form');
        const before = blocks.length;
        const seen = await run(userId, `!${index + 1} ${typed}`);
        return { seen: seen.filter((message) => !readForm({ to: userId, text: message.text, message })), form: formsOf(userId, before).at(-1) };
      },
      pinged: () => undefined,
      // H4: `@naam >code tekst` writes in the conversation with that code.
      // H6: the console has no shared places: lines for each participant.
      conversationMessages: async (userId) => (await testBot.worker.drain(), blocks).filter((block) => block.to === userId && block.message.visibility === 'direct').map((block) => block.message),
      sharesConversationPlace: false,
      answerConversation: async (userId, _seen, code, text) => {
        const answer = await run(userId, `>${code} ${text}`);
        if (!answer.some((message) => message.text.includes(code))) throw new Error(`not sent: ${answer.map((m) => m.text).join('|')}`);
      },
      editsInPlace: false,
      splitsLong: false,
      deleteAsPerson: async () => {
        throw new Error('nobody deletes what a terminal printed');
      } },
    close: async () => {
      await testBot.close();
      await rm(dataDir, { recursive: true, force: true });
    } };
});
