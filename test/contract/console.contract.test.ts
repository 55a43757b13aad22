// The contract, played on the console adapter as the alliance uses it: one terminal, several
// people. A line is typed by a person with the `@naam` prefix (the admin `local` without it);
// what the outbox delivers to someone prints under `Bericht voor @naam:`.
import { PassThrough, Writable } from 'node:stream';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.ts';
import { createTestBot } from '../support/bot.ts';
import { adapterContract, type SeenMessage } from './adapter-contract.ts';

interface Block {
  /** Whose block it is: a delivery names its recipient in the header, an answer is the typist's. */
  to: string;
  text: string;
  message: SeenMessage;
}

adapterContract('console', async () => {
  const testBot = await createTestBot({ admins: ['console:local'], guide: true });
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
    },
  });
  const adapter = new ConsoleAdapter(testBot.bot, { input: new PassThrough(), output, locale: 'nl', afterLine: () => testBot.worker.drain() });
  testBot.deliverers.set('console', (item) => adapter.deliver(item));

  /** What the typist saw answered to this line (deliveries to others are not theirs). */
  const run = async (userId: string, line: string) => {
    const before = blocks.length;
    typist = userId;
    await adapter.handleLine(userId === 'local' ? line : `@${userId} ${line}`);
    return blocks.slice(before).filter((block) => block.to === userId && block.message.visibility !== 'direct').map((block) => block.message);
  };
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
      directMessages: async (userId) => blocks.filter((block) => block.to === userId && block.message.visibility === 'direct').map((block) => block.message),
      replyInThread: async () => {
        throw new Error('the console has no threads');
      },
      editsInPlace: false,
      splitsLong: false,
      deleteAsPerson: async () => {
        throw new Error('nobody deletes what a terminal printed');
      },
    },
    close: () => testBot.close(),
  };
});
