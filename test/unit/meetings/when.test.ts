// Moments people type for a meeting, read in Europe/Amsterdam against a fixed "now". Expected
// moments are written with their UTC offset, so a wrong side of a DST change shows up.
import { describe, expect, it } from 'vitest';
import { parseWhen, type WhenResult } from '../../../src/core/meetings/when.ts';

const timezone = 'Europe/Amsterdam';
// Wednesday 24 March 2027, 10:00 (winter time); the clocks go forward on Sunday 28 March.
const spring = new Date('2027-03-24T10:00:00+01:00');
// Thursday 30 December 2027, 16:00: the year changes on Saturday.
const yearEnd = new Date('2027-12-30T16:00:00+01:00');
// Wednesday 27 October 2027, 12:00 (summer time); the clocks go back on Sunday 31 October.
const autumn = new Date('2027-10-27T12:00:00+02:00');

function when(text: string, now: Date): WhenResult {
  return parseWhen(text, { timezone, now });
}

type Row = [text: string, start: string, end?: string];

const springRows: Row[] = [
  // The cases chrono-node's Dutch parser gets wrong or misses (issue 11).
  ['vanavond om 8 uur', '2027-03-24T20:00+01:00'],
  ["8 uur 's avonds", '2027-03-24T20:00+01:00'],
  ['vanmiddag om 3 uur', '2027-03-24T15:00+01:00'],
  ['11u', '2027-03-24T11:00+01:00'],
  ['10u30', '2027-03-24T10:30+01:00'],
  ['om 19u', '2027-03-24T19:00+01:00'],
  ['19.30', '2027-03-24T19:30+01:00'],
  ['half drie', '2027-03-24T14:30+01:00'],
  ['kwart over 9', '2027-03-25T09:15+01:00'],
  ['kwart voor 4', '2027-03-24T15:45+01:00'],
  ['overmorgen 10:00', '2027-03-26T10:00+01:00'],
  ['overmorgen om half elf', '2027-03-26T10:30+01:00'],
  ['15-10 om 14:00', '2027-10-15T14:00+02:00'],
  ['2027-04-03T14:00', '2027-04-03T14:00+02:00'],
  ['3-4-2027 14:00', '2027-04-03T14:00+02:00'],
  ['3 april 14:00', '2027-04-03T14:00+02:00'],
  ['3 maart 14:00', '2028-03-03T14:00+01:00'],
  ['volgende week dinsdag 10:00', '2027-03-30T10:00+02:00'],
  ['dinsdag volgende week om 10 uur', '2027-03-30T10:00+02:00'],
  ['next Tuesday 2:30pm', '2027-03-30T14:30+02:00'],
  ['dinsdag half drie', '2027-03-30T14:30+02:00'],
  // Date-poll options ("di 14:00; wo 10u; do half drie"): short weekday names next to a time.
  ['di 14:00', '2027-03-30T14:00+02:00'],
  ['wo 10u', '2027-03-31T10:00+02:00'],
  ['do half drie', '2027-03-25T14:30+01:00'],
  // More Dutch clock phrases.
  ['tien over half vier', '2027-03-24T15:40+01:00'],
  ['vijf voor half drie', '2027-03-24T14:25+01:00'],
  ['om 3', '2027-03-24T15:00+01:00'],
  ['half een', '2027-03-24T12:30+01:00'],
  ['twaalf uur', '2027-03-24T12:00+01:00'],
  ['vijf over drie', '2027-03-24T15:05+01:00'],
  ['om 14 uur', '2027-03-24T14:00+01:00'],
  ['14.00u', '2027-03-24T14:00+01:00'],
  ["12 uur 's middags", '2027-03-24T12:00+01:00'],
  ["2 uur 's nachts", '2027-03-25T02:00+01:00'],
  ['07:00', '2027-03-25T07:00+01:00'],
  ['7:00', '2027-03-24T19:00+01:00'],
  ['middernacht', '2027-03-25T00:00+01:00'],
  ['om 10.30 uur', '2027-03-24T10:30+01:00'],
  ["om 9 uur 's ochtends", '2027-03-25T09:00+01:00'],
  ['morgen om 13.00 uur', '2027-03-25T13:00+01:00'],
  ['MORGEN 14:00', '2027-03-25T14:00+01:00'],
  // Day words and parts of the day.
  ['morgen om 10 uur', '2027-03-25T10:00+01:00'],
  ['morgen 9:30', '2027-03-25T09:30+01:00'],
  ['morgenavond om 19:00', '2027-03-25T19:00+01:00'],
  ['morgenavond om 7 uur', '2027-03-25T19:00+01:00'],
  ['morgenochtend om 9 uur', '2027-03-25T09:00+01:00'],
  ['vanochtend 11 uur', '2027-03-24T11:00+01:00'],
  ['vandaag 12:00', '2027-03-24T12:00+01:00'],
  ["dinsdag om 8 uur 's avonds", '2027-03-30T20:00+02:00'],
  ['dinsdagavond 8 uur', '2027-03-30T20:00+02:00'],
  ['vrijdagmiddag 3 uur', '2027-03-26T15:00+01:00'],
  ["vanavond om 8 uur 's avonds", '2027-03-24T20:00+01:00'],
  ['at 8 in the evening', '2027-03-24T20:00+01:00'],
  // Weekdays, across the spring change on Sunday 28 March.
  ['deze week vrijdag 10:00', '2027-03-26T10:00+01:00'],
  ['vrijdag 10:00', '2027-03-26T10:00+01:00'],
  ['vr 10:00', '2027-03-26T10:00+01:00'],
  ['aanstaande vrijdag 10 uur', '2027-03-26T10:00+01:00'],
  ['komende vrijdag om 10u', '2027-03-26T10:00+01:00'],
  ['woensdag 9:00', '2027-03-31T09:00+02:00'],
  ['woensdag 11:00', '2027-03-24T11:00+01:00'],
  ['zaterdag 11:00', '2027-03-27T11:00+01:00'],
  ['zondag 01:30', '2027-03-28T01:30+01:00'],
  ['zondag 03:30', '2027-03-28T03:30+02:00'],
  ['zondag 14:00', '2027-03-28T14:00+02:00'],
  ['zo 28 mrt 01:59', '2027-03-28T01:59+01:00'],
  ['28 maart 14:00', '2027-03-28T14:00+02:00'],
  ['maandag 10:00', '2027-03-29T10:00+02:00'],
  ['ma 29-3 10u', '2027-03-29T10:00+02:00'],
  ['wo 31 mrt 2027 14:30', '2027-03-31T14:30+02:00'],
  ['donderdag 1 april 19:30', '2027-04-01T19:30+02:00'],
  // Explicit dates.
  ['1 april om 9 uur', '2027-04-01T09:00+02:00'],
  ['op 15 oktober om 14:00', '2027-10-15T14:00+02:00'],
  ['21-09-2027 14:00', '2027-09-21T14:00+02:00'],
  ['21/9 14:00', '2027-09-21T14:00+02:00'],
  ['3.4.2027 14:00', '2027-04-03T14:00+02:00'],
  ['29 februari 10:00', '2028-02-29T10:00+01:00'],
  // Relative phrases, left to chrono.
  ['over 2 uur', '2027-03-24T12:00+01:00'],
  ['binnen 3 dagen om 10u', '2027-03-27T10:00+01:00'],
  ['over een week om 10 uur', '2027-03-31T10:00+02:00'],
  // Ranges.
  ['morgen 14:00-15:30', '2027-03-25T14:00+01:00', '2027-03-25T15:30+01:00'],
  ['14:00–15:30', '2027-03-24T14:00+01:00', '2027-03-24T15:30+01:00'],
  ['morgen van 14:00 tot 16:00', '2027-03-25T14:00+01:00', '2027-03-25T16:00+01:00'],
  ['dinsdag van 10 tot 12 uur', '2027-03-30T10:00+02:00', '2027-03-30T12:00+02:00'],
  ['van 9 tot 5', '2027-03-25T09:00+01:00', '2027-03-25T17:00+01:00'],
  ['morgen 10-12 uur', '2027-03-25T10:00+01:00', '2027-03-25T12:00+01:00'],
  ['morgen 10u30-12u', '2027-03-25T10:30+01:00', '2027-03-25T12:00+01:00'],
  ['2:30pm-3:30pm', '2027-03-24T14:30+01:00', '2027-03-24T15:30+01:00'],
  // English.
  ['in 2 hours', '2027-03-24T12:00+01:00'],
  ['tomorrow 2pm', '2027-03-25T14:00+01:00'],
  ['tomorrow at noon', '2027-03-25T12:00+01:00'],
  ['tonight at 8', '2027-03-24T20:00+01:00'],
  ['this afternoon at 3', '2027-03-24T15:00+01:00'],
  ['at 3', '2027-03-24T15:00+01:00'],
  ['half past two', '2027-03-24T14:30+01:00'],
  ['quarter to four', '2027-03-24T15:45+01:00'],
  ['quarter past 9', '2027-03-25T09:15+01:00'],
  ['Friday 10am', '2027-03-26T10:00+01:00'],
  ['March 3rd 2pm', '2028-03-03T14:00+01:00'],
  ['3 March 2028 at 10am', '2028-03-03T10:00+01:00'],
  ['April 1, 2027 9:00', '2027-04-01T09:00+02:00'],
];

const yearEndRows: Row[] = [
  ['morgen 10:00', '2027-12-31T10:00+01:00'],
  ['overmorgen 10:00', '2028-01-01T10:00+01:00'],
  ['maandag 10:00', '2028-01-03T10:00+01:00'],
  ['2 januari 14:00', '2028-01-02T14:00+01:00'],
  ['15 december 14:00', '2028-12-15T14:00+01:00'],
  ['30 december 17:00', '2027-12-30T17:00+01:00'],
  ['31-12 om 23:00', '2027-12-31T23:00+01:00'],
  ['1-1-2028 00:30', '2028-01-01T00:30+01:00'],
  ['volgende week dinsdag 9u', '2028-01-04T09:00+01:00'],
  ['half drie', '2027-12-31T14:30+01:00'],
  ['next Monday 9am', '2028-01-03T09:00+01:00'],
];

const autumnRows: Row[] = [
  ['zaterdag 10:00', '2027-10-30T10:00+02:00'],
  ['zondag 01:30', '2027-10-31T01:30+02:00'],
  ['zondag 03:30', '2027-10-31T03:30+01:00'],
  ['zondag 10:00', '2027-10-31T10:00+01:00'],
  ['maandag 10:00', '2027-11-01T10:00+01:00'],
  ['31 oktober 14:00-15:30', '2027-10-31T14:00+01:00', '2027-10-31T15:30+01:00'],
  ['volgende week woensdag 14:00', '2027-11-03T14:00+01:00'],
];

function expectMoment(result: WhenResult, start: string, end?: string): void {
  expect(result).toEqual({ ok: true, start: new Date(start), ...(end ? { end: new Date(end) } : {}) });
}

describe('typed meeting moments', () => {
  it('has at least 80 expressions in the table', () => {
    expect(springRows.length + yearEndRows.length + autumnRows.length).toBeGreaterThanOrEqual(80);
  });

  it.each(springRows)('reads %s before the spring change', (text, start, end) => expectMoment(when(text, spring), start, end));
  it.each(yearEndRows)('reads %s at the end of the year', (text, start, end) => expectMoment(when(text, yearEnd), start, end));
  it.each(autumnRows)('reads %s before the autumn change', (text, start, end) => expectMoment(when(text, autumn), start, end));
});

describe('refused meeting moments', () => {
  it.each([
    ['31 februari 14:00', 31, 2],
    ['30-2-2028 10:00', 30, 2],
    ['31 april 10u', 31, 4],
    ['29-2-2027 10:00', 29, 2],
  ])('%s does not exist', (text, day, month) => {
    expect(when(text, spring)).toMatchObject({ ok: false, reason: 'nonexistent-date', day, month });
  });

  it.each([
    ['2027-03-03T14:00', '2027-03-03T14:00+01:00'],
    ['3-3-2027 14:00', '2027-03-03T14:00+01:00'],
    ['vandaag 9:00', '2027-03-24T09:00+01:00'],
    ['vanochtend om 8 uur', '2027-03-24T08:00+01:00'],
    ['gisteren 10:00', '2027-03-23T10:00+01:00'],
    ['1 januari 2026 10:00', '2026-01-01T10:00+01:00'],
    ['24 maart 9:00', '2027-03-24T09:00+01:00'],
  ])('%s is in the past', (text, start) => {
    expect(when(text, spring)).toEqual({ ok: false, reason: 'past', start: new Date(start) });
  });

  it.each([
    ['morgen 15:00-14:00', '2027-03-25T15:00+01:00', '2027-03-25T14:00+01:00'],
    ['morgen 14:00 tot 13:00', '2027-03-25T14:00+01:00', '2027-03-25T13:00+01:00'],
    ['dinsdag 10:00-10:00', '2027-03-30T10:00+02:00', '2027-03-30T10:00+02:00'],
  ])('%s ends before it starts', (text, start, end) => {
    expect(when(text, spring)).toEqual({ ok: false, reason: 'end-before-start', start: new Date(start), end: new Date(end) });
  });

  it.each([
    '', 'zomaar iets', 'zo snel mogelijk', 'do je mee', 'do je mee om 3 uur', 'morgen', 'dinsdag', 'asdf 14:00',
    '25:00', '14:75', '13pm', `morgen 14:00 ${'x'.repeat(200)}`, 'morgen 3 maart 14:00', 'over 2 uur om 15:00', 'morgen 14:00 en 16:00', "vanavond om 8 uur 's ochtends",
  ])('%j is not understood', (text) => {
    expect(when(text, spring)).toEqual({ ok: false, reason: 'unparseable' });
  });

  it('names the real weekday when the typed one does not match the date', () => {
    expect(when('di 31 mrt 2027 14:30', spring)).toEqual({
      ok: false, reason: 'weekday-mismatch', date: new Date('2027-03-31T00:00+02:00'), typedWeekday: 2,
    });
  });

  it.each(['28 maart 02:30', 'zondag 02:30', '28-3-2027 02:00'])('%s does not exist: the clocks jump from 02:00 to 03:00', (text) => {
    const result = when(text, spring);
    expect(result).toMatchObject({ ok: false, reason: 'nonexistent-time' });
    // The suggestion is the same wall time an hour later, on summer time.
    const suggestion = (result as { suggestion: Date }).suggestion.toISOString();
    expect(['2027-03-28T01:30:00.000Z', '2027-03-28T01:00:00.000Z']).toContain(suggestion);
  });

  it.each(['31 oktober 02:30', 'zondag 02:30', '31-10-2027 02:30'])('%s happens twice: both moments are given to ask', (text) => {
    expect(when(text, autumn)).toEqual({
      ok: false, reason: 'ambiguous-time', candidates: [new Date('2027-10-31T02:30+02:00'), new Date('2027-10-31T02:30+01:00')],
    });
  });
});
