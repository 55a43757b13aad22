// What every chat adapter must do, written once and run against each of them (console, Slack,
// Discord) through a small driver that plays the platform's side. The assertions are what a
// person on that platform would observe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxItem } from '../../src/core/outbox/outbox.ts';
import type { MessageRef } from '../../src/core/messages/message-ref.ts';
import type { Reply } from '../../src/core/framework/reply.ts';
import type { PlatformName } from '../../src/core/platform.ts';
import { safeFileName } from '../../src/core/framework/files.ts';
import { approveMember, type TestBot } from '../support/bot.ts';
import { BINARY, ICS } from './contract-commands.ts';
import { privacyContract } from '../privacy/privacy-contract.ts';

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
   * Whether an edited message changes where it is (Slack, Discord) rather than being shown
   * again below, marked as edited (the console, which cannot change what it printed).
   */
  editsInPlace: boolean;
  /** Whether a long reply becomes several platform messages (not on the console). */
  splitsLong: boolean;
  /** A person deletes this message of the bot on the platform (only where `editsInPlace`). */
  deleteAsPerson(ref: MessageRef): Promise<void>;
  /**
   * Answers a private conversation in the way this platform offers (H4): a reply in the thread
   * of the bot's DM (Slack), Discord's Reply on the bot's DM, `>code tekst` on the console.
   * `seen` is a DM of that conversation the person received; `code` is its subject id.
   */
  answerConversation(userId: string, seen: SeenMessage, code: string, text: string): Promise<void>;
  /**
   * H6: what the bot posted in the private places of this person: their DMs and the shared
   * private places they are in (a Slack group DM). Where participants share a place
   * (`sharesConversationPlace`), they see each other's messages there natively.
   */
  conversationMessages(userId: string): Promise<SeenMessage[]>;
  /** H6: whether two participants on this platform share one place (Slack's group DM). */
  sharesConversationPlace: boolean;
}

/** A form as the person sees it: its title and notice, and each field with value and error. */
export interface SeenForm {
  /** Everything readable: title, notice, labels. */
  text: string;
  fields: { name: string; value?: string; error?: string }[];
  /** The platform's own form (modal view, Discord modal), for the driver. */
  handle: unknown;
}

export interface ReceivedFile {
  name: string;
  bytes: Buffer;
}

export interface FileAndFormDriver {
  /** Files this person received so far (answers and direct messages), with their bytes. */
  receivedFiles(userId: string): Promise<ReceivedFile[]>;
  /** The form last shown to this person (a modal; form lines on the console). */
  lastForm(userId: string): Promise<SeenForm | undefined>;
  /** Submits it with these values (others as shown); after a refusal, `form` is the form shown again. */
  submitForm(userId: string, form: SeenForm, values: Record<string, string>): Promise<{ seen: SeenMessage[]; form?: SeenForm }>;
  /** The accounts these messages really ping; undefined where nothing pings (the console). */
  pinged(messages: SeenMessage[]): string[] | undefined;
}

export interface ContractSetup {
  platform: PlatformName;
  driver: AdapterDriver & FileAndFormDriver;
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

    // H12: /privacy on this platform (test/privacy/privacy-contract.ts).
    privacyContract(() => env);

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

      it('edits a message sent in parts part by part: new text in the first, the parts left over removed', async () => {
        const text = Array.from({ length: 70 }, (_, i) => paragraph(i + 1)).join('\n\n');
        await outbox().enqueue(db(), { dedupeKey: 'c-long-edit', ...dm('u-long-edit', text) });
        await drain();
        const before = await env.driver.directMessages('u-long-edit');
        await outbox().edit(db(), { dedupeKey: 'c-long-edit:2', of: { key: 'c-long-edit' }, reply: { visibility: 'ephemeral', text: 'Kort samengevat: zie de handreiking.' } });
        await drain();
        const after = await env.driver.directMessages('u-long-edit');
        expect(all(after)).toContain('Kort samengevat: zie de handreiking.');
        if (env.driver.editsInPlace && env.driver.splitsLong) {
          expect(before.length).toBeGreaterThan(1);
          expect(after).toHaveLength(1);
          expect(all(after)).not.toContain('Alinea');
        }
      });

      it('sends a planned message once when its time comes (also after a restart); a cancelled one never', async () => {
        // Far enough ahead for the take-over and a drain on a busy machine to finish before it.
        const soon = new Date(Date.now() + 2000);
        await outbox().enqueue(db(), { dedupeKey: 'c-plan', ...dm('u-plan', 'Herinnering: overleg om 14:30'), sendAt: soon, groupKey: 'meeting:O-1:reminder' });
        await outbox().enqueue(db(), { dedupeKey: 'c-plan-x', ...dm('u-plan', 'Herinnering: afgelast overleg'), sendAt: soon, groupKey: 'meeting:O-2:reminder' });
        await outbox().enqueue(db(), { dedupeKey: 'c-plan-later', ...dm('u-plan', 'Herinnering: verplaatst overleg'), sendAt: new Date(Date.now() + 3_600_000), groupKey: 'meeting:O-3:reminder' });
        expect(await outbox().cancelGroup(db(), 'meeting:O-2:reminder')).toBe(1);
        // A restart before the time: nothing planned is taken over early.
        await outbox().takeOverAfterRestart();
        await drain();
        expect(await env.driver.directMessages('u-plan')).toEqual([]);

        await new Promise((resolve) => setTimeout(resolve, Math.max(0, soon.getTime() - Date.now()) + 100));
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

    // ---- H2: files, forms from buttons, mentions ----

    it('sends files with their names and exact bytes, as an answer and as a direct message', async () => {
      const seen = await env.driver.command('u-files', '/toets bestand');
      expect(all(seen)).toContain('Hier is je agenda.');
      await env.testBot.services.outbox.send({
        dedupeKey: 'contract:file-dm',
        target: { platform: env.platform, kind: 'user', ref: 'u-files' },
        locale: 'nl',
        reply: { visibility: 'ephemeral', text: 'Je export', files: [{ name: 'export.json', mimeType: 'application/json', content: Buffer.from('{"naam":"Één"}').toString('base64'), encoding: 'base64' }] },
      });
      await env.testBot.worker.drain();
      expect((await env.driver.directMessages('u-files')).map((m) => m.text).join('\n')).toContain('Je export');
      const files = await env.driver.receivedFiles('u-files');
      const byName = new Map(files.map((file) => [file.name, file.bytes]));
      // The name is made safe: no spaces, never a path.
      expect(byName.get(safeFileName('Overleg 12 mei.ics'))?.toString('utf8')).toBe(ICS);
      expect(byName.get('passwd')).toEqual(Buffer.from(BINARY));
      expect(byName.get('export.json')?.toString('utf8')).toBe('{"naam":"Één"}');
      expect(files.map((file) => file.name)).not.toContain('../../etc/passwd');
    });

    it('leaves out a file over 8 MB and says so, without a crash', async () => {
      const seen = await env.driver.command('u-bigfile', '/toets groot');
      expect(all(seen)).toContain('Hier is het grote bestand.');
      expect(all(seen)).toContain('groot.json is groter dan 8 MB');
      expect(await env.driver.receivedFiles('u-bigfile')).toEqual([]);
    });

    it('a button answers with a form: prefilled, field errors next to the field, then a corrected submission', async () => {
      const asked = await env.driver.command('u-form', '/toets formulier');
      const button = asked.flatMap((m) => m.buttons).find((b) => b.actionId === 'toets.reden');
      expect(button, 'a button that opens the form').toBeDefined();
      await env.driver.press('u-form', button!);
      const shown = await env.driver.lastForm('u-form');
      expect(shown, 'the form').toBeDefined();
      expect(shown!.text).toContain('Reden van afwijzing');
      expect(shown!.text).toContain('Noem geen namen');
      expect(shown!.fields.find((f) => f.name === 'reden')?.value).toBe('Te laat');

      const refused = await env.driver.submitForm('u-form', shown!, { aantal: 'veel' });
      expect(refused.form, 'the form again, with the error').toBeDefined();
      const aantal = refused.form!.fields.find((f) => f.name === 'aantal');
      expect(aantal?.error).toMatch(/aantal/i);
      expect(refused.form!.fields.find((f) => f.name === 'reden')?.error).toBeUndefined();
      expect(all(refused.seen)).not.toContain('Ontvangen');

      const done = await env.driver.submitForm('u-form', refused.form!, { reden: 'Te laat ingediend', aantal: '3' });
      expect(all(done.seen)).toContain('Ontvangen R-7: Te laat ingediend (3)');
    });

    it('a mention pings a member with an account here, names one without, and leaves outsiders plain', async () => {
      const other = env.platform === 'slack' ? 'discord' : 'slack';
      await approveMember(env.testBot.services, env.platform, 'u-named', 'smn', 'Noor');
      await approveMember(env.testBot.services, other, 'elders', 'iot', 'Elif');
      const seen = await env.driver.command('u-asker', `/toets noem wie:${env.platform}=u-named,${other}=elders,${env.platform}=u-stranger`);
      const text = all(seen);
      const pinged = env.driver.pinged(seen);
      if (pinged) expect(pinged).toEqual(['u-named']);
      else expect(text).toContain('@u-named');
      expect(text).toContain('@Elif');
      expect(text).toContain('u-stranger');
      expect(text).not.toContain('@u-stranger');
    });

    // ── H3: DMs wherever the member is, /overzicht, preconditions ─────────────────────────────
    /** The platform the member also has an account on; it has no adapter in this test. */
    const otherPlatform = (): PlatformName => (env.platform === 'slack' ? 'discord' : 'slack');
    const noReply = () => ({ visibility: 'ephemeral' as const });
    let asker = 0;
    /** Someone asks to be linked: every coordinator and admin gets a DM about it. */
    const someoneAsks = async () => {
      await env.driver.command(`u-ask-${++asker}`, '/profiel koppel Kezban');
      await env.testBot.worker.drain();
    };
    /** Time passes for the other platform: whatever ran it stopped minutes ago. */
    const otherStoppedLongAgo = async () => {
      env.testBot.deliverers.delete(otherPlatform());
      await env.testBot.db.prisma.platformPresence.updateMany({ where: { platform: otherPlatform().toUpperCase() as 'SLACK' }, data: { seenAt: new Date(Date.now() - 10 * 60_000) } });
    };
    async function coordinator(userId: string, name: string, platforms: PlatformName[]) {
      const { services } = env.testBot;
      const admin = await services.members.resolve(env.platform, env.adminId);
      const member = await services.members.resolve(platforms[0]!, userId, name);
      for (const platform of platforms.slice(1)) {
        // As /profiel koppelcode here and /profiel account on the other platform would.
        const { code } = await services.accounts.createCode(member.id);
        await services.accounts.redeem(platform, `x-${userId}`, code);
      }
      await services.members.setRole({ platform: platforms[0]!, externalId: userId }, 'coordinator', admin.id, noReply);
      return member;
    }

    it('sends a member one DM, on the platform they chose, or on another of theirs when it does not run', async () => {
      const elsewhere: OutboxItem[] = [];
      env.testBot.deliverers.set(otherPlatform(), async (item) => void elsewhere.push(item));
      await coordinator('u-coord', 'Coco', [env.platform, otherPlatform()]);
      const kezbanHere = async () => (await env.driver.directMessages('u-coord')).filter((m) => m.text.includes('Stichting Kezban'));
      const kezbanElsewhere = () => elsewhere.filter((item) => item.target.ref === 'x-u-coord' && item.reply.text?.includes('Stichting Kezban'));

      expect(all(await env.driver.command('u-coord', `/profiel platform ${otherPlatform()}`))).toContain('voortaan op');
      await someoneAsks();
      expect(kezbanElsewhere()).toHaveLength(1);
      expect(await kezbanHere()).toHaveLength(0);

      await env.driver.command('u-coord', `/profiel platform ${env.platform}`);
      await someoneAsks();
      expect(await kezbanHere()).toHaveLength(1);
      expect(kezbanElsewhere()).toHaveLength(1);

      // The chosen platform stops running: the next DM comes here instead of waiting for it.
      await env.driver.command('u-coord', `/profiel platform ${otherPlatform()}`);
      await otherStoppedLongAgo();
      await someoneAsks();
      expect(await kezbanHere()).toHaveLength(2);
      expect(kezbanElsewhere()).toHaveLength(1);
    });

    it('marks a DM that none of the member’s platforms can take undeliverable, and shows admins', async () => {
      await otherStoppedLongAgo();
      await coordinator('u-away', 'Olga Afwezig', [otherPlatform()]);
      await someoneAsks();
      // Not given up at once: an instance running that platform might be starting.
      expect(all(await env.driver.command(env.adminId, '/profiel onbezorgd'))).not.toContain('Olga Afwezig');
      await env.testBot.db.prisma.outboxMessage.updateMany({ where: { status: 'PENDING' }, data: { createdAt: new Date(Date.now() - 2 * 60_000) } });
      await env.testBot.worker.drain();
      const shown = all(await env.driver.command(env.adminId, '/profiel onbezorgd'));
      expect(shown).toContain('Olga Afwezig');
      expect(shown).toContain(otherPlatform() === 'slack' ? 'Slack' : 'Discord');
      expect(all(await env.driver.command(env.adminId, '/profiel verzoeken'))).toContain('/profiel onbezorgd');
      expect(await env.testBot.db.prisma.outboxMessage.count({ where: { status: 'PENDING', member: { displayName: 'Olga Afwezig' } } })).toBe(0);
    });

    it('shows /overzicht with the member’s own sections, privately', async () => {
      await approveMember(env.testBot.services, env.platform, 'u-over', 'iot', 'Ilse');
      await env.driver.command('u-over', '/update plaats #beleid Beleidsnotitie over zelfbeschikking');
      const seen = await env.driver.command('u-over', '/overzicht');
      const text = all(seen);
      expect(text).toContain('Mijn profiel');
      expect(text).toContain('Mijn updates');
      expect(text).toContain('Beleidsnotitie over zelfbeschikking');
      if (env.driver.observesVisibility) expect(seen.every((m) => m.visibility === 'ephemeral')).toBe(true);
      const newcomer = all(await env.driver.command('u-fresh', '/overzicht'));
      expect(newcomer).toContain('Mijn profiel');
      expect(newcomer).toContain('/profiel koppel');
      expect(newcomer).not.toContain('Mijn updates');
    });

    it('refuses through a precondition in the person’s language, changing nothing', async () => {
      const name = otherPlatform() === 'slack' ? 'Slack' : 'Discord';
      expect(all(await env.driver.command('u-pref', `/profiel platform ${otherPlatform()}`))).toContain(`Je hebt geen account op ${name}`);
      await env.driver.command('u-pref', '/profiel taal en');
      expect(all(await env.driver.command('u-pref', `/profiel platform ${otherPlatform()}`))).toContain(`You have no ${name} account`);
      expect((await env.testBot.services.members.resolve(env.platform, 'u-pref')).preferredPlatform).toBeUndefined();
    });

    // H4: a private conversation between two members, relayed both ways on this platform.
    // H6: where the platform has a shared private place (a Slack group DM), they meet there:
    // one opening for both, and nothing is echoed into the place it was written in.
    it('relays a private conversation both ways, each participant on their own place (or both in a shared one)', async () => {
      const { services, db } = env.testBot;
      const amira = await services.members.resolve(env.platform, 'u-conv-a', 'Amira');
      const bram = await services.members.resolve(env.platform, 'u-conv-b', 'Bram');
      const subject = { type: 'proef', id: 'P-2026-0001' };
      const shared = env.driver.sharesConversationPlace;
      await services.conversations.open({ subject, participants: [amira.id, bram.id], title: 'Vraag over de regietafel' });
      const opened = async (userId: string) => (await env.driver.conversationMessages(userId)).find((m) => m.text.includes('Vraag over de regietafel'));
      const toAmira = await opened('u-conv-a');
      const toBram = await opened('u-conv-b');
      expect(toAmira, 'Amira was told about the conversation').toBeDefined();
      expect(toBram, 'Bram was told about the conversation').toBeDefined();
      // One message both of them see, in the one place they share.
      if (shared) expect(toBram!.ref).toEqual(toAmira!.ref);

      await env.driver.answerConversation('u-conv-a', toAmira!, subject.id, 'Wie zit de regietafel voor?');
      const bramSees = all(await env.driver.conversationMessages('u-conv-b'));
      // In a shared place Bram reads Amira there himself; the bot adds no copy.
      if (shared) expect(bramSees).not.toContain('Wie zit de regietafel voor?');
      else expect(bramSees).toContain('Wie zit de regietafel voor?');
      await env.driver.answerConversation('u-conv-b', toBram!, subject.id, 'De wethouder, sinds maart.');
      const amiraSees = await env.driver.conversationMessages('u-conv-a');
      if (!shared) expect(all(amiraSees)).toContain('De wethouder, sinds maart.');
      // Nobody gets their own message back.
      expect(amiraSees.filter((m) => m.text.includes('Wie zit de regietafel voor?'))).toHaveLength(0);

      const places = await db.prisma.thread.findMany({ where: { subjectType: subject.type, subjectId: subject.id } });
      expect(places).toHaveLength(shared ? 1 : 2);
      const stored = (await Promise.all(places.map((place) => services.threads.messages(place.id)))).flat().map((m) => m.text);
      expect(stored.sort()).toEqual(['De wethouder, sinds maart.', 'Wie zit de regietafel voor?']);
    });
  });
}
