// Renders a component inside the app's providers with a scripted engine, a recording
// bridge and an in-memory router, for component tests.
import type { ReactNode } from 'react';
import type {
  NotifyArgs,
  PlatformBridge,
  SaveFileArgs,
  TokenStorage,
} from '../../../shared/platform/bridge.ts';
import { bearerAuth } from '../../../shared/platform/server-auth.ts';
import type { IncomingMessage, SyncEngineApi, SyncStatus } from '../../sync/api.ts';
import type { ChatDatabase } from '../../sync/db.ts';
import { AppProvider, type AppServices } from '../app/app-context.tsx';
import type { AppLocation, Navigator } from '../routing/navigator.ts';
import { RouterProvider } from '../routing/router.tsx';
import type { ServerClient } from '../server-client.ts';
import { createSettingsStore } from '../settings/settings-store.ts';
import { ME } from './builders.ts';

export interface ScriptedEngine extends SyncEngineApi {
  setStatus(patch: Partial<SyncStatus>): void;
  deliver(incoming: IncomingMessage): void;
  calls: Array<[string, ...unknown[]]>;
}

export function scriptedEngine(userId = ME): ScriptedEngine {
  let status: SyncStatus = {
    connectivity: 'online',
    pendingCount: 0,
    failedCount: 0,
    lastError: null,
    lastSyncedAt: 1,
  };
  const statusListeners = new Set<(s: SyncStatus) => void>();
  const incomingListeners = new Set<(i: IncomingMessage) => void>();
  const calls: Array<[string, ...unknown[]]> = [];
  const record =
    (name: string) =>
    async (...args: unknown[]) => {
      calls.push([name, ...args]);
    };
  return {
    userId,
    calls,
    start() {},
    async stop() {},
    syncNow: () => void calls.push(['syncNow']),
    async sendMessage(convKey, content) {
      calls.push(['sendMessage', convKey, content]);
      return 'new-id';
    },
    async sendAttachment(convKey, file, caption) {
      calls.push(['sendAttachment', convKey, file.fileName, caption]);
      return 'new-id';
    },
    editMessage: record('editMessage'),
    deleteMessage: record('deleteMessage'),
    async scheduleMessage(convKey, content, dueAt) {
      calls.push(['scheduleMessage', convKey, content, dueAt]);
      return 'scheduled-id';
    },
    changeScheduled: record('changeScheduled'),
    sendScheduledNow: record('sendScheduledNow'),
    cancelScheduled: record('cancelScheduled'),
    dismissScheduled: record('dismissScheduled'),
    cancelUpload: record('cancelUpload'),
    toggleReaction: record('toggleReaction'),
    retry: record('retry'),
    discard: record('discard'),
    retryAll: record('retryAll'),
    discardAll: record('discardAll'),
    async openConversation(request) {
      calls.push(['openConversation', request]);
      return 's10';
    },
    async createGroup(request) {
      calls.push(['createGroup', request]);
      return 'group-key';
    },
    changeGroup: record('changeGroup'),
    async receiptDetails(clientMsgId) {
      calls.push(['receiptDetails', clientMsgId]);
      return null;
    },
    markSeen: record('markSeen'),
    getStatus: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onIncoming(listener) {
      incomingListeners.add(listener);
      return () => incomingListeners.delete(listener);
    },
    getOnlineUsers: () => new Set<number>(),
    onOnlineUsers: () => () => {},
    setStatus(patch) {
      status = { ...status, ...patch };
      for (const listener of statusListeners) listener(status);
    },
    deliver(incoming) {
      for (const listener of incomingListeners) listener(incoming);
    },
  };
}

export interface RecordingBridge extends PlatformBridge {
  notified: NotifyArgs[];
  badges: number[];
  saved: SaveFileArgs[];
  setNetwork(online: boolean): void;
}

export interface RecordingBridgeOptions {
  /** Where the platform says the token is kept (the desktop with a keyring by default). */
  tokenStorage?: TokenStorage;
}

export function recordingBridge(options: RecordingBridgeOptions = {}): RecordingBridge {
  const network = new Set<(online: boolean) => void>();
  const notified: NotifyArgs[] = [];
  const badges: number[] = [];
  const saved: SaveFileArgs[] = [];
  return {
    kind: 'web',
    ...bearerAuth('token'),
    notified,
    badges,
    saved,
    notify: (args) => void notified.push(args),
    notificationAccess: () => 'allowed',
    requestNotificationAccess: async () => 'allowed',
    withdrawNotification() {},
    setBadge: (count) => void badges.push(count),
    hasSession: async () => true,
    signIn: async () => {
      throw new Error('not in this test');
    },
    createAccount: async () => {
      throw new Error('not in this test');
    },
    signOut: async () => {},
    tokenStorage: async () => options.tokenStorage ?? 'encrypted',
    openExternal: async () => {},
    copyText: async () => {},
    appVersion: async () => 'test',
    async saveFile(args) {
      saved.push(args);
      return 'saved';
    },
    setActiveConversation() {},
    onOpenConversation: () => () => {},
    onResume: () => () => {},
    onNetworkChange(listener) {
      network.add(listener);
      return () => network.delete(listener);
    },
    setNetwork(online) {
      for (const listener of network) listener(online);
    },
  };
}

export function memoryNavigator(start = '/messages'): Navigator & { history: string[] } {
  const listeners = new Set<() => void>();
  const parse = (to: string): AppLocation => {
    const url = new URL(to, 'http://app.test');
    return { pathname: url.pathname, search: url.search };
  };
  let current = parse(start);
  const history = [start];
  return {
    history,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    location: () => current,
    navigate(to) {
      history.push(to);
      current = parse(to);
      for (const listener of listeners) listener();
    },
  };
}

export function appServices(db: ChatDatabase, overrides: Partial<AppServices> = {}): AppServices {
  const store = new Map<string, string>();
  const storage = {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
    clear: () => store.clear(),
    key: () => null,
    length: 0,
  } as Storage;
  const server: ServerClient = {
    listCatalog: async () => [],
    searchPeople: async () => [],
    listDevices: async () => [],
    signOutDevice: async () => {},
  };
  let active: string | null = null;
  const bridge = overrides.bridge ?? recordingBridge();
  return {
    user: { userId: ME, email: 'me@test.local', displayName: 'Me Myself' },
    auth: bridge,
    serverUrl: 'http://server.test',
    db,
    engine: scriptedEngine(),
    bridge,
    server,
    settings: createSettingsStore(storage),
    storage,
    active: {
      get: () => active,
      set(key) {
        active = key;
      },
    },
    recentConversations: new Map(),
    signOut: async () => {},
    ...overrides,
  };
}

export function withApp(
  services: AppServices,
  ui: ReactNode,
  navigator: Navigator = memoryNavigator(),
) {
  return (
    <RouterProvider navigator={navigator}>
      <AppProvider value={services}>{ui}</AppProvider>
    </RouterProvider>
  );
}
