// /privacy says what is stored, why, how long and who sees it; the README's Privacy section is
// the same text, in Dutch and in English. Regenerate it with `npx tsx scripts/privacy-readme.ts`.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Requester } from '../../src/core/bot.ts';
import { replyToPlainText } from '../../src/core/framework/reply.ts';
import { translator } from '../../src/core/i18n.ts';
import { PrivacyRegistry } from '../../src/core/privacy/parts.ts';
import { registerAllParts } from '../../src/core/privacy/all-parts.ts';
import { privacyStatement, statementMarkdown } from '../../src/core/privacy/statement.ts';
import { readmeBlock } from '../../src/core/privacy/readme.ts';
import { createTestBot, type TestBot } from '../support/bot.ts';

const person = (userId: string): Requester => ({ platform: 'console', userId, displayName: userId });

describe('the privacy statement', () => {
  let env: TestBot;
  beforeAll(async () => {
    env = await createTestBot();
  }, 120_000);
  afterAll(() => env?.close());

  it('is what the README says, in Dutch and English', () => {
    const registry = new PrivacyRegistry();
    registerAllParts(registry);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const locale of ['nl', 'en'] as const) {
      const expected = statementMarkdown(privacyStatement(translator(locale), registry));
      expect(readmeBlock(readme, locale), `README ${locale}: run npx tsx scripts/privacy-readme.ts`).toBe(expected);
    }
  });

  it('answers /privacy with what, why, how long, who, and the rights, in the person’s language', async () => {
    const nl = await env.bot.handleText({ requester: person('ayse'), place: { platform: 'console' }, command: 'privacy', text: '' });
    const text = nl.kind === 'reply' ? replyToPlainText(nl.reply) : '';
    for (const part of ['Wat we bewaren', 'Waarom', 'Hoe lang', 'Wie het kan zien', 'Je rechten', 'Auditlog: 24 maanden', '/privacy export', 'Gekoppelde accounts']) {
      expect(text).toContain(part);
    }
    await env.bot.handleText({ requester: person('ayse'), place: { platform: 'console' }, command: 'profiel', text: 'taal en' });
    const en = await env.bot.handleText({ requester: person('ayse'), place: { platform: 'console' }, command: 'privacy', text: 'uitleg' });
    expect(en.kind === 'reply' ? replyToPlainText(en.reply) : '').toContain('Who can see it');
  });

  it('names the retention periods in force when the operator changed them (RETENTION_*)', async () => {
    const changed = await createTestBot({ settings: { retentionDays: { advice: 30, audit: 365, sent: 7 } } });
    try {
      const reply = await changed.bot.handleText({ requester: person('ayse'), place: { platform: 'console' }, command: 'privacy', text: '' });
      const text = reply.kind === 'reply' ? replyToPlainText(reply.reply) : '';
      for (const line of ['Afgesloten adviesvragen met hun gesprek: 30 dagen', 'Auditlog: 12 maanden', 'de rest 7 dagen', 'Verslagen van verstuurde digests: 3 maanden']) expect(text).toContain(line);
      expect(text).not.toContain('24 maanden');
    } finally {
      await changed.close();
    }
  }, 120_000);
});
