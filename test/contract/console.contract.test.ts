// The contract, played on the console adapter: one console per person, as if each had a terminal.
import { PassThrough } from 'node:stream';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.ts';
import { createTestBot } from '../support/bot.ts';
import { adapterContract, type SeenMessage } from './adapter-contract.ts';

adapterContract('console', async () => {
  const testBot = await createTestBot({ admins: ['console:local'], guide: true });
  const consoles = new Map<string, { adapter: ConsoleAdapter; output: string[]; dms: string[] }>();
  const open = (userId: string) => {
    let terminal = consoles.get(userId);
    if (!terminal) {
      const output: string[] = [];
      const sink = new PassThrough();
      sink.on('data', (chunk) => output.push(String(chunk)));
      const adapter = new ConsoleAdapter(testBot.bot, { input: new PassThrough(), output: sink, locale: 'nl', userId, afterLine: () => testBot.worker.drain() });
      terminal = { adapter, output, dms: [] };
      consoles.set(userId, terminal);
    }
    return terminal;
  };
  testBot.deliverers.set('console', async (item) => {
    const terminal = open(item.target.ref);
    const before = terminal.output.length;
    await terminal.adapter.deliver(item);
    terminal.dms.push(...terminal.output.slice(before));
  });
  // "[1] Goedkeuren" in the text is button 1 of what the console can press now.
  const seen = (userId: string, chunks: string[]): SeenMessage[] =>
    chunks.map((text) => ({
      text,
      visibility: 'ephemeral',
      buttons: [...text.matchAll(/\[(\d+)\] /g)].flatMap((match) => {
        const button = open(userId).adapter.pressable[Number(match[1]) - 1];
        return button ? [{ label: button.label, actionId: button.actionId, value: button.value }] : [];
      }),
    }));
  const run = async (userId: string, line: string) => {
    const terminal = open(userId);
    const before = terminal.output.length;
    await terminal.adapter.handleLine(line);
    return seen(userId, terminal.output.slice(before));
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
      // A console button is pressed by its number among the buttons shown last.
      press: (userId, button) => {
        const index = open(userId).adapter.pressable.findIndex((b) => b.actionId === button.actionId && b.value === button.value);
        return run(userId, `!${index + 1}`);
      },
      directMessages: async (userId) => seen(userId, open(userId).dms),
      replyInThread: async () => {
        throw new Error('the console has no threads');
      },
    },
    close: () => testBot.close(),
  };
});
