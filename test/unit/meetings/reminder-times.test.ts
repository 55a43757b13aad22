// herinnering:"…" read into minutes before the start, and said back in Dutch and English.
import { describe, expect, it } from 'vitest';
import { translator } from '../../../src/core/i18n.ts';
import { describeReminderTimes, parseReminderTimes } from '../../../src/core/meetings/reminder-times.ts';

describe('reminder times', () => {
  it.each([
    ['24u,1u', [1440, 60]],
    ['1u, 24u', [1440, 60]],
    ['2 dagen en 30 min', [2880, 30]],
    ['1,5 uur', [90]],
    ['2d;15m', [2880, 15]],
    ['3 days and 1 hour', [4320, 60]],
    ['1u,1u', [60]],
    ['geen', []],
  ])('%s → %j', (typed, minutes) => {
    expect(parseReminderTimes(typed)).toEqual({ ok: true, minutes });
  });

  it.each([
    ['gisteren', { ok: false, reason: 'unparseable', part: 'gisteren' }],
    ['24', { ok: false, reason: 'unparseable', part: '24' }],
    ['1 min', { ok: false, reason: 'out-of-range' }],
    ['15 dagen', { ok: false, reason: 'out-of-range' }],
    ['1u,2u,3u,4u,5u', { ok: false, reason: 'too-many' }],
  ])('refuses %s', (typed, result) => {
    expect(parseReminderTimes(typed)).toEqual(result);
  });

  it('says them back', () => {
    expect(describeReminderTimes(translator('nl'), [2880, 60, 30])).toBe('2 dagen, 1 uur en 30 minuten voor het begin');
    expect(describeReminderTimes(translator('en'), [1440])).toBe('1 day before the start');
    expect(describeReminderTimes(translator('nl'), [])).toBe('geen');
  });
});
