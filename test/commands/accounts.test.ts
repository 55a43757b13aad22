// One person on Slack and Discord: a link code joins the accounts into one profile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Outcome, Requester } from '../../src/core/bot.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import type { PlatformName } from '../../src/core/platform.ts';
import { approveMember, createTestBot, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

const textOf = (outcome: Outcome) => (outcome.kind === 'reply' || outcome.kind === 'invalid' ? replyToPlainText(outcome.reply) : '');

describe.each(testBackends())('linking accounts on %s', (kind) => {
  let env: TestBot;
  const as = (platform: PlatformName, userId: string, line: string) => {
    const requester: Requester = { platform, userId, displayName: userId };
    const [, command, text] = /^\/(\S+)\s*([\s\S]*)$/.exec(line)!;
    return env.bot.handleText({ requester, place: { platform, channelRef: 'C1' }, command: command!, text: text! });
  };
  const codeFrom = (outcome: Outcome) => /account ([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(textOf(outcome))![1]!;

  beforeAll(async () => {
    env = await createTestBot({ kind });
    await approveMember(env.services, 'discord', '1001', 'fsan', 'Amina');
  });
  afterAll(() => env?.close());

  it('joins a Slack account to a Discord profile with a one-time code; what it posted moves along', async () => {
    await approveMember(env.services, 'slack', 'UAMINA', 'movisie');
    await as('slack', 'UAMINA', '/update plaats Vanuit Slack geplaatst');
    const code = codeFrom(await as('discord', '1001', '/profiel koppelcode'));
    expect(textOf(await as('slack', 'UAMINA', `/profiel account ${code.toLowerCase()}`))).toContain('hoort nu bij het profiel van Amina');
    const profile = textOf(await as('slack', 'UAMINA', '/profiel'));
    expect(profile).toContain('Federatie van Somalische Associaties');
    expect(profile).toMatch(/Accounts: (Discord, Slack|Slack, Discord)/);
    const [update] = await env.services.updates.list();
    expect(update).toMatchObject({ body: 'Vanuit Slack geplaatst', author: 'Amina' });
    expect(await env.db.prisma.member.count({ where: { identities: { some: { externalId: { in: ['UAMINA', '1001'] } } } } })).toBe(1);
    expect(textOf(await as('console', 'amina', `/profiel account ${code}`))).toContain('ken ik niet of hij is verlopen');
  });

  it('refuses a second account on the same platform, unknown codes and expired codes', async () => {
    const code = codeFrom(await as('discord', '1001', '/profiel koppelcode'));
    expect(textOf(await as('slack', 'UOTHER', `/profiel account ${code}`))).toContain('al een Slack-account gekoppeld');
    expect(textOf(await as('slack', 'UOTHER', '/profiel account ZZZZ-ZZZZ'))).toContain('ken ik niet of hij is verlopen');
    const member = await env.services.members.resolve('discord', '1001');
    const old = await env.services.accounts.createCode(member.id, new Date(Date.now() - 16 * 60 * 1000));
    expect(textOf(await as('console', 'amina', `/profiel account ${old.code}`))).toContain('ken ik niet of hij is verlopen');
    expect(textOf(await as('discord', '1001', `/profiel account ${(await env.services.accounts.createCode(member.id)).code}`))).toContain('hoort al bij dat profiel');
  });
});
