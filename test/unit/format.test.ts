import { describe, expect, it } from 'vitest';
import { createFormatter } from '../../src/core/format.ts';

describe('dates shown to people', () => {
  it('are Dutch and in Amsterdam time, summer and winter', () => {
    const nl = createFormatter('nl', 'Europe/Amsterdam');
    expect(nl.dateTime(new Date('2026-11-28T17:00:00Z'))).toBe('za 28 nov 2026 om 18:00');
    expect(nl.dateTime(new Date('2027-07-01T08:30:00Z'))).toBe('do 1 jul 2027 om 10:30');
    expect(nl.time(new Date('2027-07-01T08:30:00Z'))).toBe('10:30');
  });

  it('are English for people who chose English', () => {
    expect(createFormatter('en', 'Europe/Amsterdam').dateTime(new Date('2026-11-28T17:00:00Z'))).toBe('Sat 28 Nov 2026 at 18:00');
  });
});
