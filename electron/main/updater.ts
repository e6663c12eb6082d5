// Automatic updates through electron-updater, only for a packaged app with a configured
// feed. Without one it does nothing: a build with no publish URL must not phone home.

/** The part of electron-updater's AppUpdater this module uses. */
export interface AppUpdaterLike {
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdatesAndNotify(): Promise<unknown>;
}

export type UpdaterStatus =
  | { state: 'disabled'; reason: 'not-packaged' | 'no-feed-url' }
  | { state: 'checking'; feedUrl: string };

export interface UpdaterOptions {
  feedUrl: string | null;
  isPackaged: boolean;
  /** Loaded lazily so that electron-updater is not even imported when updates are off. */
  loadUpdater: () => Promise<AppUpdaterLike>;
  log: (message: string) => void;
}

export function updaterStatus(
  options: Pick<UpdaterOptions, 'feedUrl' | 'isPackaged'>,
): UpdaterStatus {
  if (!options.isPackaged) return { state: 'disabled', reason: 'not-packaged' };
  if (options.feedUrl === null) return { state: 'disabled', reason: 'no-feed-url' };
  return { state: 'checking', feedUrl: options.feedUrl };
}

export async function startUpdater(options: UpdaterOptions): Promise<UpdaterStatus> {
  const status = updaterStatus(options);
  if (status.state === 'disabled') return status;
  try {
    const updater = await options.loadUpdater();
    updater.setFeedURL({ provider: 'generic', url: status.feedUrl });
    await updater.checkForUpdatesAndNotify();
  } catch (error) {
    // An unreachable feed must never keep the chat from working.
    options.log(`Update check failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return status;
}
