// What every chat adapter must do, written once and run against each of them (console, Slack,
// Discord) through a small driver that plays the platform's side. The assertions are what a
// person on that platform would observe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformName } from '../../src/core/platform.ts';
import { approveMember, type TestBot } from '../support/bot.ts';

export interface SeenButton {
  label: string;
  actionId: string;
  value?: string;
}

export interface SeenMessage {
  /** Everything the person can read in it, as plain text. */
  text: string;
  buttons: SeenButton[];
  /** ephemeral: only they see it; channel: everyone in the channel; direct: a DM. */
  visibility: 'ephemeral' | 'channel' | 'direct';
  /** Where the platform keeps it (channel and message id), when people can reply to it (in a thread, or to a DM). */
  ref?: { channel: string; message: string };
}

export interface AdapterDriver {
  /** Whether this platform shows the difference between ephemeral and channel replies. */
  observesVisibility: boolean;
  /** Whether the platform can deliver one event twice (Slack retries, Discord replays). */
  redelivers: boolean;
  /** Whether people can reply in a thread under a message of the bot (not on the console). */
  threads: boolean;
  /** A slash command as typed (`/update plaats …`); resolves with what the user then sees. */
  command(userId: string, line: string, options?: { eventId?: string }): Promise<SeenMessage[]>;
  /** Presses a button the user saw; resolves with what they see next. */
  press(userId: string, button: SeenButton, options?: { eventId?: string }): Promise<SeenMessage[]>;
  /** Direct messages the bot has sent this user so far (delivered through the outbox). */
  directMessages(userId: string): Promise<SeenMessage[]>;
  /** Writes a reply in the thread under a channel message the bot posted (only where `threads`). */
  replyInThread(userId: string, seen: SeenMessage, text: string): Promise<void>;
  /**
   * Answers a private conversation in the way this platform offers (H4): a reply in the thread
   * of the bot's DM (Slack), Discord's Reply on the bot's DM, `>code tekst` on the console.
   * `seen` is a DM of that conversation the person received; `code` is its subject id.
   */
  answerConversation(userId: string, seen: SeenMessage, code: string, text: string): Promise<void>;
}

export interface ContractSetup {
  platform: PlatformName;
  driver: AdapterDriver;
  testBot: TestBot;
  /** The user id that ADMINS made an admin in this setup. */
  adminId: string;
  close(): Promise<void>;
}

const all = (messages: SeenMessage[]) => messages.map((message) => message.text).join('\n');

export function adapterContract(name: string, setup: () => Promise<ContractSetup>): void {
  describe(`adapter contract: ${name}`, () => {
    let env: ContractSetup;
    beforeAll(async () => {
      env = await setup();
    });
    afterAll(async () => {
      await env?.close();
    });

    it('answers /help privately with the commands and the emergency line', async () => {
      const seen = await env.driver.command('u-help', '/help');
      expect(all(seen)).toContain('/handreiking zoek');
      expect(all(seen)).toContain('0800-2000');
      if (env.driver.observesVisibility) expect(seen.every((m) => m.visibility === 'ephemeral')).toBe(true);
    });

    it('explains an unknown command and points to /help', async () => {
      const seen = await env.driver.command('u-help', '/bestaatniet');
      expect(all(seen)).toMatch(/\/help/);
      expect(all(seen)).toContain('bestaatniet');
    });

    it('refuses posting for someone without an approved profile, storing nothing', async () => {
      const seen = await env.driver.command('u-new', '/update plaats Mag ik dit plaatsen?');
      expect(all(seen)).toContain('/profiel koppel');
      expect(await env.testBot.services.updates.list()).toHaveLength(0);
    });

    it('posts an update visibly, once, even when the platform delivers the event twice', async () => {
      await approveMember(env.testBot.services, env.platform, 'u-poster', 'smn', 'Samira');
      const first = await env.driver.command('u-poster', '/update plaats #samenwerking Overleg met Rotterdam gepland', { eventId: 'evt-1' });
      if (env.driver.redelivers) {
        await env.driver.command('u-poster', '/update plaats #samenwerking Overleg met Rotterdam gepland', { eventId: 'evt-1' });
      }
      expect(all(first)).toContain('Overleg met Rotterdam gepland');
      if (env.driver.observesVisibility) expect(first.some((m) => m.visibility === 'channel')).toBe(true);
      const stored = await env.testBot.services.updates.list();
      expect(stored.map((u) => u.body)).toEqual(['Overleg met Rotterdam gepland']);
      expect(all(await env.driver.command('u-poster', '/update lijst'))).toContain('#samenwerking');
    });

    it('explains text that is too long with the limit, storing nothing', async () => {
      await approveMember(env.testBot.services, env.platform, 'u-long', 'iot');
      const before = (await env.testBot.services.updates.list({ limit: 100 })).length;
      const seen = await env.driver.command('u-long', `/update plaats ${'woord '.repeat(500)}`);
      expect(all(seen)).toContain('2000');
      expect(await env.testBot.services.updates.list({ limit: 100 })).toHaveLength(before);
    });

    it('sends a link request to the admin as a DM whose button approves it; the requester hears', async () => {
      await env.driver.command(env.adminId, '/profiel');
      const asked = await env.driver.command('u-joiner', '/profiel koppel Kezban');
      expect(all(asked)).toContain('Stichting Kezban');
      const dms = await env.driver.directMessages(env.adminId);
      const approve = dms.flatMap((m) => m.buttons).find((b) => b.actionId === 'profiel.goedkeuren');
      expect(approve, 'the admin got a button to approve').toBeDefined();
      const decided = await env.driver.press(env.adminId, approve!, { eventId: 'press-1' });
      expect(all(decided)).toContain('Stichting Kezban');
      // A double click arrives as a second event; it must not decide or announce anything again.
      const again = await env.driver.press(env.adminId, approve!, { eventId: 'press-2' });
      expect(all(again)).not.toContain('is nu gekoppeld');
      const told = (await env.driver.directMessages('u-joiner')).filter((m) => m.text.includes('Je bent gekoppeld aan Stichting Kezban'));
      expect(told).toHaveLength(1);
      expect(all(await env.driver.command('u-joiner', '/profiel'))).toContain('Stichting Kezban');
    });

    it('finds a guide passage privately and shares it in the channel with a button', async () => {
      const found = await env.driver.command('u-reader', '/handreiking zoek vergoeding voor vrijwilligers');
      const share = found.flatMap((m) => m.buttons).find((b) => b.actionId === 'handreiking.delen');
      expect(share, 'a share button').toBeDefined();
      const shared = await env.driver.press('u-reader', share!);
      expect(all(shared)).toContain('u-reader');
      if (env.driver.observesVisibility) expect(shared.some((m) => m.visibility === 'channel')).toBe(true);
    });

    it('a reply written in the discussion of a posted update is stored and counted in /update lijst', async (test) => {
      if (!env.driver.threads) test.skip();
      await approveMember(env.testBot.services, env.platform, 'u-discuss', 'htib', 'Deniz');
      const posted = await env.driver.command('u-discuss', '/update plaats #regie Wie denkt mee over de regietafel?');
      const post = posted.find((m) => m.visibility === 'channel' && m.text.includes('Wie denkt mee over de regietafel?'));
      expect(post, 'the update, visible in the channel').toBeDefined();
      expect(all(await env.driver.command('u-discuss', '/update lijst #regie'))).not.toContain('💬');

      await env.driver.replyInThread('u-reader', post!, 'Ik schuif graag aan');
      await env.driver.replyInThread('u-poster', post!, 'Ik ook, donderdag?');
      const listed = all(await env.driver.command('u-discuss', '/update lijst #regie'));
      expect(listed).toContain('Wie denkt mee over de regietafel?');
      expect(listed).toContain('💬 2 reacties');

      // Kept as the update's thread messages, whoever wrote them.
      const { db, services } = env.testBot;
      const update = (await services.updates.list({ theme: 'regie' })).find((u) => u.body === 'Wie denkt mee over de regietafel?')!;
      const thread = await db.prisma.thread.findFirstOrThrow({ where: { subjectType: 'update', subjectId: update.id } });
      expect((await services.threads.messages(thread.id)).map((m) => m.text).sort()).toEqual(['Ik ook, donderdag?', 'Ik schuif graag aan']);
    });

    // H4: a private conversation between two members, relayed both ways on this platform.
    it('relays a private conversation both ways, each participant on their own place', async () => {
      const { services, db } = env.testBot;
      const amira = await services.members.resolve(env.platform, 'u-conv-a', 'Amira');
      const bram = await services.members.resolve(env.platform, 'u-conv-b', 'Bram');
      const subject = { type: 'proef', id: 'P-2026-0001' };
      await services.conversations.open({ subject, participants: [amira.id, bram.id], title: 'Vraag over de regietafel' });
      const opened = async (userId: string) => (await env.driver.directMessages(userId)).find((m) => m.text.includes('Vraag over de regietafel'));
      const toAmira = await opened('u-conv-a');
      const toBram = await opened('u-conv-b');
      expect(toAmira, 'Amira was told about the conversation').toBeDefined();
      expect(toBram, 'Bram was told about the conversation').toBeDefined();

      await env.driver.answerConversation('u-conv-a', toAmira!, subject.id, 'Wie zit de regietafel voor?');
      const bramSees = all(await env.driver.directMessages('u-conv-b'));
      expect(bramSees).toContain('Wie zit de regietafel voor?');
      await env.driver.answerConversation('u-conv-b', toBram!, subject.id, 'De wethouder, sinds maart.');
      const amiraSees = await env.driver.directMessages('u-conv-a');
      expect(all(amiraSees)).toContain('De wethouder, sinds maart.');
      // Nobody gets their own message back.
      expect(amiraSees.filter((m) => m.text.includes('Wie zit de regietafel voor?'))).toHaveLength(0);

      const places = await db.prisma.thread.findMany({ where: { subjectType: subject.type, subjectId: subject.id } });
      expect(places).toHaveLength(2);
      const stored = (await Promise.all(places.map((place) => services.threads.messages(place.id)))).flat().map((m) => m.text);
      expect(stored.sort()).toEqual(['De wethouder, sinds maart.', 'Wie zit de regietafel voor?']);
    });
  });
}
