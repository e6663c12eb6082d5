// The tray icon's menu and tooltip, and whether closing the window only hides it.
// Linux only picks up a changed menu when it is set again, so every update re-sets it.
// Do-not-disturb and mute live in the app's notification settings, which decide for the
// browser and the desktop alike; the tray only opens the app and quits.
import type { MenuItemConstructorOptions } from 'electron';
import { PRODUCT_NAME } from './app-id.ts';
import { trayTooltip } from './badge.ts';

export interface TrayActions {
  open(): void;
  quit(): void;
}

export function buildTrayMenu(actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: `Open ${PRODUCT_NAME}`, click: () => actions.open() },
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
}

export function createTrayController<M>(options: {
  tray: TrayLike<M>;
  buildMenu: (template: MenuItemConstructorOptions[]) => M;
  actions: TrayActions;
}) {
  return {
    update(view: TrayView): void {
      options.tray.setToolTip(trayTooltip(view.unreadCount));
      options.tray.setContextMenu(options.buildMenu(buildTrayMenu(options.actions)));
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
