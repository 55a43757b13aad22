// A DM to a member goes out once, on the platform they chose, else the one they used last,
// else another platform of theirs that some instance runs; when none of them runs for the
// whole presence window it is marked UNDELIVERABLE, never left pending for ever. Two outbox
// workers on one database play two instances that run different platforms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox, type OutboxItem } from '../../src/core/outbox/outbox.ts';
import { chooseRoute, routeOrder } from '../../src/core/outbox/routing.ts';
import { OutboxWorker, OutcomeUnknownError, type Deliver } from '../../src/core/outbox/worker.ts';
import type { PlatformName } from '../../src/core/platform.ts';
import { createTestBot, silentLogger, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

describe('the order in which a member’s accounts are tried', () => {
  const identities = [
    { platform: 'console' as const, externalId: 'c' },
    { platform: 'slack' as const, externalId: 's' },
    { platform: 'discord' as const, externalId: 'd' },
  ];
  it('puts the chosen platform first, then the last used one, then the rest as linked', () => {
    expect(routeOrder({ identities, preferred: 'discord', last: 'slack' }).map((i) => i.platform)).toEqual(['discord', 'slack', 'console']);
    expect(routeOrder({ identities, last: 'slack' }).map((i) => i.platform)).toEqual(['slack', 'console', 'discord']);
    expect(routeOrder({ identities }).map((i) => i.platform)).toEqual(['console', 'slack', 'discord']);
  });
  it('chooses the first one that runs somewhere, or none', () => {
    expect(chooseRoute({ identities, preferred: 'discord' }, new Set<PlatformName>(['slack', 'discord']))?.externalId).toBe('d');
    expect(chooseRoute({ identities, preferred: 'discord', last: 'slack' }, new Set<PlatformName>(['console', 'slack']))?.externalId).toBe('s');
    expect(chooseRoute({ identities: identities.slice(2) }, new Set<PlatformName>(['slack']))).toBeUndefined();
  });
});

describe.each(testBackends())('member DMs on %s', (kind) => {
  let env: TestBot;
  let n = 0;
  beforeAll(async () => {
    env = await createTestBot({ kind });
  });
  afterAll(() => env?.close());

  /** A recording deliverer: the messages "seen" on that platform. */
  const recorder = (seen: OutboxItem[]): Deliver => async (item) => void seen.push(item);

  /** A member with an account on each of these platforms (joined as /profiel account does). */
  async function member(accounts: PlatformName[]): Promise<{ id: string; ids: Record<string, string> }> {
    const tag = `m${++n}`;
    const ids = Object.fromEntries(accounts.map((platform) => [platform, `${platform}-${tag}`]));
    const first = await env.services.members.resolve(accounts[0]!, ids[accounts[0]!]!, tag);
    for (const platform of accounts.slice(1)) {
      const { code } = await env.services.accounts.createCode(first.id);
      await env.services.accounts.redeem(platform, ids[platform]!, code);
    }
    return { id: first.id, ids };
  }

  const notify = (memberId: string, key: string) =>
    env.services.outbox.notifyMembers(env.db.prisma, [memberId], key, (t) => ({ visibility: 'ephemeral', text: `${t('profile.noticeTitle')} ${key}` }));

  /** Time passes for the rows and the platform presence: they are `ms` older. */
  async function letTimePass(ms: number) {
    await env.db.prisma.$executeRaw`UPDATE "OutboxMessage" SET "createdAt" = "createdAt" - make_interval(secs => ${ms / 1000}) WHERE status = 'PENDING'`;
    await env.db.prisma.$executeRaw`UPDATE "PlatformPresence" SET "seenAt" = "seenAt" - make_interval(secs => ${ms / 1000})`;
  }

  const rowFor = (key: string) => env.db.prisma.outboxMessage.findFirstOrThrow({ where: { dedupeKey: { startsWith: key } } });

  it('sends one DM, on the platform the member chose, although they have two', async () => {
    const slack: OutboxItem[] = [];
    const discord: OutboxItem[] = [];
    env.deliverers.clear();
    env.deliverers.set('slack', recorder(slack)).set('discord', recorder(discord));
    const m = await member(['slack', 'discord']);
    await env.services.members.resolve('slack', m.ids.slack!); // used Slack last
    expect(await env.services.members.setPreferredPlatform(m.id, 'discord')).toBe(true);
    await notify(m.id, 'choice');
    await env.worker.drain();
    expect(discord.map((item) => [item.target.ref, item.reply.text])).toEqual([[m.ids.discord, 'Nieuw koppelverzoek choice']]);
    expect(slack).toEqual([]);
  });

  it('without a choice, sends on the platform the member used last', async () => {
    const slack: OutboxItem[] = [];
    const discord: OutboxItem[] = [];
    env.deliverers.clear();
    env.deliverers.set('slack', recorder(slack)).set('discord', recorder(discord));
    const m = await member(['slack', 'discord']);
    await env.services.members.resolve('discord', m.ids.discord!);
    await notify(m.id, 'last-discord');
    await env.worker.drain();
    await env.services.members.resolve('slack', m.ids.slack!);
    await notify(m.id, 'last-slack');
    await env.worker.drain();
    expect(discord.map((item) => item.reply.text)).toEqual(['Nieuw koppelverzoek last-discord']);
    expect(slack.map((item) => item.reply.text)).toEqual(['Nieuw koppelverzoek last-slack']);
  });

  it('a chosen platform no instance runs: the DM goes to another platform of the member', async () => {
    const slack: OutboxItem[] = [];
    env.deliverers.clear();
    env.deliverers.set('slack', recorder(slack));
    await letTimePass(10 * 60_000); // whatever ran Discord before has long stopped
    const m = await member(['slack', 'discord']);
    await env.services.members.setPreferredPlatform(m.id, 'discord');
    await notify(m.id, 'fallback');
    await env.worker.drain();
    expect(slack.map((item) => [item.target.ref, item.reply.text])).toEqual([[m.ids.slack, 'Nieuw koppelverzoek fallback']]);
    expect(await rowFor('fallback')).toMatchObject({ status: 'SENT', platform: 'SLACK' });
  });

  it('leaves a DM to the instance that runs the chosen platform, and moves it when that instance is gone', async () => {
    const onA: OutboxItem[] = [];
    const onB: OutboxItem[] = [];
    env.deliverers.clear();
    env.deliverers.set('slack', recorder(onA));
    // Instance B: its own outbox and worker on the same database, running only Discord.
    const instanceB = new OutboxWorker(new Outbox(env.db.prisma, 'nl', env.services.cipher), new Map([['discord', recorder(onB)]]), silentLogger);
    instanceB.start(600_000); // running (its timer is too slow to matter here: the test drains it)
    await instanceB.drain(); // B is up: it says so in the database
    const m = await member(['slack', 'discord']);
    await env.services.members.setPreferredPlatform(m.id, 'discord');
    await notify(m.id, 'elsewhere');
    await env.worker.drain(); // A (Slack only) must neither send it nor give up on it
    expect(onA).toEqual([]);
    expect(await rowFor('elsewhere')).toMatchObject({ status: 'PENDING', platform: 'DISCORD' });
    await instanceB.drain();
    expect(onB.map((item) => item.target.ref)).toEqual([m.ids.discord]);

    // B stops; after the presence window A takes the next one on Slack.
    await notify(m.id, 'b-gone');
    await letTimePass(2 * 60_000);
    await env.worker.drain();
    expect(onA.map((item) => [item.target.ref, item.reply.text])).toEqual([[m.ids.slack, 'Nieuw koppelverzoek b-gone']]);
    expect(onB).toHaveLength(1);
    await instanceB.stop();
  });

  it('marks a DM undeliverable once none of the member’s platforms ran for the whole window, and shows it', async () => {
    env.deliverers.clear();
    env.deliverers.set('slack', recorder([]));
    await letTimePass(10 * 60_000);
    const m = await member(['discord']);
    await notify(m.id, 'nowhere');
    await env.worker.drain();
    // Just queued: an instance that runs Discord may be starting right now.
    expect(await rowFor('nowhere')).toMatchObject({ status: 'PENDING' });
    await letTimePass(2 * 60_000);
    await env.worker.drain();
    expect(await rowFor('nowhere')).toMatchObject({ status: 'UNDELIVERABLE' });
    const listed = await env.services.outbox.routing.undeliverable();
    expect(listed.find((entry) => entry.member.id === m.id)).toMatchObject({ member: { displayName: `m${n}` }, platforms: ['discord'] });
    expect(await env.services.outbox.routing.undeliverableCount()).toBeGreaterThanOrEqual(1);
  });

  it('keeps an attempt that may have arrived on its platform, while that platform runs', async () => {
    const slack: OutboxItem[] = [];
    const discord: OutboxItem[] = [];
    let fail = true;
    env.deliverers.clear();
    env.deliverers.set('slack', recorder(slack)).set('discord', async (item) => {
      if (fail) {
        fail = false;
        throw new OutcomeUnknownError('timeout');
      }
      discord.push(item);
    });
    const m = await member(['slack', 'discord']);
    await env.services.members.setPreferredPlatform(m.id, 'discord');
    await notify(m.id, 'unknown');
    await env.worker.drain();
    // Meanwhile the member prefers Slack; the first attempt may be on Discord already.
    await env.services.members.setPreferredPlatform(m.id, 'slack');
    const row = await rowFor('unknown');
    await env.db.prisma.outboxMessage.update({ where: { id: row.id }, data: { nextAttemptAt: new Date() } });
    await env.worker.drain();
    expect(discord.map((item) => [item.target.ref, item.outcomeUnknown])).toEqual([[m.ids.discord, true]]);
    expect(slack).toEqual([]);
  });

  it('a DM on its way when two accounts are joined still arrives, once', async () => {
    const slack: OutboxItem[] = [];
    env.deliverers.clear();
    await letTimePass(10 * 60_000); // only what runs in this test counts
    const onSlack = await member(['slack']);
    await notify(onSlack.id, 'before-join');
    await env.worker.drain(); // nothing runs Slack yet: it waits
    const onDiscord = await member(['discord']);
    const { code } = await env.services.accounts.createCode(onDiscord.id);
    expect(await env.services.accounts.redeem('slack', onSlack.ids.slack!, code)).toMatchObject({ status: 'linked' });
    env.deliverers.set('slack', recorder(slack));
    await env.worker.drain();
    expect(slack.filter((item) => item.reply.text?.endsWith('before-join')).map((item) => item.target.ref)).toEqual([onSlack.ids.slack]);
  });

  it('records the platform a member used last, and only writes when it changes', async () => {
    const m = await member(['slack', 'discord']);
    await env.bot.handleText({ requester: { platform: 'discord', userId: m.ids.discord! }, place: { platform: 'discord' }, command: 'profiel', text: '' });
    expect((await env.db.prisma.member.findUniqueOrThrow({ where: { id: m.id } })).lastPlatform).toBe('DISCORD');
    await env.bot.handleText({ requester: { platform: 'slack', userId: m.ids.slack! }, place: { platform: 'slack' }, command: 'profiel', text: '' });
    expect((await env.db.prisma.member.findUniqueOrThrow({ where: { id: m.id } })).lastPlatform).toBe('SLACK');
  });
});
