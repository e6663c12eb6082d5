// What every signed-in screen needs, handed down once: the user, their local database,
// the sync engine, the platform bridge and the server client.
import { createContext, type ReactNode, use } from 'react';
import type { UserView } from '../../../shared/model.ts';
import type { PlatformBridge, ServerAuth } from '../../../shared/platform/bridge.ts';
import type { SyncEngineApi } from '../../sync/api.ts';
import type { ChatDatabase, LocalConversation } from '../../sync/db.ts';
import type { ServerClient } from '../server-client.ts';
import type { SettingsStore } from '../settings/settings-store.ts';

export interface ActiveConversation {
  get(): string | null;
  set(convKey: string | null): void;
}

export interface AppServices {
  user: UserView;
  /** How requests to the server prove the session (the bridge, a ServerAuth): the token
   * on the web, nothing on the desktop, whose main process adds it. */
  auth: ServerAuth;
  /** The API server's base URL (presence connects there too). */
  serverUrl: string;
  db: ChatDatabase;
  engine: SyncEngineApi;
  bridge: PlatformBridge;
  server: ServerClient;
  settings: SettingsStore;
  storage: Storage;
  /** Conversations as last shown in a list, by URL id: a click opens the chat without
   * waiting for the database to answer again. */
  recentConversations: Map<string, LocalConversation>;
  /** Which conversation is on screen (read by the notification decision). */
  active: ActiveConversation;
  signOut(): Promise<void>;
}

const AppContext = createContext<AppServices | null>(null);

export function AppProvider({ value, children }: { value: AppServices; children: ReactNode }) {
  return <AppContext value={value}>{children}</AppContext>;
}

export function useApp(): AppServices {
  const services = use(AppContext);
  if (!services) throw new Error('useApp outside AppProvider');
  return services;
}
