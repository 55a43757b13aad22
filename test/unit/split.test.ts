// Long replies are cut into parts that each fit a platform message, at the widest boundary that
// works (paragraph, line, word), with nothing lost or repeated and in reading order.
import { describe, expect, it } from 'vitest';
import { replyToPlainText, type Reply } from '../../src/core/framework/reply.ts';
import { chunks, splitReply } from '../../src/core/outbox/split.ts';

const limits = { maxChars: 100, maxSections: 3 };

describe('splitReply', () => {
  it('leaves a reply that fits alone', () => {
    const reply: Reply = { visibility: 'ephemeral', title: 'Kort', text: 'Past in één bericht.', buttons: [{ actionId: 'a.b', label: 'Ja' }] };
    expect(splitReply(reply, limits)).toEqual([reply]);
  });

  it('cuts on paragraphs, puts the title first and footer and buttons last, and loses no text', () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `Alinea ${i + 1} ${'woord '.repeat(6).trim()}`);
    const reply: Reply = { visibility: 'channel', title: 'Titel', text: paragraphs.join('\n\n'), footer: 'Bron', buttons: [{ actionId: 'a.b', label: 'Ja' }], discussion: { subjectType: 'update', subjectId: '1' } };
    const parts = splitReply(reply, limits);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts[0]!.title).toBe('Titel');
    expect(parts[0]!.discussion).toEqual({ subjectType: 'update', subjectId: '1' });
    expect(parts.slice(1).every((part) => !part.title && !part.discussion)).toBe(true);
    expect(parts.at(-1)!.buttons).toHaveLength(1);
    expect(parts.at(-1)!.footer).toBe('Bron');
    expect(parts.slice(0, -1).every((part) => !part.buttons && !part.footer)).toBe(true);
    for (const part of parts) expect(replyToPlainText(part).length).toBeLessThanOrEqual(limits.maxChars + 2);
    // Every paragraph whole, once, in order.
    expect(parts.flatMap((part) => (part.text ?? '').split('\n\n'))).toEqual(paragraphs);
  });

  it('spreads sections over parts within the section limit', () => {
    const sections = Array.from({ length: 7 }, (_, i) => ({ title: `Deel ${i + 1}`, text: 'tekst' }));
    const parts = splitReply({ visibility: 'ephemeral', sections }, limits);
    expect(parts.every((part) => (part.sections?.length ?? 0) <= 3)).toBe(true);
    expect(parts.flatMap((part) => part.sections ?? [])).toEqual(sections);
  });
});

describe('chunks', () => {
  it('falls back from paragraphs to lines to words, and cuts a word only when nothing else fits', () => {
    expect(chunks('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(chunks('een\ntwee\ndrie', 8)).toEqual(['een\ntwee', 'drie']);
    expect(chunks('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
    // Never between the halves of an emoji.
    expect(chunks('ab😀cd', 3).join('')).toBe('ab😀cd');
    expect(chunks('ab😀cd', 3).every((piece) => !/[\ud800-\udbff]$/.test(piece))).toBe(true);
  });
});
