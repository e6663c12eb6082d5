// What the user chose about notifications on this device, and when do-not-disturb holds.
// Times of day are local wall-clock times: "until 08:00" means 08:00 where the user is.
import { z } from 'zod';

const timeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

/** "HH:MM", 24-hour: what a time input gives and a schedule keeps. */
export function isTimeOfDay(text: string): boolean {
  return timeOfDaySchema.safeParse(text).success;
}

export const doNotDisturbSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('off') }),
  /** For an hour, or until the morning: both end at a moment. */
  z.strictObject({ mode: z.literal('until'), until: z.number().int().nonnegative() }),
  /** Every day from start to end; an end before the start crosses midnight. */
  z.strictObject({ mode: z.literal('schedule'), start: timeOfDaySchema, end: timeOfDaySchema }),
]);
export type DoNotDisturb = z.infer<typeof doNotDisturbSchema>;

/** Signal's three levels of what a notification may reveal. */
export const previewLevels = ['name-and-message', 'name-only', 'nothing'] as const;
export type PreviewLevel = (typeof previewLevels)[number];

export const notificationSettingsSchema = z.object({
  doNotDisturb: doNotDisturbSchema,
  isSoundOn: z.boolean(),
  preview: z.enum(previewLevels),
  isAllMuted: z.boolean(),
});
export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  doNotDisturb: { mode: 'off' },
  isSoundOn: true,
  preview: 'name-and-message',
  isAllMuted: false,
};

export const ONE_HOUR_MS = 60 * 60 * 1000;
export const MORNING = '08:00';
export const DEFAULT_SCHEDULE = { mode: 'schedule', start: '22:00', end: '07:00' } as const;

function minutesOf(timeOfDay: string): number {
  const [hours = 0, minutes = 0] = timeOfDay.split(':').map(Number);
  return hours * 60 + minutes;
}

export function doNotDisturbForAnHour(now: number): DoNotDisturb {
  return { mode: 'until', until: now + ONE_HOUR_MS };
}

/** The next 08:00 after now: at 23:00 the next day's, at 01:00 the same day's. */
export function doNotDisturbUntilMorning(now: number): DoNotDisturb {
  const morning = new Date(now);
  const minutes = minutesOf(MORNING);
  morning.setHours(Math.floor(minutes / 60), minutes % 60, 0, 0);
  if (morning.getTime() <= now) morning.setDate(morning.getDate() + 1);
  return { mode: 'until', until: morning.getTime() };
}

/** A schedule whose start equals its end is an empty window, not the whole day. */
export function isDoNotDisturbOn(doNotDisturb: DoNotDisturb, now: number): boolean {
  if (doNotDisturb.mode === 'off') return false;
  if (doNotDisturb.mode === 'until') return now < doNotDisturb.until;
  const date = new Date(now);
  const minute = date.getHours() * 60 + date.getMinutes();
  const start = minutesOf(doNotDisturb.start);
  const end = minutesOf(doNotDisturb.end);
  if (start <= end) return minute >= start && minute < end;
  return minute >= start || minute < end;
}
