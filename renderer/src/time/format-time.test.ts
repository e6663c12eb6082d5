import { describe, expect, it } from 'vitest';
import { formatDayLabel } from './format-time.ts';

// Wednesday 12 March 2025, noon, local time.
const now = new Date(2025, 2, 12, 12, 0);
const daysAgo = (days: number, hour = 9) => new Date(2025, 2, 12 - days, hour).toISOString();

describe('formatDayLabel (date separators)', () => {
  it('reads Today and Yesterday by calendar day, not by 24 hours', () => {
    expect(formatDayLabel(daysAgo(0, 0), now, 'en-US')).toBe('Today');
    expect(formatDayLabel(new Date(2025, 2, 11, 23, 59).toISOString(), now, 'en-US')).toBe(
      'Yesterday',
    );
  });

  it('names the weekday for the rest of the last week', () => {
    expect([2, 3, 4, 5, 6].map((d) => formatDayLabel(daysAgo(d), now, 'en-US'))).toEqual([
      'Monday',
      'Sunday',
      'Saturday',
      'Friday',
      'Thursday',
    ]);
  });

  it('gives the date from a week back, with the year only when it is not this year', () => {
    expect(formatDayLabel(daysAgo(7), now, 'en-US')).toBe('March 5');
    expect(formatDayLabel(new Date(2024, 11, 31, 9).toISOString(), now, 'en-US')).toBe(
      'December 31, 2024',
    );
  });

  it('speaks the user’s language', () => {
    expect(formatDayLabel(daysAgo(0), now, 'de-DE')).toBe('Heute');
    expect(formatDayLabel(daysAgo(1), now, 'de-DE')).toBe('Gestern');
    expect(formatDayLabel(daysAgo(2), now, 'de-DE')).toBe('Montag');
    expect(formatDayLabel(new Date(2024, 11, 31, 9).toISOString(), now, 'de-DE')).toBe(
      '31. Dezember 2024',
    );
  });

  it('counts a message from a clock slightly ahead as today', () => {
    expect(formatDayLabel(new Date(2025, 2, 12, 12, 5).toISOString(), now, 'en-US')).toBe('Today');
  });
});
