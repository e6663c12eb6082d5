// When a message written for later goes: the composer's presets, the custom time read from
// a date-time field in the user's own time zone and checked (in the future, within a
// year), and how a due time reads. `now` and the locale are passed in, so it is testable.
import { daysBetween, formatClock } from '../time/format-time.ts';

/** How far ahead a message may be scheduled here: a year (the server allows a day more,
 * so a time picked near the limit is never refused on the way). */
export const SCHEDULE_MAX_AHEAD_MS = 365 * 24 * 60 * 60 * 1000;
/** The hour "tomorrow morning" means. */
export const MORNING_HOUR = 9;
/** How late the server may send a message before it shows when it was due. */
export const LATE_AFTER_MS = 60_000;

export function inOneHour(now: Date): Date {
  return new Date(now.getTime() + 60 * 60 * 1000);
}

/** Tomorrow at 9:00 in the user's time zone. */
export function tomorrowMorning(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, MORNING_HOUR, 0, 0, 0);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A time as a date-time field shows it, in the user's time zone ("2025-01-10T09:00"). */
export function toLocalInputValue(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** What a date-time field holds, read in the user's time zone; null when it is no time. */
export function parseLocalInputValue(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(year ?? 0, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0);
  // Rolled over (the 31st of a 30-day month): not what was typed.
  if (date.getMonth() !== (month ?? 1) - 1 || date.getDate() !== day) return null;
  return Number.isNaN(date.getTime()) ? null : date;
}

export type ScheduleTimeCheck = { isValid: true; dueAt: Date } | { isValid: false; reason: string };

/** Whether a chosen time can be used: a time, in the future, within a year. */
export function checkScheduleTime(value: string, now: Date): ScheduleTimeCheck {
  if (value.trim() === '') return { isValid: false, reason: 'Choose a date and time.' };
  const dueAt = parseLocalInputValue(value);
  if (!dueAt) return { isValid: false, reason: 'That is not a valid date and time.' };
  if (dueAt.getTime() <= now.getTime()) {
    return { isValid: false, reason: 'Choose a time in the future.' };
  }
  if (dueAt.getTime() - now.getTime() > SCHEDULE_MAX_AHEAD_MS) {
    return { isValid: false, reason: 'Choose a time within a year from now.' };
  }
  return { isValid: true, dueAt };
}

/** "Today at 14:05", "Tomorrow at 9:00", "Mon, Mar 3 at 9:00" (with the year when it is
 * not this one). */
export function formatDueTime(iso: string, now: Date, locale?: string): string {
  const due = new Date(iso);
  const clock = formatClock(iso, locale);
  const days = daysBetween(now, due);
  if (days === 0) return `Today at ${clock}`;
  if (days === 1) return `Tomorrow at ${clock}`;
  if (days === -1) return `Yesterday at ${clock}`;
  return `${dayOf(due, now, locale)} at ${clock}`;
}

/** "Mon, Mar 3", with the year when it is not the one of `now`. */
function dayOf(date: Date, now: Date, locale?: string): string {
  return date.toLocaleDateString(locale, {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  });
}

/** "Scheduled for 9:00" on a message the server sent late (it was down at the time), with
 * the day when it was another; null for one sent on time or never scheduled. */
export function lateScheduleLabel(
  message: { createdAt: string; scheduledFor?: string | null },
  locale?: string,
): string | null {
  if (!message.scheduledFor) return null;
  const lateBy = Date.parse(message.createdAt) - Date.parse(message.scheduledFor);
  if (!(lateBy >= LATE_AFTER_MS)) return null;
  const sent = new Date(message.createdAt);
  const due = new Date(message.scheduledFor);
  const clock = formatClock(message.scheduledFor, locale);
  if (daysBetween(due, sent) === 0) return `Scheduled for ${clock}`;
  return `Scheduled for ${dayOf(due, sent, locale)} at ${clock}`;
}

/** The user's time zone, as the date-time field reads times. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
