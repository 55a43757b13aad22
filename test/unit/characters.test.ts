// What people see of a text: invisible-only text is empty, lengths in characters as people
// count them, control characters refused — through the option schemas every platform uses.
import { describe, expect, it } from 'vitest';
import { graphemeLength, isBlank } from '../../src/core/framework/characters.ts';
import { string } from '../../src/core/framework/options.ts';

describe('characters', () => {
  it('treats text of only invisible characters as blank', () => {
    for (const text of ['', ' ', '\u200B', '\u200B\u200C\u200D', '\u202E', '\u202A\u202C', '\u2060\u2061\u2064', '\uFEFF', '\u00AD', '\u3164', '\u2800', '\u00A0\u3000\t\n']) {
      expect(isBlank(text), JSON.stringify(text)).toBe(true);
    }
    for (const text of ['a', '\u200Ba', '😀', '\u0301']) expect(isBlank(text), JSON.stringify(text)).toBe(false);
  });

  it('counts grapheme clusters, not UTF-16 code units', () => {
    expect(graphemeLength('😀'.repeat(1001))).toBe(1001);
    expect(graphemeLength('👩‍👩‍👧')).toBe(1);
    expect(graphemeLength('e\u0301')).toBe(1);
    expect(graphemeLength('🏴󠁧󠁢󠁳󠁣󠁴󠁿')).toBe(1);
    expect(graphemeLength('a\r\nb')).toBe(3);
    expect(graphemeLength('😀'.repeat(10_000), 5)).toBe(6);
  });

  it('makes a required text of invisible characters missing, an optional one absent', () => {
    const required = string({ required: true, maxLength: 10 });
    const optional = string({ maxLength: 10 });
    expect(required.schema.safeParse('\u200B\u202E').success).toBe(false);
    expect(optional.schema.safeParse('\u200B\uFEFF')).toEqual({ success: true, data: undefined });
    expect(required.schema.safeParse('\u200BHallo\u200B')).toEqual({ success: true, data: 'Hallo' });
  });

  it('limits lengths in characters: ten emoji fit in ten', () => {
    const ten = string({ required: true, maxLength: 10 });
    expect(ten.schema.safeParse('😀'.repeat(10)).success).toBe(true);
    expect(ten.schema.safeParse('😀'.repeat(11)).success).toBe(false);
  });

  it('refuses NUL, escape and DEL; long text keeps tabs and line breaks, one-line text gets spaces', () => {
    const long = string({ required: true, long: true });
    const short = string({ required: true });
    for (const bad of ['a\u0000b', 'a\u001Bb', 'a\u007Fb', 'a\u0085b']) expect(long.schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(long.schema.safeParse('regel 1\n\tregel 2')).toEqual({ success: true, data: 'regel 1\n\tregel 2' });
    expect(short.schema.safeParse('Den\nHaag')).toEqual({ success: true, data: 'Den Haag' });
  });
});
