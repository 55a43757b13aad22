// Preconditions compose (all, any), run in the Bot before the handler, and refuse in the
// person's language; the channel registry keeps channels and their purposes across platforms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { Bot, type Outcome } from '../../src/core/bot.ts';
import { defineCommand, invocable } from '../../src/core/framework/declarations.ts';
import { string } from '../../src/core/framework/options.ts';
import { all, any, isApproved, isCoordinator, precondition } from '../../src/core/framework/preconditions.ts';
import { ephemeral } from '../../src/core/framework/reply.ts';
import { translator } from '../../src/core/i18n.ts';
import { approveMember, createTestBot, silentLogger, type TestBot } from '../support/bot.ts';
import { testBackends } from '../support/db.ts';

/** Only the person named in the input: a condition on who asks and what they typed. */
const isNamed = precondition('isNamed', (ctx) => ctx.input.wie === ctx.actor.displayName, { key: 'errors.denied.everyone' });
/** A button that only works on values it was meant for. */
const isOpen = precondition('isOpen', (ctx) => ctx.value === 'open', (ctx) => ({ key: 'errors.unknownCommand', params: { command: ctx.value, known: '/help' } }));

const nl = translator('nl');
const en = translator('en');
const text = (outcome: Outcome) => (outcome.kind === 'reply' ? outcome.reply.text : outcome.kind);

describe.each(testBackends())('preconditions and the channel registry on %s', (kind) => {
  let env: TestBot;
  let bot: Bot;
  const ran: string[] = [];
  beforeAll(async () => {
    env = await createTestBot({ kind, admins: ['console:baas'] });
    const probe = defineCommand({
      name: 'proef',
      root: invocable({
        access: 'everyone',
        options: { wie: string({ required: true }) },
        preconditions: all(isApproved, any(isNamed, isCoordinator)),
        async run(ctx) {
          ran.push(ctx.actor.displayName);
          return ephemeral({ text: 'gedaan' });
        },
      }),
      buttons: [{ name: 'knop', access: 'everyone', preconditions: isOpen, run: async () => ephemeral({ text: 'gedrukt' }) }],
    });
    bot = new Bot([...commands, probe], env.services, silentLogger);
  });
  afterAll(() => env?.close());

  const typed = (userId: string, line: string, channel?: { ref: string; name?: string }) =>
    bot.handleText({
      requester: { platform: 'console', userId, displayName: userId },
      place: { platform: 'console', channelRef: channel?.ref, channelName: channel?.name },
      command: 'proef',
      text: line,
    });

  it('refuses with the first condition that fails, in the person’s language, before the handler', async () => {
    expect(text(await typed('nieuw', 'nieuw'))).toBe(nl('errors.denied.approved'));
    await approveMember(env.services, 'console', 'sara', 'smn', 'sara');
    expect(text(await typed('sara', 'iemand-anders'))).toBe(nl('errors.denied.everyone'));
    const sara = await env.services.members.resolve('console', 'sara');
    await env.services.members.setLocale(sara.id, 'en');
    expect(text(await typed('sara', 'iemand-anders'))).toBe(en('errors.denied.everyone'));
    expect(ran).toEqual([]);
  });

  it('lets through whoever meets one of the alternatives', async () => {
    expect(text(await typed('sara', 'sara'))).toBe('gedaan');
    // A coordinator (here an admin, who may do all a coordinator may) need not be named.
    expect(text(await typed('baas', 'sara'))).toBe('gedaan');
    expect(ran).toEqual(['sara', 'baas']);
  });

  it('checks a button’s conditions against the value it carries', async () => {
    const press = (value: string) => bot.handleAction({ requester: { platform: 'console', userId: 'sara' }, place: { platform: 'console' }, actionId: 'proef.knop', value });
    expect(text(await press('open'))).toBe('gedrukt');
    expect(text(await press('dicht'))).toBe(en('errors.unknownCommand', { command: 'dicht', known: '/help' }));
  });

  it('knows a channel once a command is used there, with its latest name', async () => {
    await typed('sara', 'sara', { ref: 'C-algemeen', name: 'algemeen' });
    await typed('sara', 'sara', { ref: 'C-algemeen', name: 'alliantie' });
    expect(await env.services.channels.get({ platform: 'console', ref: 'C-algemeen' })).toMatchObject({ name: 'alliantie', purposes: [] });
    // A refused command records nothing.
    await typed('nieuw', 'nieuw', { ref: 'C-geheim', name: 'geheim' });
    expect(await env.services.channels.get({ platform: 'console', ref: 'C-geheim' })).toBeUndefined();
  });

  it('registers purposes once, lists channels by purpose over platforms, and removes them', async () => {
    const { channels } = env.services;
    await channels.register({ platform: 'slack', ref: 'C1', name: 'updates' }, 'updates');
    await channels.register({ platform: 'slack', ref: 'C1' }, 'updates');
    await channels.register({ platform: 'discord', ref: '42', name: 'nieuws' }, 'updates');
    await channels.register({ platform: 'discord', ref: '42' }, 'digest');
    const listed = (await channels.list('updates')).map((c) => [c.platform, c.ref, c.name, c.purposes]);
    expect(listed).toEqual([
      ['slack', 'C1', 'updates', ['updates']],
      ['discord', '42', 'nieuws', ['updates', 'digest']],
    ]);
    expect((await channels.list('updates', 'discord')).map((c) => c.ref)).toEqual(['42']);
    expect(await channels.unregister({ platform: 'discord', ref: '42' }, 'updates')).toBe(true);
    expect(await channels.unregister({ platform: 'discord', ref: '42' }, 'updates')).toBe(false);
    expect((await channels.list('digest')).map((c) => c.ref)).toEqual(['42']);
    expect(await channels.remove({ platform: 'discord', ref: '42' })).toBe(true);
    expect(await channels.list('digest')).toEqual([]);
    expect(await channels.get({ platform: 'discord', ref: '42' })).toBeUndefined();
    // Back in the channel: known again, without its old purposes.
    expect(await channels.seen({ platform: 'discord', ref: '42' })).toMatchObject({ purposes: [] });
  });
});
