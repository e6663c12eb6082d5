// The main process entry: wires Electron's events to the tested modules beside it.
// Decisions live in those modules; this file only connects them.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  app,
  type BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  Notification,
  nativeImage,
  net,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
} from 'electron';
import { createAccountSessions } from '../../shared/platform/account-session.ts';
import type { ConversationTarget } from '../../shared/platform/bridge.ts';
import { APP_ID, DEEP_LINK_SCHEME, PRODUCT_NAME } from './app-id.ts';
import { APP_SCHEME, rendererEntryUrl, resolveAppOrigin } from './app-origin.ts';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol.ts';
import { planBadge } from './badge.ts';
import { type DesktopConfig, ignoredSwitchesNotice, parseDesktopConfig } from './config.ts';
import { buildContentSecurityPolicy } from './content-security-policy.ts';
import { createConversationOpener } from './conversation-opener.ts';
import { findDeepLinkInArgv, parseDeepLink } from './deep-link.ts';
import { createNodeFileStore } from './file-store.ts';
import { hardenWebContents } from './harden-web-contents.ts';
import { renderAppIcon, renderBadgeIcon, renderTrayTemplateIcon } from './icon-bitmaps.ts';
import { createIpcRouter } from './ipc.ts';
import { registerIpcRoutes, sendBridgeEvent } from './ipc-routes.ts';
import { createMainWindow } from './main-window.ts';
import { externalUrlToOpen } from './navigation-policy.ts';
import { watchNetwork } from './network-monitor.ts';
import { createNotifier } from './notifier.ts';
import { encodePng } from './png.ts';
import { revealWindow } from './reveal-window.ts';
import { saveFile } from './save-file.ts';
import { attachSessionHeader } from './session-header.ts';
import { createTokenStore } from './token-store.ts';
import { createTrayController } from './tray.ts';
import { readUpdateFeed } from './update-feed.ts';
import { type AppUpdaterLike, startUpdater } from './updater.ts';
import { createSessionPolicy } from './window-options.ts';
import { createWindowStateStore } from './window-state.ts';

const NETWORK_POLL_MS = 5_000;

function log(message: string): void {
  console.log(`[timenest] ${message}`);
}

/** Icons are drawn at twice their logical size for high-density screens. */
function iconImage(bitmap: Parameters<typeof encodePng>[0]) {
  return nativeImage.createFromBuffer(encodePng(bitmap), { scaleFactor: 2 });
}

function openExternal(url: string): void {
  const safe = externalUrlToOpen(url);
  if (safe !== null) void shell.openExternal(safe);
}

function registerAsDeepLinkHandler(): void {
  // Only the installed app claims timenest:// (electron-builder declares it too; this
  // reclaims it if another app took it). A development or test run must not take the
  // scheme away from the installed app; deep links reach it through argv instead.
  if (app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
}

async function start(config: DesktopConfig, appOrigin: string, state: ShellState): Promise<void> {
  const files = createNodeFileStore();
  const userData = app.getPath('userData');
  const csp = buildContentSecurityPolicy({
    serverUrl: config.serverUrl,
    devServerUrl: config.rendererDevUrl,
  });

  const policy = createSessionPolicy(() => appOrigin);
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(policy.isPermissionGranted(permission, details.requestingUrl)),
  );
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    policy.isPermissionGranted(permission, requestingOrigin),
  );
  if (config.rendererDevUrl) {
    // In development the page comes from the Vite server, which sends no CSP of ours.
    ses.webRequest.onHeadersReceived({ urls: [`${appOrigin}/*`] }, (details, callback) =>
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
      }),
    );
  }
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({
      rootDir: path.join(import.meta.dirname, '../renderer'),
      readFile: (filePath) => files.read(filePath),
      contentSecurityPolicy: csp,
    }),
  );

  const tokens = createTokenStore({
    safeStorage,
    files,
    path: path.join(userData, 'session-token.bin'),
    platform: process.platform,
    log,
  });
  // The page never holds the token: main signs in and out itself, and adds the token to
  // what the page sends to the server, and to nothing else.
  const sessions = createAccountSessions({
    fetch: (url, init) => net.fetch(url, init),
    serverUrl: config.serverUrl,
    tokens,
  });
  attachSessionHeader(ses.webRequest, {
    serverUrl: config.serverUrl,
    currentToken: () => tokens.get(),
    log,
  });

  const appIcon = iconImage(renderAppIcon(64));
  const trayIcon = iconImage(
    process.platform === 'darwin' ? renderTrayTemplateIcon(32) : renderAppIcon(32),
  );
  // macOS recolours template images for light and dark menu bars.
  if (process.platform === 'darwin') trayIcon.setTemplateImage(true);
  const tray = new Tray(trayIcon);

  const window = await createMainWindow({
    preloadPath: path.join(import.meta.dirname, '../preload/index.cjs'),
    isPackaged: app.isPackaged,
    windowState: createWindowStateStore(files, path.join(userData, 'window-state.json')),
    icon: process.platform === 'linux' ? appIcon : null,
    hasTray: () => !tray.isDestroyed(),
    isQuitting: () => state.isQuitting,
  });
  state.window = window;

  const sendToPage = (channel: string, ...payload: unknown[]): void => {
    if (!window.isDestroyed()) window.webContents.send(channel, ...payload);
  };
  const opener = createConversationOpener({
    reveal: () => {
      revealWindow(window);
      if (process.platform === 'darwin') app.focus({ steal: true });
    },
    send: (target) => sendBridgeEvent(sendToPage, 'onOpenConversation', target),
  });
  state.openConversation = (target) => opener.open(target);
  window.webContents.on('did-start-loading', () => opener.rendererGone());
  window.webContents.on('did-finish-load', () => opener.rendererReady());

  let activeConversationKey: string | null = null;
  let unreadCount = 0;
  const notifier = createNotifier({
    isSupported: () => Notification.isSupported(),
    createNotification: (options) =>
      new Notification({ ...options, ...(process.platform === 'linux' ? { icon: appIcon } : {}) }),
    openFromNotification: (target) => opener.open(target),
  });
  window.on('focus', () => {
    if (activeConversationKey !== null) notifier.withdraw(activeConversationKey);
  });

  const trayController = createTrayController({
    tray,
    buildMenu: (template) => Menu.buildFromTemplate(template),
    actions: {
      open: () => opener.open(null),
      quit: () => app.quit(),
    },
  });
  const refreshTray = (): void => trayController.update({ unreadCount });
  // On macOS a click opens the tray menu; elsewhere a click brings the window back.
  if (process.platform !== 'darwin') tray.on('click', () => opener.open(null));

  const applyBadge = (): void => {
    const plan = planBadge(unreadCount, process.platform);
    if (plan.kind === 'badge-count') app.setBadgeCount(plan.count);
    else if (plan.overlay === null) window.setOverlayIcon(null, '');
    else
      window.setOverlayIcon(
        iconImage(renderBadgeIcon(plan.overlay.label, 32)),
        plan.overlay.description,
      );
    refreshTray();
  };

  registerIpcRoutes(
    createIpcRouter({
      ipcMain,
      appOrigin: () => appOrigin,
      onRejected: (channel, reason) => log(`Rejected IPC on ${channel}: ${reason}`),
    }),
    {
      notify: (args) => {
        notifier.notify(args);
      },
      withdrawNotification: (key) => notifier.withdraw(key),
      setBadge: (count) => {
        unreadCount = count;
        applyBadge();
      },
      hasSession: () => sessions.hasSession(),
      signIn: (credentials) => sessions.signIn(credentials),
      createAccount: (account) => sessions.createAccount(account),
      signOut: async () => {
        // Signing out leaves nothing of the account on screen.
        notifier.withdrawAll();
        await sessions.signOut();
      },
      tokenStorage: () => tokens.storage(),
      openExternal: async (url) => openExternal(url),
      copyText: (text) => clipboard.writeText(text),
      appVersion: () => app.getVersion(),
      setActiveConversation: (key) => {
        activeConversationKey = key;
        if (key !== null && window.isFocused()) notifier.withdraw(key);
      },
      saveFile: (request) =>
        saveFile(
          {
            downloadsDir: () => app.getPath('downloads'),
            joinPath: path.join,
            showSaveDialog: (options) => dialog.showSaveDialog(window, options),
            writeFile: (filePath, bytes) => writeFile(filePath, bytes),
          },
          request,
        ),
    },
  );

  powerMonitor.on('resume', () => sendBridgeEvent(sendToPage, 'onResume'));
  const stopWatchingNetwork = watchNetwork({
    isOnline: () => net.isOnline(),
    onChange: (online) => sendBridgeEvent(sendToPage, 'onNetworkChange', online),
    intervalMs: NETWORK_POLL_MS,
    setInterval,
    clearInterval,
  });
  app.on('will-quit', () => {
    stopWatchingNetwork();
    tray.destroy();
  });

  // Links that came before the window existed, then the one this launch was started
  // with; the opener holds them until the page has loaded.
  for (const target of state.earlyTargets.splice(0)) opener.open(target);
  const coldStartLink = findDeepLinkInArgv(process.argv);
  if (coldStartLink !== null) opener.open(coldStartLink);

  applyBadge();
  window.loadURL(rendererEntryUrl(config.rendererDevUrl)).catch((error: unknown) => {
    log(`The page did not load: ${error instanceof Error ? error.message : String(error)}`);
  });

  // Only the feed the build was made with (resources/app-update.yml); none without one.
  void (app.isPackaged ? readUpdateFeed(files, process.resourcesPath) : Promise.resolve(null))
    .then((feed) =>
      startUpdater({
        feedUrl: feed?.url ?? null,
        windowsPublisherNames: feed?.publisherNames ?? [],
        isPackaged: app.isPackaged,
        loadUpdater: async () => {
          const updaterModule: {
            autoUpdater?: AppUpdaterLike;
            default?: { autoUpdater?: AppUpdaterLike };
          } = await import('electron-updater');
          const autoUpdater = updaterModule.default?.autoUpdater ?? updaterModule.autoUpdater;
          if (!autoUpdater) throw new Error('electron-updater has no autoUpdater');
          return autoUpdater;
        },
        log,
      }),
    )
    .catch((error: unknown) =>
      log(`Updates are off: ${error instanceof Error ? error.message : String(error)}`),
    );
}

interface ShellState {
  window: BrowserWindow | null;
  isQuitting: boolean;
  /** Deep links that arrived before the window existed (macOS open-url at launch). */
  earlyTargets: ConversationTarget[];
  openConversation: ((target: ConversationTarget) => void) | null;
}

function main(): void {
  const { config, ignored } = parseDesktopConfig({
    env: process.env,
    builtInServerUrl: __TIMENEST_SERVER_URL__,
    isPackaged: app.isPackaged,
  });
  const ignoredNotice = ignoredSwitchesNotice(ignored);
  if (ignoredNotice !== null) log(ignoredNotice);
  const appOrigin = resolveAppOrigin(config.rendererDevUrl);
  app.setName(PRODUCT_NAME);
  // The single-instance lock lives in userData, so set it before asking for the lock.
  app.setPath(
    'userData',
    config.userDataDir ??
      path.join(
        app.getPath('appData'),
        app.isPackaged ? PRODUCT_NAME : `${PRODUCT_NAME} (development)`,
      ),
  );
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  registerAsDeepLinkHandler();

  const state: ShellState = {
    window: null,
    isQuitting: false,
    earlyTargets: [],
    openConversation: null,
  };
  const openTarget = (target: ConversationTarget | null): void => {
    if (state.openConversation === null) {
      if (target !== null) state.earlyTargets.push(target);
      return;
    }
    if (target !== null) state.openConversation(target);
    else revealWindow(state.window);
  };

  // macOS delivers deep links here, possibly before 'ready': registered first thing.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const target = parseDeepLink(url);
    if (target === null) log('Ignored a malformed deep link.');
    openTarget(target);
  });
  app.on('second-instance', (_event, argv) => {
    const target = findDeepLinkInArgv(argv);
    if (target === null) revealWindow(state.window);
    else openTarget(target);
  });
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, () => appOrigin, openExternal);
  });
  app.on('activate', () => revealWindow(state.window));
  app.on('before-quit', () => {
    state.isQuitting = true;
  });
  app.on('window-all-closed', () => app.quit());

  app
    .whenReady()
    .then(() => start(config, appOrigin, state))
    .catch((error: unknown) => {
      console.error('[timenest] Failed to start:', error);
      app.exit(1);
    });
}

main();
