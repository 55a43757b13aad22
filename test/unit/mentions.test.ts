// Mention tokens: only the bot's own become pings. Typed text that imitates a token loses its
// delimiters when it is read as an option value, so it renders as the characters typed.
import { describe, expect, it } from 'vitest';
import { toMrkdwn } from '../../src/adapters/slack/render.ts';
import { renderReply } from '../../src/adapters/discord/render.ts';
import { validateInput } from '../../src/core/framework/validate.ts';
import { string } from '../../src/core/framework/options.ts';
import { plainText } from '../../src/core/framework/reply.ts';
import { translator } from '../../src/core/i18n.ts';
import { accountToken, memberToken } from '../../src/core/mentions-text.ts';
import { safeFileName } from '../../src/core/framework/files.ts';

const env = { timezone: 'Europe/Amsterdam', now: new Date(), locale: 'nl' as const, platform: 'slack' as const };

describe('mention tokens', () => {
  it('render as a Slack ping and as @name in plain text', () => {
    const text = `Vraag het ${accountToken('U123', 'Noor')}`;
    expect(toMrkdwn(text)).toBe('Vraag het <@U123>');
    expect(plainText(text)).toBe('Vraag het @Noor');
    expect(plainText(`Dank ${memberToken('m-1', 'Noor')}`)).toBe('Dank Noor');
  });

  it('ping on Discord only through the content and allowed_mentions of the reply itself', () => {
    const { messages } = renderReply({ visibility: 'ephemeral', text: `Hoi ${accountToken('42', 'Noor')}` }, { more: '…' });
    expect(messages[0]!.content).toBe('<@42>');
    expect(messages[0]!.allowed_mentions).toEqual({ parse: [], users: ['42'] });
    expect(messages[0]!.embeds[0]!.description).toBe('Hoi <@42>');
  });

  it('cannot be forged in typed input', () => {
    const forged = `Kijk ${accountToken('UBOSS', 'baas')} <!channel>`;
    const checked = validateInput({ options: { tekst: string({ required: true }) }, access: 'everyone', run: async () => ({ visibility: 'ephemeral' }) }, { tekst: forged }, env, translator('nl'));
    expect(checked.ok).toBe(true);
    const text = (checked as unknown as { input: { tekst: string } }).input.tekst;
    expect(text).not.toMatch(/[\uE000\uE001]/);
    // Rendered, it pings nobody: no <@…>, and Slack's broadcast stays escaped.
    expect(toMrkdwn(text)).not.toContain('<@');
    expect(toMrkdwn(text)).toContain('&lt;!channel&gt;');
    expect(renderReply({ visibility: 'ephemeral', text }, { more: '…' }).messages[0]!.allowed_mentions).toEqual({ parse: [] });
  });
});

describe('file names', () => {
  it('are safe: the last path part, no spaces or odd characters, never empty', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\x\\Overleg 12 mei.ics')).toBe('Overleg-12-mei.ics');
    expect(safeFileName('.verborgen')).toBe('verborgen');
    expect(safeFileName('Één café.json')).toBe('Een-cafe.json');
    expect(safeFileName('../..')).toBe('bestand');
    expect(safeFileName('x'.repeat(300) + '.ics').length).toBeLessThanOrEqual(100);
  });
});
