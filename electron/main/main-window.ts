// Creates the main window from the tested options, restores its placement, and hides it
// on close where that is the platform's habit (saving its placement first).
import { BrowserWindow, type NativeImage, screen } from 'electron';
import { shouldHideOnClose } from './tray.ts';
import { createMainWindowOptions } from './window-options.ts';
import { type createWindowStateStore, restoreWindowPlacement } from './window-state.ts';

export interface MainWindowDeps {
  preloadPath: string;
  isPackaged: boolean;
  windowState: ReturnType<typeof createWindowStateStore>;
  icon: NativeImage | null;
  hasTray: () => boolean;
  isQuitting: () => boolean;
}

export async function createMainWindow(deps: MainWindowDeps): Promise<BrowserWindow> {
  const displays = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()];
  const placement = restoreWindowPlacement(
    await deps.windowState.load(),
    displays.map((display) => display.workArea),
  );
  const window = new BrowserWindow({
    ...createMainWindowOptions({
      preloadPath: deps.preloadPath,
      bounds: placement.bounds,
      isPackaged: deps.isPackaged,
    }),
    ...(deps.icon ? { icon: deps.icon } : {}),
  });
  if (placement.isMaximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  window.on('close', (event) => {
    const bounds = window.getNormalBounds();
    void deps.windowState.save({ ...bounds, isMaximized: window.isMaximized() });
    const hide = shouldHideOnClose({
      platform: process.platform,
      hasTray: deps.hasTray(),
      isQuitting: deps.isQuitting(),
    });
    if (hide) {
      event.preventDefault();
      window.hide();
    }
  });
  return window;
}
