// One console with several people on a real Bot and database (as the black-box contract plays
// it): `say` types a line as someone and returns what they were answered; `inbox` reads the
// messages delivered to them (`Bericht voor @naam:` blocks), once the outbox has drained.
import { PassThrough, Writable } from 'node:stream';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.ts';
import type { DatabaseKind } from '../../src/db/index.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';

interface Block {
  to: string;
  text: string;
  delivered: boolean;
}

export interface AdviceConsole {
  testBot: TestBot;
  adapter: ConsoleAdapter;
  /** Types a line as `user` (`local` is the admin) and returns the answer's text. */
  say(user: string, line: string): Promise<string>;
  /** Everything delivered to `user` so far, oldest first. */
  inbox(user: string): Promise<string[]>;
  /** What was delivered to `user` since the last call for them. */
  fresh(user: string): Promise<string>;
  /** Presses the button labelled `label` among those `user` was shown last. */
  press(user: string, label: string, extra?: string): Promise<string>;
  close(): Promise<void>;
}

/** On a fresh test database, or on `testBot` when given (one with its own database set-up). */
export async function startAdviceConsole(kind: DatabaseKind = 'pglite', given?: TestBot): Promise<AdviceConsole> {
  const testBot = given ?? (await createTestBot({ kind, admins: ['console:local'] }));
  const blocks: Block[] = [];
  const seen = new Map<string, number>();
  let typist = 'local';
  const output = new Writable({
    write(chunk, _encoding, done) {
      const text = String(chunk).replace(/\n+$/, '');
      // The header is in the recipient's language.
      const header = /^(?:Bericht voor|Message for) @([^:\s]+):\n/.exec(text);
      blocks.push({ to: header ? header[1]! : typist, text, delivered: !!header });
      done();
    },
  });
  const adapter = new ConsoleAdapter(testBot.bot, { input: new PassThrough(), output, locale: 'nl', afterLine: () => testBot.worker.drain() });
  testBot.deliverers.set('console', (item) => adapter.deliver(item));
  const say = async (user: string, line: string) => {
    const before = blocks.length;
    typist = user;
    await adapter.handleLine(user === 'local' ? line : `@${user} ${line}`);
    return blocks.slice(before).filter((block) => block.to === user && !block.delivered).map((block) => block.text).join('\n');
  };
  const inbox = async (user: string) => {
    await testBot.worker.drain();
    return blocks.filter((block) => block.to === user && block.delivered).map((block) => block.text);
  };
  return {
    testBot,
    adapter,
    say,
    inbox,
    async fresh(user) {
      const all = await inbox(user);
      const from = seen.get(user) ?? 0;
      seen.set(user, all.length);
      return all.slice(from).join('\n');
    },
    async press(user, label, extra) {
      // The message with the button comes through the outbox: on a busy machine it may still be
      // on its way when the test presses, so wait for it (a little) before saying it is missing.
      const find = () => adapter.pressableBy(user).findIndex((button) => button.label === label);
      for (let tries = 0; find() < 0 && tries < 50; tries++) {
        await testBot.worker.drain();
        if (find() < 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const index = find();
      if (index < 0) throw new Error(`${user} sees no button "${label}": ${adapter.pressableBy(user).map((b) => b.label).join(', ')}`);
      return say(user, `!${index + 1}${extra ? ` ${extra}` : ''}`);
    },
    close: () => testBot.close(),
  };
}

/** Presses a button by its action and value, as a copied, forged or repeated press would. */
export async function pressValue(c: AdviceConsole, user: string, actionId: string, value: string): Promise<string> {
  const outcome = await c.testBot.bot.handleAction({ requester: { platform: 'console', userId: user }, place: { platform: 'console' }, actionId, value });
  if (outcome.kind !== 'reply') return outcome.kind;
  return `${outcome.reply.isError ? '! ' : ''}${outcome.reply.text ?? ''}`;
}
