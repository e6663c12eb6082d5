import { describe, expect, it } from 'vitest';
import {
  doNotDisturbForAnHour,
  doNotDisturbUntilMorning,
  isDoNotDisturbOn,
  ONE_HOUR_MS,
} from './notification-settings.ts';

/** 3 December 2026 (or the given day) at the given local time. */
const at = (hours: number, minutes = 0, day = 3) =>
  new Date(2026, 11, day, hours, minutes).getTime();

describe('do not disturb until the morning', () => {
  it('in the evening it lasts until 08:00 the next day', () => {
    expect(doNotDisturbUntilMorning(at(23))).toEqual({ mode: 'until', until: at(8, 0, 4) });
  });

  it('after midnight it lasts until 08:00 the same day', () => {
    expect(doNotDisturbUntilMorning(at(1))).toEqual({ mode: 'until', until: at(8) });
  });

  it('at 08:00 exactly it lasts until 08:00 the next day, never zero time', () => {
    expect(doNotDisturbUntilMorning(at(8))).toEqual({ mode: 'until', until: at(8, 0, 4) });
  });

  it('holds up to 07:59 and ends at 08:00', () => {
    const dnd = doNotDisturbUntilMorning(at(23));
    expect(isDoNotDisturbOn(dnd, at(7, 59, 4))).toBe(true);
    expect(isDoNotDisturbOn(dnd, at(8, 0, 4))).toBe(false);
  });
});

describe('do not disturb for an hour', () => {
  it('ends one hour from now', () => {
    const dnd = doNotDisturbForAnHour(at(12));
    expect(isDoNotDisturbOn(dnd, at(12) + ONE_HOUR_MS - 1)).toBe(true);
    expect(isDoNotDisturbOn(dnd, at(13))).toBe(false);
  });
});

it('off never holds', () => {
  expect(isDoNotDisturbOn({ mode: 'off' }, at(3))).toBe(false);
});
