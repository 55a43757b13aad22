import { describe, expect, it } from 'vitest';
import { meetingEnd, parseDuration } from '../../../src/core/meetings/duration.ts';

describe('meeting durations', () => {
  it.each([
    ['90', 90], ['90 min', 90], ['90 minuten', 90], ['45min', 45], ['1u30', 90], ['1u', 60], ['1h30', 90], ['1h', 60],
    ['1,5 uur', 90], ['1.5 uur', 90], ['1,25 uur', 75], ['2 uur', 120], ['2uur', 120], ['1 uur 30', 90],
    ['1 uur en 30 minuten', 90], ['1:30', 90], ['anderhalf uur', 90], ['een half uur', 30], ['half uur', 30],
    ['een kwartier', 15], ['een uur', 60], ['2 hours', 120], ['1.5 hours', 90], ['30 minutes', 30], ['an hour', 60],
    ['  2 UUR ', 120],
  ])('%j is %i minutes', (text, minutes) => {
    expect(parseDuration(text)).toEqual({ ok: true, minutes });
  });

  it('is an hour when nothing is typed', () => {
    expect(parseDuration(undefined)).toEqual({ ok: true, minutes: 60 });
    expect(parseDuration('  ')).toEqual({ ok: true, minutes: 60 });
  });

  it.each(['lang', '1u70', '1:75', '1u70x', 'twee uur', '-30', '1,5', 'uur'])('%j is not understood', (text) => {
    expect(parseDuration(text)).toEqual({ ok: false, reason: 'unparseable' });
  });

  it.each([['0', 0], ['3 min', 3], ['13 uur', 780], ['2000', 2000]])('%j is outside 5 minutes to 12 hours', (text, minutes) => {
    expect(parseDuration(text)).toEqual({ ok: false, reason: 'out-of-range', minutes });
  });
});

describe('the end of a meeting', () => {
  const start = new Date('2027-03-27T14:00+01:00');

  it('is the typed end when there is one, else the start plus the duration', () => {
    expect(meetingEnd(start, new Date('2027-03-27T15:30+01:00'), 120)).toEqual(new Date('2027-03-27T15:30+01:00'));
    expect(meetingEnd(start, undefined, 90)).toEqual(new Date('2027-03-27T15:30+01:00'));
    expect(meetingEnd(start, undefined)).toEqual(new Date('2027-03-27T15:00+01:00'));
  });

  it('counts real minutes across the spring change: 01:30 plus an hour is 03:30 summer time', () => {
    expect(meetingEnd(new Date('2027-03-28T01:30+01:00'), undefined, 60)).toEqual(new Date('2027-03-28T03:30+02:00'));
  });
});
