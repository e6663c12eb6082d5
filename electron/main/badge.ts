// What the unread count looks like on each platform: a number on the macOS dock and the
// Linux launcher (app.setBadgeCount), an overlay icon on the Windows taskbar, and the
// tray tooltip everywhere.
import { PRODUCT_NAME } from './app-id.ts';

export type BadgePlan =
  | { kind: 'badge-count'; count: number; trayTooltip: string }
  | {
      kind: 'taskbar-overlay';
      /** null clears the overlay. */
      overlay: { label: string; description: string } | null;
      trayTooltip: string;
    };

const MAX_SHOWN_COUNT = 99;

/** The text inside a badge: "", "7", "99+". */
export function badgeLabel(count: number): string {
  if (count <= 0) return '';
  return count > MAX_SHOWN_COUNT ? `${MAX_SHOWN_COUNT}+` : String(count);
}

export function unreadDescription(count: number): string {
  if (count <= 0) return 'No unread messages';
  return count === 1 ? '1 unread message' : `${count} unread messages`;
}

export function trayTooltip(count: number): string {
  return count <= 0 ? PRODUCT_NAME : `${PRODUCT_NAME} — ${unreadDescription(count)}`;
}

export function planBadge(count: number, platform: NodeJS.Platform): BadgePlan {
  const unread = Math.max(0, Math.floor(count));
  const tooltip = trayTooltip(unread);
  if (platform === 'win32') {
    return {
      kind: 'taskbar-overlay',
      overlay:
        unread === 0 ? null : { label: badgeLabel(unread), description: unreadDescription(unread) },
      trayTooltip: tooltip,
    };
  }
  return { kind: 'badge-count', count: unread, trayTooltip: tooltip };
}
