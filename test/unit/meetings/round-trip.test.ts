// What the bot shows back ("wo 3 mrt 2027, 14:30–16:00") reads back as the same meeting, so an
// organiser can copy it into "Aanpassen" and change one part. Checked over many random moments.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatMeetingSpan, formatMoment } from '../../../src/core/meetings/format.ts';
import { instant, parseWhen } from '../../../src/core/meetings/when.ts';

const timezone = 'Europe/Amsterdam';
const now = new Date('2027-01-01T00:00:00+01:00');

// Wall-clock moments from 2027 to 2030, on whole quarter hours, that exist exactly once.
const moments = fc
  .record({
    year: fc.integer({ min: 2027, max: 2030 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 22 }),
    quarter: fc.integer({ min: 0, max: 3 }),
    length: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ year, month, day, hour, quarter, length }) => ({ wall: { year, month, day, hour, minute: quarter * 15 }, length }))
  .filter(({ wall }) => instant(wall, wall, timezone).ok && DateTime.fromObject(wall, { zone: timezone }) > DateTime.fromJSDate(now));

describe('shown-back times read back', () => {
  for (const locale of ['nl', 'en'] as const) {
    it(`reads its own ${locale} moments and spans`, () => {
      fc.assert(
        fc.property(moments, ({ wall, length }) => {
          const start = DateTime.fromObject(wall, { zone: timezone }).toJSDate();
          const end = new Date(start.getTime() + length * 15 * 60_000);
          const sameDay = DateTime.fromJSDate(end).setZone(timezone).day === wall.day;
          expect(parseWhen(formatMoment(start, locale, timezone), { timezone, now, locale })).toEqual({ ok: true, start });
          if (sameDay) {
            expect(parseWhen(formatMeetingSpan(start, end, locale, timezone), { timezone, now, locale })).toEqual({ ok: true, start, end });
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it('reads numeric dates with a year for every existing moment', () => {
    fc.assert(
      fc.property(moments, ({ wall: m }) => {
        const pad = (n: number) => String(n).padStart(2, '0');
        const text = `${m.day}-${m.month}-${m.year} ${pad(m.hour)}:${pad(m.minute)}`;
        const start = DateTime.fromObject(m, { zone: timezone }).toJSDate();
        expect(parseWhen(text, { timezone, now })).toEqual({ ok: true, start });
      }),
      { numRuns: 300 },
    );
  });
});
