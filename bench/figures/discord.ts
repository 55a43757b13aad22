// Figure 3, Discord: INTERACTION_CREATE on the fake gateway (test/discord/fake-discord.ts) to
// the interaction callback reaching the fake REST API, one at a time, p50/p99, for `/help`
// through the real bot (startApp with Discord), next to a bare discord.js client that only
// replies. Target: p99 ratio ≤ 1.5. Also next to the durable floor: a bare client that writes
// one row before it replies (what keeps an answered interaction through a kill -9; the bot's
// reply is its callback, so the floor also runs the one query a reply needs).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, GatewayIntentBits } from 'discord.js';
import { startApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/core/logger.ts';
import { FakeDiscord } from '../../test/discord/fake-discord.ts';
import { type Context, type Figure, now, p50p99, stats } from '../lib/harness.ts';
import { ENCRYPTION_KEY, openDurableFloor } from '../lib/slack.ts';
import type { DatabaseKind } from '../../src/db/index.ts';

const GUILD = '400000000000000004';
const CHANNEL = '500000000000000005';
/** People taking turns; the warm-up has each of them once (their first command makes them a member). */
const USERS = 50;
const QUICK_USERS = 20;

/** `/help` as the Discord client sends it, from a different person each time. */
function helpInteraction(fake: FakeDiscord, n: number, users: number) {
  const id = fake.snowflake();
  const user = { id: String(600000000000000000n + BigInt(n % users)), username: `lid${n % users}`, discriminator: '0', global_name: null, avatar: null };
  return {
    id,
    token: `token-${id}`,
    type: 2,
    application_id: fake.applicationId,
    version: 1,
    locale: 'nl',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: {},
    data: { id: fake.snowflake(), name: 'help', type: 1, options: [] },
    guild_id: GUILD,
    guild_locale: 'nl',
    channel: { id: CHANNEL, type: 0, guild_id: GUILD, name: 'algemeen' },
    member: { user, roles: [], permissions: '0', joined_at: new Date(0).toISOString(), nick: null, avatar: null, deaf: false, mute: false, flags: 0, pending: false },
    context: 0,
  };
}

async function measure(fake: FakeDiscord, count: number, users: number): Promise<(number | undefined)[]> {
  const samples: (number | undefined)[] = [];
  for (let n = 0; n < count; n++) {
    const payload = helpInteraction(fake, n, users);
    const started = now();
    fake.interact(payload);
    const arrived = await fake.waitForCallback(payload.token, 10_000);
    samples.push(arrived === undefined ? undefined : arrived - started);
  }
  return samples;
}

export const figure: Figure = {
  name: 'discord',
  async run(ctx: Context) {
    const count = ctx.quick ? 30 : 300;
    const users = ctx.quick ? QUICK_USERS : USERS;
    for (const kind of ctx.backends) {
      const fake = new FakeDiscord();
      await fake.start();
      try {
        const bare = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
        bare.on('interactionCreate', (interaction) => {
          if (interaction.isRepliable()) void interaction.reply({ content: 'ok' });
        });
        await bare.login('fake-token');
        await measure(fake, users, users);
        const baseline = stats(await measure(fake, count, users));
        await bare.destroy();
        const floor = await measureFloor(fake, count, users, kind, kind === 'postgres' ? await ctx.postgresDatabase() : undefined);

        const dataDir = await mkdtemp(path.join(tmpdir(), 'binnenuit-bench-'));
        const config = loadConfig({
          DISCORD_TOKEN: 'fake-token',
          DISCORD_APPLICATION_ID: fake.applicationId,
          DISCORD_API_URL: fake.apiUrl,
          DATA_DIR: dataDir,
          PORT: '0',
          HOST: '127.0.0.1',
          ENCRYPTION_KEY,
          ...(kind === 'postgres' ? { DATABASE_URL: await ctx.postgresDatabase() } : {}),
        });
        const app = await startApp(config, { logger: createLogger('silent') });
        try {
          await measure(fake, users, users);
          const figures = stats(await measure(fake, count, users));
          ctx.report({
            label: `discord /help ${kind}`,
            value: p50p99(figures),
            baseline: `bare discord.js ${p50p99(baseline)}; durable floor ${p50p99(floor)} (p99 ratio ${(figures.p99 / floor.p99).toFixed(2)})`,
            ratio: figures.p99 / baseline.p99,
            target: 'p99 ratio ≤ 1.5',
            met: figures.lost === 0 && figures.p99 / baseline.p99 <= 1.5,
            detail: { bot: figures, bare: baseline, floor, floorRatio: figures.p99 / floor.p99 },
          });
        } finally {
          await app.stop();
          await rm(dataDir, { recursive: true, force: true });
        }
      } finally {
        await fake.stop();
      }
    }
  },
};

/** A bare discord.js client that stores each interaction before its one query and reply. */
async function measureFloor(fake: FakeDiscord, count: number, users: number, kind: DatabaseKind, databaseUrl: string | undefined) {
  const floor = await openDurableFloor(kind, databaseUrl);
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  client.on('interactionCreate', (interaction) => {
    if (!interaction.isRepliable()) return;
    void (async () => {
      await floor.receipt(interaction.id, interaction.isChatInputCommand() ? interaction.commandName : '');
      await interaction.reply({ content: await floor.work() });
    })();
  });
  try {
    await client.login('fake-token');
    await measure(fake, users, users);
    return stats(await measure(fake, count, users));
  } finally {
    await client.destroy();
    await floor.close();
  }
}
