import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../../src/core/calendar/working-time.ts';

const zone = 'Europe/Amsterdam';
const at = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const show = (d: Date) => DateTime.fromJSDate(d).setZone(zone).toFormat("ccc yyyy-MM-dd HH:mm");
const calendar = new WorkingCalendar();

describe('Dutch public holidays', () => {
  it('knows Koningsdag, also when 27 April is a Sunday (then the 26th)', () => {
    expect(calendar.holidayName(at('2027-04-27T12:00'))).toBe('Koningsdag');
    expect(calendar.holidayName(at('2027-04-27T12:00'), 'en')).toBe("King's Day");
    expect(calendar.holidayName(at('2025-04-26T12:00'))).toBe('Koningsdag');
    expect(calendar.isHoliday(at('2025-04-27T12:00'))).toBe(false);
  });

  it('follows Easter: Tweede paasdag and Hemelvaart move every year', () => {
    expect(calendar.isWorkingDay(at('2027-03-29T10:00'))).toBe(false);
    expect(calendar.isWorkingDay(at('2028-04-17T10:00'))).toBe(false);
    expect(calendar.isWorkingDay(at('2027-05-06T10:00'))).toBe(false);
    expect(calendar.isWorkingDay(at('2028-05-25T10:00'))).toBe(false);
  });

  it('counts Goede Vrijdag and Bevrijdingsdag (outside lustrum years) as working days', () => {
    expect(calendar.isWorkingDay(at('2027-03-26T10:00'))).toBe(true);
    expect(calendar.isWorkingDay(at('2027-05-05T10:00'))).toBe(true);
  });

  it('reads the local date: 23:30 on 26 April in Amsterdam is not yet Koningsdag', () => {
    expect(calendar.isHoliday(at('2027-04-26T23:30'))).toBe(false);
    expect(calendar.isHoliday(at('2027-04-27T00:30'))).toBe(true);
  });

  it('moves a weekend or holiday to the next working day, keeping the time', () => {
    expect(calendar.onWorkingDay(at('2027-04-24T09:00')).toFormat('ccc yyyy-MM-dd HH:mm')).toBe('Mon 2027-04-26 09:00');
    expect(calendar.onWorkingDay(at('2027-04-27T09:00')).toFormat('ccc yyyy-MM-dd HH:mm')).toBe('Wed 2027-04-28 09:00');
    expect(calendar.onWorkingDay(at('2027-12-24T09:00')).toFormat('yyyy-MM-dd')).toBe('2027-12-24');
    expect(calendar.onWorkingDay(at('2027-12-25T09:00')).toFormat('yyyy-MM-dd')).toBe('2027-12-27');
  });
});

describe('adding working time', () => {
  it('keeps within the day when there is room', () => {
    expect(show(calendar.addWorkingMinutes(at('2027-03-03T10:00'), 240))).toBe('Wed 2027-03-03 14:00');
  });

  it('starts at 09:00 when asked before the day begins, and the next day when asked after 17:00', () => {
    expect(show(calendar.addWorkingMinutes(at('2027-03-03T07:15'), 60))).toBe('Wed 2027-03-03 10:00');
    expect(show(calendar.addWorkingMinutes(at('2027-03-03T18:00'), 60))).toBe('Thu 2027-03-04 10:00');
  });

  it('skips the weekend: 4 working hours from Friday 15:00 end Monday 11:00', () => {
    expect(show(calendar.addWorkingMinutes(at('2027-03-05T15:00'), 240))).toBe('Mon 2027-03-08 11:00');
  });

  it('skips Koningsdag and the weekend: 2 working days from Friday 23 April 2027 14:00', () => {
    // Fri 14–17 (3 h), Mon 26 (8 h), Tue 27 Koningsdag, Wed 28 09–14 (5 h) = 16 h.
    expect(show(calendar.addWorkingMinutes(at('2027-04-23T14:00'), 16 * 60))).toBe('Wed 2027-04-28 14:00');
  });

  it('counts local hours across the DST changes (and skips Tweede paasdag after the spring one)', () => {
    expect(show(calendar.addWorkingMinutes(at('2027-03-26T16:00'), 120))).toBe('Tue 2027-03-30 10:00');
    expect(show(calendar.addWorkingMinutes(at('2027-10-29T16:00'), 120))).toBe('Mon 2027-11-01 10:00');
  });

  it('refuses negative or endless amounts', () => {
    expect(() => calendar.addWorkingMinutes(at('2027-03-03T10:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingMinutes(at('2027-03-03T10:00'), Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('working time between two moments', () => {
  it('counts only working hours', () => {
    expect(calendar.workingMinutesBetween(at('2027-03-05T15:00'), at('2027-03-08T11:00'))).toBe(240);
    expect(calendar.workingMinutesBetween(at('2027-03-06T10:00'), at('2027-03-07T16:00'))).toBe(0);
    expect(calendar.workingMinutesBetween(at('2027-04-26T16:00'), at('2027-04-28T10:00'))).toBe(120);
  });

  it('is 0 when the end is not after the start', () => {
    expect(calendar.workingMinutesBetween(at('2027-03-08T11:00'), at('2027-03-05T15:00'))).toBe(0);
  });

  it('is the inverse of adding working time', () => {
    const from = at('2027-04-22T13:37');
    for (const minutes of [0, 1, 59, 480, 481, 16 * 60, 40 * 60 + 7]) {
      expect(calendar.workingMinutesBetween(from, calendar.addWorkingMinutes(from, minutes))).toBe(minutes);
    }
  });

  it('takes other hours when configured', () => {
    const late = new WorkingCalendar({ startHour: 8, endHour: 18 });
    expect(late.workingMinutesBetween(at('2027-03-03T07:00'), at('2027-03-03T19:00'))).toBe(600);
    expect(() => new WorkingCalendar({ startHour: 17, endHour: 9 })).toThrow();
  });
});
