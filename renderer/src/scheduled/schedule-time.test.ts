import { describe, expect, it } from 'vitest';
import {
  checkScheduleTime,
  lateScheduleLabel,
  parseLocalInputValue,
  toLocalInputValue,
  tomorrowMorning,
} from './schedule-time.ts';

const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min);

describe('[§4a] when a message written for later goes', () => {
  it('"tomorrow morning" is 9:00 the next day in the user’s time zone, across a month’s end', () => {
    expect(tomorrowMorning(at(2025, 1, 31, 23, 50))).toEqual(at(2025, 2, 1, 9));
    expect(tomorrowMorning(at(2025, 3, 10, 6))).toEqual(at(2025, 3, 11, 9));
  });

  it('reads a date-time field in the user’s time zone, and refuses what is no date', () => {
    const time = at(2025, 6, 1, 14, 5);
    expect(toLocalInputValue(time)).toBe('2025-06-01T14:05');
    expect(parseLocalInputValue('2025-06-01T14:05')).toEqual(time);
    expect(parseLocalInputValue('2025-02-30T10:00')).toBeNull();
    expect(parseLocalInputValue('tomorrow')).toBeNull();
  });

  it('takes only a time in the future, at most a year ahead', () => {
    const now = at(2025, 6, 1, 12);
    expect(checkScheduleTime('', now)).toEqual({
      isValid: false,
      reason: 'Choose a date and time.',
    });
    expect(checkScheduleTime('2025-06-01T12:00', now)).toEqual({
      isValid: false,
      reason: 'Choose a time in the future.',
    });
    expect(checkScheduleTime('2025-06-01T12:01', now)).toEqual({
      isValid: true,
      dueAt: at(2025, 6, 1, 12, 1),
    });
    expect(checkScheduleTime('2026-06-01T12:00', now)).toMatchObject({ isValid: true });
    expect(checkScheduleTime('2026-06-01T12:01', now)).toEqual({
      isValid: false,
      reason: 'Choose a time within a year from now.',
    });
  });

  it('says "Scheduled for" only on a message the server sent late', () => {
    const due = at(2025, 6, 1, 9);
    const message = (sentMs: number) => ({
      createdAt: new Date(due.getTime() + sentMs).toISOString(),
      scheduledFor: due.toISOString(),
    });
    expect(lateScheduleLabel(message(1000), 'en-GB')).toBeNull();
    expect(lateScheduleLabel(message(20 * 60_000), 'en-GB')).toMatch(/^Scheduled for 0?9:00$/);
    expect(lateScheduleLabel(message(26 * 3_600_000), 'en-GB')).toMatch(
      /^Scheduled for Sun,? 1 Jun at 0?9:00$/,
    );
    expect(lateScheduleLabel({ createdAt: due.toISOString(), scheduledFor: null })).toBeNull();
  });
});
