// What every chat adapter must do, written once and run against each of them (console, Slack,
// Discord) through a small driver that plays the platform's side. The assertions are what a
// person on that platform would observe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRef } from '../../src/core/messages/message-ref.ts';
import type { Reply } from '../../src/core/framework/reply.ts';
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
  /** Where the platform keeps it (channel and message id), when people can reply to it in a thread. */
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
   * Whether an edited message changes where it is (Slack, Discord) rather than being shown
   * again below, marked as edited (the console, which cannot change what it printed).
   */
  editsInPlace: boolean;
  /** Whether a long reply becomes several platform messages (not on the console). */
  splitsLong: boolean;
  /** A person deletes this message of the bot on the platform (only where `editsInPlace`). */
  deleteAsPerson(ref: MessageRef): Promise<void>;
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

/** A numbered paragraph of about 300 characters, to build replies longer than any platform message. */
const paragraph = (n: number) => `Alinea ${n}: ${'de gemeente en de zelforganisaties werken samen aan zelfbeschikking '.repeat(4).trim()} (einde ${n}).`;

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
      // The admin's notice now says who decided, without buttons to decide again.
      const notices = (await env.driver.directMessages(env.adminId)).filter((m) => m.text.includes('Stichting Kezban'));
      const latest = notices.at(-1)!;
      expect(latest.text).toMatch(/goedgekeurd door/);
      expect(latest.buttons).toEqual([]);
      if (env.driver.editsInPlace) expect(notices.some((m) => m.buttons.length > 0)).toBe(false);
      expect(all(await env.driver.command('u-joiner', '/profiel'))).toContain('Stichting Kezban');
    });

    describe('messages the outbox sends, edits, deletes, plans and splits', () => {
      const dm = (ref: string, text: string, buttons?: Reply['buttons']) => ({
        target: { platform: env.platform, kind: 'user' as const, ref },
        locale: 'nl' as const,
        reply: { visibility: 'ephemeral' as const, text, ...(buttons ? { buttons } : {}) },
      });
      const outbox = () => env.testBot.services.outbox;
      const db = () => env.testBot.db.prisma;
      const drain = () => env.testBot.worker.drain();

      it('sends a member a message with a ref, edits it in place (buttons gone) and deletes it', async () => {
        const vote = [{ actionId: 'overleg.ja', label: 'Ja', value: 'O-1' }];
        await outbox().enqueue(db(), { dedupeKey: 'c-edit', ...dm('u-edit', 'Stand: ja 1 · nee 0', vote) });
        await drain();
        expect(await outbox().messageRef('c-edit')).toMatch(new RegExp(`^${env.platform}:`));
        const first = await env.driver.directMessages('u-edit');
        expect(first.map((m) => m.text)).toEqual([expect.stringContaining('Stand: ja 1 · nee 0')]);
        expect(first[0]!.buttons.map((b) => b.label)).toEqual(['Ja']);

        await outbox().edit(db(), { dedupeKey: 'c-edit:2', of: { key: 'c-edit' }, reply: { visibility: 'ephemeral', text: 'Stand: ja 2 · nee 0' } });
        await drain();
        const edited = await env.driver.directMessages('u-edit');
        if (env.driver.editsInPlace) {
          expect(edited).toHaveLength(1);
          expect(edited[0]!.text).toContain('Stand: ja 2 · nee 0');
          expect(edited[0]!.text).not.toContain('ja 1');
          expect(edited[0]!.buttons).toEqual([]);
        } else {
          expect(edited).toHaveLength(2);
          expect(edited[1]!.text).toContain('(bewerkt)');
          expect(edited[1]!.text).toContain('Stand: ja 2 · nee 0');
          expect(edited[1]!.buttons).toEqual([]);
        }

        await outbox().delete(db(), { dedupeKey: 'c-edit:weg', of: { key: 'c-edit' } });
        await drain();
        const after = await env.driver.directMessages('u-edit');
        if (env.driver.editsInPlace) expect(after).toEqual([]);
        else expect(after.at(-1)!.text).toContain('verwijderd');
        // Once deleted, a late edit changes nothing and is not retried.
        await outbox().edit(db(), { dedupeKey: 'c-edit:3', of: { key: 'c-edit' }, reply: { visibility: 'ephemeral', text: 'Stand: ja 3' } });
        await drain();
        expect(all(await env.driver.directMessages('u-edit'))).not.toContain('ja 3');
        expect(await db().outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'c-edit:3' } })).toMatchObject({ status: 'SENT', attempts: 0 });
      });

      it('an edit queued before its post is sent goes after it: the person ends up with the new text', async () => {
        await outbox().enqueue(db(), { dedupeKey: 'c-early', ...dm('u-early', 'Versie 1') });
        await outbox().edit(db(), { dedupeKey: 'c-early:2', of: { key: 'c-early' }, reply: { visibility: 'ephemeral', text: 'Versie 2' } });
        await drain();
        const seen = await env.driver.directMessages('u-early');
        expect(seen.at(-1)!.text).toContain('Versie 2');
        if (env.driver.editsInPlace) expect(seen).toHaveLength(1);
      });

      it('sends a long reply as several messages, in order, each once', async () => {
        const text = Array.from({ length: 70 }, (_, i) => paragraph(i + 1)).join('\n\n');
        expect(text.length).toBeGreaterThan(20_000);
        await outbox().enqueue(db(), { dedupeKey: 'c-long', ...dm('u-long', text) });
        await drain();
        const seen = await env.driver.directMessages('u-long');
        if (env.driver.splitsLong) expect(seen.length).toBeGreaterThan(1);
        const read = all(seen);
        const order = [...read.matchAll(/Alinea (\d+):/g)].map((m) => Number(m[1]));
        expect(order).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
        expect(await outbox().messageRef('c-long')).toMatch(new RegExp(`^${env.platform}:`));
      });

      it('sends a planned message once when its time comes (also after a restart); a cancelled one never', async () => {
        const soon = new Date(Date.now() + 400);
        await outbox().enqueue(db(), { dedupeKey: 'c-plan', ...dm('u-plan', 'Herinnering: overleg om 14:30'), sendAt: soon, groupKey: 'meeting:O-1:reminder' });
        await outbox().enqueue(db(), { dedupeKey: 'c-plan-x', ...dm('u-plan', 'Herinnering: afgelast overleg'), sendAt: soon, groupKey: 'meeting:O-2:reminder' });
        await outbox().enqueue(db(), { dedupeKey: 'c-plan-later', ...dm('u-plan', 'Herinnering: verplaatst overleg'), sendAt: new Date(Date.now() + 3_600_000), groupKey: 'meeting:O-3:reminder' });
        expect(await outbox().cancelGroup(db(), 'meeting:O-2:reminder')).toBe(1);
        // A restart before the time: nothing planned is taken over early.
        await outbox().takeOverAfterRestart();
        await drain();
        expect(await env.driver.directMessages('u-plan')).toEqual([]);

        await new Promise((resolve) => setTimeout(resolve, 500));
        await outbox().rescheduleGroup(db(), 'meeting:O-3:reminder', new Date());
        await drain();
        await outbox().takeOverAfterRestart();
        await drain();
        const texts = (await env.driver.directMessages('u-plan')).map((m) => m.text);
        expect(texts.filter((t) => t.includes('overleg om 14:30'))).toHaveLength(1);
        expect(texts.filter((t) => t.includes('verplaatst overleg'))).toHaveLength(1);
        expect(all(await env.driver.directMessages('u-plan'))).not.toContain('afgelast');
        expect(await db().outboxMessage.findUniqueOrThrow({ where: { dedupeKey: 'c-plan-x' } })).toMatchObject({ status: 'CANCELLED', sentAt: null });
      });

      it('an edit of a message a person deleted on the platform is skipped and noted, never retried', async (test) => {
        if (!env.driver.editsInPlace) test.skip();
        await outbox().enqueue(db(), { dedupeKey: 'c-gone', ...dm('u-gone', 'Wordt weggehaald') });
        await drain();
        await env.driver.deleteAsPerson((await outbox().messageRef('c-gone'))!);
        await outbox().edit(db(), { dedupeKey: 'c-gone:2', of: { key: 'c-gone' }, reply: { visibility: 'ephemeral', text: 'Nieuwe tekst' } });
        await outbox().delete(db(), { dedupeKey: 'c-gone:weg', of: { key: 'c-gone' } });
        await drain();
        expect(await env.driver.directMessages('u-gone')).toEqual([]);
        for (const dedupeKey of ['c-gone:2', 'c-gone:weg']) {
          const row = await db().outboxMessage.findUniqueOrThrow({ where: { dedupeKey } });
          expect(row).toMatchObject({ status: 'SENT', attempts: 0 });
          expect(row.lastError).toMatch(/^skipped: /);
        }
      });
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
  });
}
