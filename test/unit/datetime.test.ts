import { describe, expect, it } from 'vitest';
import { parseDateTime } from '../../src/core/framework/datetime.ts';

// Saturday 28 November 2026, 18:00 in Amsterdam (UTC+1).
const env = { timezone: 'Europe/Amsterdam', now: new Date('2026-11-28T17:00:00Z'), locale: 'nl' as const };

describe('dates and times typed in chat', () => {
  it.each([
    ['morgen 14:00', '2026-11-29T13:00:00.000Z'],
    ['morgen om 14:00', '2026-11-29T13:00:00.000Z'],
    ['3 december 10:00', '2026-12-03T09:00:00.000Z'],
    ['vrijdag 9 uur', '2026-12-04T08:00:00.000Z'],
    ['2026-12-03 14:00', '2026-12-03T13:00:00.000Z'],
    ['3-12-2026 14:00', '2026-12-03T13:00:00.000Z'],
    ['tomorrow 2pm', '2026-11-29T13:00:00.000Z'],
  ])('reads %s in Europe/Amsterdam', (text, iso) => {
    expect(parseDateTime(text, env)?.toISOString()).toBe(iso);
  });

  it('keeps 10:00 local across the spring daylight-saving change', () => {
    expect(parseDateTime('29 maart 2027 10:00', env)?.toISOString()).toBe('2027-03-29T08:00:00.000Z');
    expect(parseDateTime('26 maart 2027 10:00', env)?.toISOString()).toBe('2027-03-26T09:00:00.000Z');
  });

  it('refuses words without a time, rather than guessing one', () => {
    expect(parseDateTime('morgen', env)).toBeUndefined();
    expect(parseDateTime('zomaar iets', env)).toBeUndefined();
  });
});
