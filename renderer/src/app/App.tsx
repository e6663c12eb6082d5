// The top of the UI: restores a stored session without asking the server (so an offline
// start opens the cached conversations), else shows sign-in.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { PlatformBridge } from '../../../shared/platform/bridge.ts';
import { AuthScreen, type AuthSubmit } from '../auth/AuthScreen.tsx';
import { createSessionStore, type Session } from '../auth/session-store.ts';
import { Spinner } from '../components/EmptyState.tsx';
import type { Navigator } from '../routing/navigator.ts';
import { RouterProvider, useNavigate, useRoute } from '../routing/router.tsx';
import type { ServerClient } from '../server-client.ts';
import { SignedInApp, type StartSession } from './SignedInApp.tsx';

export interface AppProps {
  bridge: PlatformBridge;
  server: ServerClient;
  serverUrl: string;
  storage: Storage;
  navigator: Navigator;
  startSession: StartSession;
  deviceName: string;
}

type SessionState =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'signed-in'; session: Session };

export function App(props: AppProps) {
  return (
    <RouterProvider navigator={props.navigator}>
      <SessionGate {...props} />
    </RouterProvider>
  );
}

function SessionGate({ bridge, server, serverUrl, storage, startSession, deviceName }: AppProps) {
  const sessions = useMemo(() => createSessionStore(bridge, storage), [bridge, storage]);
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const route = useRoute();
  const navigate = useNavigate();

  useEffect(() => {
    let isCurrent = true;
    sessions.load().then(
      (session) =>
        isCurrent && setState(session ? { kind: 'signed-in', session } : { kind: 'signed-out' }),
      () => isCurrent && setState({ kind: 'signed-out' }),
    );
    return () => {
      isCurrent = false;
    };
  }, [sessions]);

  const isAuthRoute = route.name === 'sign-in' || route.name === 'create-account';
  useEffect(() => {
    if (state.kind === 'signed-in' && isAuthRoute) navigate('/messages', { replace: true });
    if (state.kind === 'signed-out' && !isAuthRoute) navigate('/sign-in', { replace: true });
  }, [state.kind, isAuthRoute, navigate]);

  const submit = useCallback(
    async (input: AuthSubmit) => {
      const { email, password, displayName } = input;
      const session = await sessions.signIn(
        input.mode === 'sign-in'
          ? { mode: 'sign-in', email, password, deviceName }
          : { mode: 'create-account', email, password, displayName, deviceName },
      );
      setState({ kind: 'signed-in', session });
    },
    [sessions, deviceName],
  );

  const signOut = useCallback(async () => {
    // The platform ends the session on the server when it can; offline, it simply expires.
    await sessions.signOut();
    bridge.setBadge(0);
    setState({ kind: 'signed-out' });
  }, [sessions, bridge]);

  if (state.kind === 'loading') return <Spinner label="Starting TimeNest Chat" />;
  if (state.kind === 'signed-out') {
    return (
      <AuthScreen
        mode={route.name === 'create-account' ? 'create-account' : 'sign-in'}
        onSubmit={submit}
      />
    );
  }
  return (
    <SignedInApp
      key={state.session.user.userId}
      session={state.session}
      bridge={bridge}
      server={server}
      serverUrl={serverUrl}
      storage={storage}
      startSession={startSession}
      onSignOut={signOut}
    />
  );
}
