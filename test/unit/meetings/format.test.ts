import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/core/meetings/duration.ts';
import {
  describeDurationFailure, describeWhenFailure, formatMeetingSpan, formatMoment, formatMomentWithClock, whenExamples,
} from '../../../src/core/meetings/format.ts';
import { parseWhen } from '../../../src/core/meetings/when.ts';

const tz = 'Europe/Amsterdam';
const now = new Date('2027-03-24T10:00:00+01:00');

describe('meeting times shown back', () => {
  it('writes a span in Dutch as "wo 3 mrt 2027, 14:30–16:00" and in English with English names', () => {
    const start = new Date('2027-03-03T14:30+01:00');
    const end = new Date('2027-03-03T16:00+01:00');
    expect(formatMeetingSpan(start, end, 'nl', tz)).toBe('wo 3 mrt 2027, 14:30–16:00');
    expect(formatMeetingSpan(start, end, 'en', tz)).toBe('Wed 3 Mar 2027, 14:30–16:00');
  });

  it('shows Amsterdam time whatever the instant, on both sides of a DST change', () => {
    expect(formatMoment(new Date('2027-03-29T08:00:00Z'), 'nl', tz)).toBe('ma 29 mrt 2027, 10:00');
    expect(formatMoment(new Date('2027-03-26T09:00:00Z'), 'nl', tz)).toBe('vr 26 mrt 2027, 10:00');
    expect(formatMoment(new Date('2027-10-31T23:30:00Z'), 'nl', tz)).toBe('ma 1 nov 2027, 00:30');
  });

  it('names both days for a meeting past midnight', () => {
    const span = formatMeetingSpan(new Date('2027-12-31T23:00+01:00'), new Date('2028-01-01T01:00+01:00'), 'nl', tz);
    expect(span).toBe('vr 31 dec 2027, 23:00 – za 1 jan 2028, 01:00');
  });

  it('tells the two 02:30s of the autumn change apart', () => {
    expect(formatMomentWithClock(new Date('2027-10-31T02:30+02:00'), 'nl', tz)).toBe('zo 31 okt 2027, 02:30 (zomertijd)');
    expect(formatMomentWithClock(new Date('2027-10-31T02:30+01:00'), 'nl', tz)).toBe('zo 31 okt 2027, 02:30 (wintertijd)');
    expect(formatMomentWithClock(new Date('2027-10-31T02:30+01:00'), 'en', tz)).toBe('Sun 31 Oct 2027, 02:30 (winter time)');
  });
});

describe('messages for refused moments', () => {
  const message = (text: string, locale: 'nl' | 'en', at = now) => {
    const result = parseWhen(text, { timezone: tz, now: at });
    if (result.ok) throw new Error(`${text} was accepted`);
    return describeWhenFailure(result, locale, tz);
  };

  it('gives three examples that work, in both languages', () => {
    for (const locale of ['nl', 'en'] as const) {
      const examples = whenExamples(locale);
      expect(examples).toHaveLength(3);
      for (const example of examples) {
        expect(parseWhen(example, { timezone: tz, now }).ok, example).toBe(true);
        expect(message('zomaar iets', locale)).toContain(`"${example}"`);
      }
    }
  });

  it('says what is wrong with the moment', () => {
    expect(message('gisteren 10:00', 'nl')).toBe('di 23 mrt 2027, 10:00 is al voorbij. Kies een tijdstip in de toekomst.');
    expect(message('31 februari 14:00', 'nl')).toBe('31-2 bestaat niet als datum.');
    expect(message('31 februari 14:00', 'en')).toBe('31/2 is not a date.');
    expect(message('morgen 15:00-14:00', 'nl')).toContain('(do 25 mrt 2027, 14:00)');
    expect(message('di 31 mrt 2027 14:30', 'nl')).toContain('wo 31 mrt 2027');
    expect(message('28 maart 02:30', 'nl')).toContain('Bedoel je zo 28 mrt 2027, 03:30?');
    expect(message('31 oktober 02:30', 'nl', new Date('2027-10-27T12:00+02:00'))).toContain(
      'zo 31 okt 2027, 02:30 (zomertijd) of zo 31 okt 2027, 02:30 (wintertijd)?',
    );
  });

  it('explains a refused duration and stays silent on an accepted one', () => {
    expect(describeDurationFailure(parseDuration('lang'), 'nl')).toContain('1u30');
    expect(describeDurationFailure(parseDuration('20 uur'), 'en')).toContain('12 hours');
    expect(describeDurationFailure(parseDuration('90'), 'nl')).toBeUndefined();
  });
});
