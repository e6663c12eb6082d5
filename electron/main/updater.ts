// Automatic updates through electron-updater, decided by a policy that runs without
// Electron. Only a packaged app with a configured https feed ever checks; an update is taken
// only when it is newer, checksummed and signed in a way the platform verifies; it downloads
// in the background and installs when the user quits, never in the middle of a chat. A
// failing feed is logged and the app carries on.

/** What electron-updater reports about the release a feed offers (its UpdateInfo, narrowed). */
export interface OfferedUpdate {
  version: string;
  files: ReadonlyArray<{ url: string; sha512?: string | null }>;
}

/** The part of electron-updater's AppUpdater this module drives. */
export interface AppUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  forceDevUpdateConfig: boolean;
  disableWebInstaller: boolean;
  readonly currentVersion: { readonly version: string };
  /** Consulted for every offered release before anything is downloaded. */
  isUpdateSupported(info: OfferedUpdate): boolean | Promise<boolean>;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<{ downloadPromise?: Promise<unknown> | null } | null>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
}

export type Verdict = { accepted: true } | { accepted: false; reason: string };

const accept: Verdict = { accepted: true };
const refuse = (reason: string): Verdict => ({ accepted: false, reason });

// Semantic Versioning 2.0.0 (§2, §9, §10), with the leading "v" electron-builder tolerates.
const SEMVER =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][\dA-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][\dA-Za-z-]*))*))?(?:\+[\dA-Za-z-]+(?:\.[\dA-Za-z-]+)*)?$/;
const NUMERIC = /^\d+$/;

/** Compares digit strings without leading zeros, of any length. */
function compareNumerals(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrerelease(a: string[], b: string[]): number {
  // A release ranks above its own pre-releases (§11.3).
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x === y) continue;
    const xNumeric = NUMERIC.test(x);
    const yNumeric = NUMERIC.test(y);
    if (xNumeric && yNumeric) return compareNumerals(x, y);
    if (xNumeric !== yNumeric) return xNumeric ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

/** Semver precedence of a over b (-1, 0, 1); null when either is not a version. */
export function compareVersions(a: string, b: string): number | null {
  const x = SEMVER.exec(a.trim());
  const y = SEMVER.exec(b.trim());
  if (x === null || y === null) return null;
  for (const part of [1, 2, 3]) {
    const order = compareNumerals(x[part] ?? '0', y[part] ?? '0');
    if (order !== 0) return order;
  }
  const prerelease = (match: RegExpExecArray) => (match[4] ? match[4].split('.') : []);
  return Math.sign(comparePrerelease(prerelease(x), prerelease(y)));
}

/** Whether to take a release the feed offers. electron-updater checks each downloaded
 * file against its sha512; a file without one would be installed unchecked. */
export function judgeOffer(currentVersion: string, offer: OfferedUpdate): Verdict {
  const order = compareVersions(offer.version, currentVersion);
  if (order === null) return refuse(`"${offer.version}" is not a version`);
  if (order <= 0) return refuse(`${offer.version} is not newer than ${currentVersion}`);
  if (offer.files.length === 0) return refuse(`${offer.version} names no file`);
  const unchecked = offer.files.find((file) => !file.sha512);
  if (unchecked) return refuse(`${unchecked.url} has no sha512`);
  return accept;
}

/** Whether this platform proves an update comes from whoever signed the running app. */
export function judgeSignatureCheck(
  platform: NodeJS.Platform,
  windowsPublisherNames: readonly string[],
): Verdict {
  switch (platform) {
    case 'win32':
      // electron-updater verifies the installer's Authenticode signature against these
      // names and skips the check entirely when there are none (an unsigned build).
      return windowsPublisherNames.length > 0
        ? accept
        : refuse('this build names no Windows publisher, so an unsigned installer would pass');
    case 'darwin':
      // Squirrel.Mac installs only a bundle that satisfies the running app's designated
      // requirement, and refuses outright when the running app is unsigned.
      return accept;
    default:
      return refuse(
        `electron-updater verifies no signature on ${platform}; the package manager updates the app`,
      );
  }
}

export type UpdaterStatus =
  | {
      state: 'disabled';
      reason: 'not-packaged' | 'no-feed-url' | 'insecure-feed' | 'unverifiable' | 'failed-to-load';
    }
  | { state: 'checking'; feedUrl: string };

export interface UpdaterOptions {
  /** The configured publish URL; null: electron-updater is never loaded, nothing is asked. */
  feedUrl: string | null;
  isPackaged: boolean;
  /** Loaded lazily so that electron-updater is not even imported when updates are off. */
  loadUpdater: () => Promise<AppUpdaterLike>;
  log: (message: string) => void;
  /** Defaults to process.platform. */
  platform?: NodeJS.Platform;
  /** Windows: `publisherName` from the build's app-update.yml (readUpdateFeed), the file
   * electron-updater itself verifies installers against; none means it would verify nothing. */
  windowsPublisherNames?: readonly string[];
  /** How often a running app asks again; 4 hours by default. */
  checkEveryMs?: number;
  timers?: { setInterval: typeof setInterval; clearInterval: typeof clearInterval };
}

export interface RunningUpdater {
  status: UpdaterStatus;
  stop(): void;
}

const FOUR_HOURS_MS = 4 * 60 * 60 * 1000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The settings a chat app wants: download quietly, install on quit, never go back. */
export function configureUpdater(updater: AppUpdaterLike, log: (message: string) => void): void {
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.allowDowngrade = false;
  updater.allowPrerelease = false;
  // A dev-app-update.yml next to the app must not become a second feed.
  updater.forceDevUpdateConfig = false;
  // Web installers fetch their payload at install time, where no signature is checked.
  updater.disableWebInstaller = true;
  const isSupportedByPlatform = updater.isUpdateSupported.bind(updater);
  updater.isUpdateSupported = async (offer) => {
    const verdict = judgeOffer(updater.currentVersion.version, offer);
    if (!verdict.accepted) {
      log(`Update refused: ${verdict.reason}`);
      return false;
    }
    return isSupportedByPlatform(offer);
  };
}

export async function startUpdater(options: UpdaterOptions): Promise<RunningUpdater> {
  const { log } = options;
  const off = (reason: Extract<UpdaterStatus, { state: 'disabled' }>['reason']) => ({
    status: { state: 'disabled', reason } as const,
    stop: () => {},
  });
  if (!options.isPackaged) return off('not-packaged');
  if (options.feedUrl === null) return off('no-feed-url');
  const feedUrl = options.feedUrl;
  if (!URL.canParse(feedUrl) || new URL(feedUrl).protocol !== 'https:') {
    log(`Updates are off: the feed ${feedUrl} is not https`);
    return off('insecure-feed');
  }
  const signatures = judgeSignatureCheck(
    options.platform ?? process.platform,
    options.windowsPublisherNames ?? [],
  );
  if (!signatures.accepted) {
    log(`Updates are off: ${signatures.reason}`);
    return off('unverifiable');
  }

  let updater: AppUpdaterLike;
  // electron-updater reports a failed check both as an 'error' event and as a rejection.
  let lastReported: unknown = null;
  const report = (error: unknown) => {
    if (error === lastReported) return;
    lastReported = error;
    log(`Update failed: ${messageOf(error)}`);
  };
  try {
    updater = await options.loadUpdater();
    // An 'error' event without a listener would throw in the main process.
    updater.on('error', report);
    configureUpdater(updater, log);
    updater.setFeedURL({ provider: 'generic', url: feedUrl });
  } catch (error) {
    log(`Updates are off: ${messageOf(error)}`);
    return off('failed-to-load');
  }

  const timers = options.timers ?? { setInterval, clearInterval };
  let handle: ReturnType<typeof setInterval> | null = null;
  const stop = () => {
    if (handle !== null) timers.clearInterval(handle);
    handle = null;
  };
  const check = async () => {
    try {
      const result = await updater.checkForUpdates();
      // The download runs on; a failure of it is also emitted as an 'error' event.
      result?.downloadPromise?.catch(report);
    } catch (error) {
      report(error);
    }
  };
  updater.on('update-downloaded', ({ version }) => {
    log(`Update ${version} downloaded; it installs when the app quits`);
    stop();
  });
  void check();
  handle = timers.setInterval(() => void check(), options.checkEveryMs ?? FOUR_HOURS_MS);
  return { status: { state: 'checking', feedUrl }, stop };
}
