// Brings the main window to the user: shown if hidden to the tray, restored if
// minimized, then focused. Used by notification clicks, deep links and second launches.

/** The parts of BrowserWindow this needs. */
export interface RevealableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  isVisible(): boolean;
  show(): void;
  focus(): void;
}

export function revealWindow(window: RevealableWindow | null): boolean {
  if (window === null || window.isDestroyed()) return false;
  if (window.isMinimized()) window.restore();
  if (!window.isVisible()) window.show();
  window.focus();
  return true;
}
