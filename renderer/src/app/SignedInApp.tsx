// A signed-in user's app: opens their local database and sync engine, wires the engine
// to the platform (notifications, badge, deep links, resume and network changes), and
// renders the shell.
import { useEffect, useMemo, useState } from 'react';
import type { PlatformBridge } from '../../../shared/platform/bridge.ts';
import type { IncomingMessage, SyncEngineApi } from '../../sync/api.ts';
import type { ChatDatabase } from '../../sync/db.ts';
import type { Session } from '../auth/session-store.ts';
import { Spinner } from '../components/EmptyState.tsx';
import { newestPerConversation } from '../notifications/newest-per-conversation.ts';
import { decideNotification, notifyArgsFor } from '../notifications/notification-policy.ts';
import {
  browserAudioContext,
  createNotificationSound,
} from '../notifications/notification-sound.ts';
import { useNavigate } from '../routing/router.tsx';
import { chatPath } from '../routing/routes.ts';
import type { ServerClient } from '../server-client.ts';
import { createSettingsStore, SETTINGS_KEY } from '../settings/settings-store.ts';
import { type ActiveConversation, AppProvider, type AppServices, useApp } from './app-context.tsx';
import { Shell } from './Shell.tsx';
import { useUnreadTotal } from './use-unread-total.ts';
import { isWindowFocused } from './window-focus.ts';

export interface SessionRuntime {
  db: ChatDatabase;
  engine: SyncEngineApi;
  dispose(): Promise<void>;
}

export type StartSession = (session: Session) => SessionRuntime;

interface SignedInAppProps {
  session: Session;
  bridge: PlatformBridge;
  server: ServerClient;
  serverUrl: string;
  storage: Storage;
  startSession: StartSession;
  onSignOut: () => Promise<void>;
}

function createActiveConversation(bridge: PlatformBridge): ActiveConversation {
  let current: string | null = null;
  return {
    get: () => current,
    set(convKey) {
      if (convKey === current) return;
      current = convKey;
      bridge.setActiveConversation(convKey);
    },
  };
}

export function SignedInApp({
  session,
  bridge,
  server,
  serverUrl,
  storage,
  startSession,
  onSignOut,
}: SignedInAppProps) {
  const [runtime, setRuntime] = useState<SessionRuntime | null>(null);

  useEffect(() => {
    const started = startSession(session);
    setRuntime(started);
    return () => {
      setRuntime((current) => (current === started ? null : current));
      void started.dispose();
    };
  }, [startSession, session]);

  const services = useMemo<AppServices | null>(() => {
    if (!runtime) return null;
    return {
      user: session.user,
      auth: bridge,
      serverUrl,
      db: runtime.db,
      engine: runtime.engine,
      bridge,
      server,
      storage,
      settings: createSettingsStore(storage),
      active: createActiveConversation(bridge),
      recentConversations: new Map(),
      signOut: async () => {
        await runtime.dispose();
        await onSignOut();
      },
    };
  }, [runtime, session, serverUrl, bridge, server, storage, onSignOut]);

  if (!services) return <Spinner label="Opening your conversations" />;
  return (
    <AppProvider value={services}>
      <PlatformWiring />
      <Shell />
    </AppProvider>
  );
}

/** The engine ↔ platform connections that live as long as the session. */
function PlatformWiring() {
  const { engine, bridge, user, active, settings } = useApp();
  const navigate = useNavigate();
  const unreadTotal = useUnreadTotal();

  useEffect(() => {
    if (unreadTotal !== undefined) bridge.setBadge(unreadTotal);
  }, [bridge, unreadTotal]);

  useEffect(() => {
    const sound = createNotificationSound(() => browserAudioContext(window));
    const decide = (incoming: IncomingMessage) =>
      decideNotification(
        incoming,
        settings.get(),
        {
          myUserId: user.userId,
          activeConvKey: active.get(),
          isWindowFocused: isWindowFocused(document),
        },
        Date.now(),
      );
    const notifications = newestPerConversation((incoming) => {
      const decision = decide(incoming);
      if (!decision.notify) return;
      bridge.notify(notifyArgsFor(incoming, decision, user.userId));
      if (decision.sound) sound.play();
    });
    const stop = engine.onIncoming((incoming) => {
      if (decide(incoming).notify) notifications.add(incoming);
    });
    return () => {
      stop();
      notifications.cancel();
    };
  }, [engine, bridge, user.userId, active, settings]);

  useEffect(
    () =>
      bridge.onOpenConversation((target) =>
        navigate(chatPath(target.userId, target.conversationId)),
      ),
    [bridge, navigate],
  );

  useEffect(() => {
    const stopNetwork = bridge.onNetworkChange((isOnline) => {
      if (isOnline) engine.syncNow();
    });
    const stopResume = bridge.onResume(() => engine.syncNow());
    return () => {
      stopNetwork();
      stopResume();
    };
  }, [bridge, engine]);

  // The tab that notifies may not be the one where the settings were changed.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === SETTINGS_KEY || event.key === null) settings.reload();
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, [settings]);

  useEffect(() => () => active.set(null), [active]);
  return null;
}
