// The tray icon's menu and tooltip, and whether closing the window only hides it.
// Linux only picks up a changed menu when it is set again, so every update re-sets it.
import type { MenuItemConstructorOptions } from 'electron';
import { PRODUCT_NAME } from './app-id.ts';
import { trayTooltip } from './badge.ts';
import { isMutedForAWhile } from './notification-policy.ts';
import type { StoredSettings } from './settings.ts';

export interface TrayActions {
  open(): void;
  muteAllForAnHour(): void;
  unmuteAll(): void;
  setDoNotDisturb(on: boolean): void;
  setHideMessagePreviews(on: boolean): void;
  quit(): void;
}

export interface TrayMenuState {
  settings: StoredSettings;
  now: number;
  formatTime: (epochMs: number) => string;
}

export function buildTrayMenu(
  state: TrayMenuState,
  actions: TrayActions,
): MenuItemConstructorOptions[] {
  const { settings } = state;
  const muteItem: MenuItemConstructorOptions =
    settings.mutedUntil !== null && isMutedForAWhile(settings, state.now)
      ? {
          label: `Muted until ${state.formatTime(settings.mutedUntil)} — Unmute`,
          click: () => actions.unmuteAll(),
        }
      : { label: 'Mute all for 1 hour', click: () => actions.muteAllForAnHour() };
  return [
    { label: `Open ${PRODUCT_NAME}`, click: () => actions.open() },
    { type: 'separator' },
    muteItem,
    {
      label: 'Do not disturb',
      type: 'checkbox',
      checked: settings.doNotDisturb,
      click: (item) => actions.setDoNotDisturb(item.checked),
    },
    {
      label: 'Hide message previews',
      type: 'checkbox',
      checked: settings.hideMessagePreviews,
      click: (item) => actions.setHideMessagePreviews(item.checked),
    },
    { type: 'separator' },
    { label: `Quit ${PRODUCT_NAME}`, click: () => actions.quit() },
  ];
}

/** The parts of Electron's Tray the controller uses. */
export interface TrayLike<M> {
  setToolTip(text: string): void;
  setContextMenu(menu: M | null): void;
}

export interface TrayView {
  unreadCount: number;
  settings: StoredSettings;
  now: number;
}

export function createTrayController<M>(options: {
  tray: TrayLike<M>;
  buildMenu: (template: MenuItemConstructorOptions[]) => M;
  actions: TrayActions;
  formatTime: (epochMs: number) => string;
}) {
  return {
    update(view: TrayView): void {
      options.tray.setToolTip(trayTooltip(view.unreadCount));
      const template = buildTrayMenu(
        { settings: view.settings, now: view.now, formatTime: options.formatTime },
        options.actions,
      );
      options.tray.setContextMenu(options.buildMenu(template));
    },
  };
}

/** Closing hides the window on macOS (the app lives on in the dock) and, elsewhere,
 * where a tray icon lets the user bring it back; quitting always closes. */
export function shouldHideOnClose(options: {
  platform: NodeJS.Platform;
  hasTray: boolean;
  isQuitting: boolean;
}): boolean {
  if (options.isQuitting) return false;
  return options.platform === 'darwin' || options.hasTray;
}
