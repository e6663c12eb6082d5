// How times read in the UI: short relative stamps in the conversation list, day labels
// for the date separators, clock times on messages. `now` and the locale are passed in
// so the output is testable.
const DAY_MS = 86_400_000;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days between two instants in local time (0 = same day). */
export function daysBetween(earlier: Date, later: Date): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / DAY_MS);
}

// Building an Intl formatter costs far more than using one; a log shows a clock per message.
const clockFormats = new Map<string, Intl.DateTimeFormat>();

export function formatClock(iso: string, locale?: string): string {
  const key = locale ?? '';
  let format = clockFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
    clockFormats.set(key, format);
  }
  return format.format(new Date(iso));
}

/** Conversation list stamps: "now", "5m", "14:05", "Yesterday", "Mon", "Mar 3", "3/3/24". */
export function formatRelative(iso: string, now: Date, locale?: string): string {
  const then = new Date(iso);
  const ms = now.getTime() - then.getTime();
  if (ms < 60_000) return 'now';
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m`;
  const days = daysBetween(then, now);
  if (days <= 0) return formatClock(iso, locale);
  if (days === 1) return 'Yesterday';
  if (days < 7) return then.toLocaleDateString(locale, { weekday: 'short' });
  if (then.getFullYear() === now.getFullYear()) {
    return then.toLocaleDateString(locale, { month: 'short', day: 'numeric' });
  }
  return then.toLocaleDateString(locale, { year: '2-digit', month: 'numeric', day: 'numeric' });
}

/** "today" / "yesterday" in the locale, capitalized as a label starts. */
function relativeDay(daysAgo: 0 | 1, locale?: string): string {
  const word = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(-daysAgo, 'day');
  return word.charAt(0).toLocaleUpperCase(locale) + word.slice(1);
}

/** Date separators in a conversation, as Signal has them: "Today", "Yesterday", the
 * weekday within the last week, then the date, with the year when it is not this one. */
export function formatDayLabel(iso: string, now: Date, locale?: string): string {
  const then = new Date(iso);
  const days = daysBetween(then, now);
  // A message stamped a little in the future (another device's clock) is still today.
  if (days <= 0) return relativeDay(0, locale);
  if (days === 1) return relativeDay(1, locale);
  if (days < 7) return new Intl.DateTimeFormat(locale, { weekday: 'long' }).format(then);
  return new Intl.DateTimeFormat(locale, {
    month: 'long',
    day: 'numeric',
    ...(then.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  }).format(then);
}

export function localDayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}
