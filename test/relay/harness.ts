// One process running both fakes: the real Slack adapter (Bolt) and the real Discord adapter
// (discord.js) on one Bot and one database, as a deployment with both platforms configured.
import { ADMIN_ID, DiscordHarness } from '../discord/harness.ts';
import { startSlack, type SlackHarness } from '../slack/harness.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';
import type { DatabaseKind } from '../../src/db/index.ts';

export interface BothPlatforms {
  testBot: TestBot;
  slack: SlackHarness;
  discord: DiscordHarness;
  /** Sends everything the outbox holds, on both platforms. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function startBoth(options: { kind?: DatabaseKind } = {}): Promise<BothPlatforms> {
  const testBot = await createTestBot({ kind: options.kind, admins: ['slack:UADMIN', `discord:${ADMIN_ID}`], guide: false });
  const slack = await startSlack({ testBot });
  const discord = await DiscordHarness.create({ testBot, adapter: { messageContent: true } });
  return {
    testBot,
    slack,
    discord,
    drain: () => testBot.worker.drain(),
    async close() {
      await slack.close();
      // Closes the test bot as well.
      await discord.close();
    },
  };
}
