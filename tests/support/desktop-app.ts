// The desktop app's end-to-end story, shared by the test of the built app in node_modules'
// Electron (tests/e2e/electron.spec.ts) and the smoke test of a packaged one
// (tests/desktop-smoke/): against a server of its own over a fresh database, sign in,
// send a message, receive one with the window hidden and see its notification, then open
// a conversation through a deep link passed to a second launch.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ElectronApplication,
  _electron as electron,
  expect,
  type Page,
} from '@playwright/test';
import { createUser, rest, waitFor } from './clients.ts';
import { type FreshDatabase, freshDatabase } from './database.ts';

/** Where the app was built to find its server (SERVER_URL at build time). */
const SERVER_URL = process.env.E2E_SERVER_URL ?? 'http://127.0.0.1:8787';
const DEMO_PASSWORD = 'timenest-demo';
/** The desktop page's origin, which the server must accept for CORS. */
const DESKTOP_ORIGIN = 'app://timenest';

export interface DesktopApp {
  /** node_modules' Electron, or the executable inside a packaged app. */
  executablePath: string;
  /** What comes before a deep link on the command line: the built main entry for a bare
   * Electron, nothing for a packaged app. */
  args: string[];
}

interface ShownNotification {
  title: string;
  body: string;
}

function definedEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}

function runCli(command: 'seed' | 'serve', env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', command], {
    env: { ...process.env, LOG_LEVEL: 'warn', SCRYPT_COST: '1024', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
}

/** Text in the conversation pane, not the preview of it in the conversation list. */
function inConversationPane(page: Page, text: string) {
  return page
    .getByText(text, { exact: true })
    .and(page.locator(':not(nav[aria-label="Conversations"] *)'));
}

async function login(email: string): Promise<{ token: string; userId: number }> {
  const answer = await rest<{ token: string; user: { user_id: number } }>(
    SERVER_URL,
    'POST',
    '/api/v1/auth/login',
    {
      body: { email, password: DEMO_PASSWORD },
    },
  );
  expect(answer.status).toBe(200);
  return { token: answer.body.token, userId: answer.body.user.user_id };
}

/** The whole story; throws at the first step that fails. Needs MariaDB as for the
 * integration tests and, on Linux without a display, xvfb-run. */
export async function signInSendReceiveAndOpenDeepLink(desktop: DesktopApp): Promise<void> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const database: FreshDatabase = await freshDatabase('e2e_desktop');
    cleanups.push(() => database.drop());
    const port = new URL(SERVER_URL).port || '80';

    // Migrate and seed the demo users (alice, bob) on a throwaway port, then serve.
    expect(await exited(runCli('seed', { DATABASE_URL: database.url, PORT: '0' }))).toBe(0);
    const server = runCli('serve', {
      DATABASE_URL: database.url,
      PORT: port,
      CORS_ORIGINS: DESKTOP_ORIGIN,
    });
    cleanups.push(async () => {
      server.kill('SIGTERM');
      await exited(server);
    });
    await waitFor(
      () =>
        fetch(`${SERVER_URL}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: 'the server',
      },
    );

    const userDataDir = await mkdtemp(join(tmpdir(), 'timenest-e2e-'));
    cleanups.push(() => rm(userDataDir, { recursive: true, force: true }));
    // Its own profile: its own single-instance lock, token and settings.
    const env = { ...definedEnvironment(), TIMENEST_USER_DATA_DIR: userDataDir };

    const app: ElectronApplication = await electron.launch({
      executablePath: desktop.executablePath,
      args: desktop.args,
      env,
    });
    cleanups.push(() => app.close());

    // Record every notification the main process shows; CI machines often have no
    // notification daemon, so report them as supported.
    await app.evaluate(({ Notification }) => {
      const shown: Array<{ title: string; body: string }> = [];
      Reflect.set(globalThis, '__timenestShownNotifications', shown);
      const show = Notification.prototype.show;
      Notification.isSupported = () => true;
      Notification.prototype.show = function recordAndShow(
        this: InstanceType<typeof Notification>,
      ) {
        shown.push({ title: this.title, body: this.body });
        show.call(this);
      };
    });
    const shownNotifications = () =>
      app.evaluate(
        () =>
          (Reflect.get(globalThis, '__timenestShownNotifications') ?? []) as ShownNotification[],
      );

    const page = await app.firstWindow();
    await signIn(page, 'alice@timenest.local');
    // [§6] Signed in, syncing, yet the page holds no token: main signed in and adds it to
    // the page's requests (docs/desktop.md, "The session token").
    expect(
      await page.evaluate(() => {
        const bridge: unknown = Reflect.get(window, 'timenest');
        const member = (name: string): unknown =>
          typeof bridge === 'object' && bridge !== null ? Reflect.get(bridge, name) : undefined;
        const authHeaders = member('authHeaders');
        return {
          stored: Object.keys(localStorage).filter((key) => /token/i.test(key)),
          presented: typeof authHeaders === 'function' ? authHeaders() : 'no bridge',
          canAsk: typeof member('getToken'),
        };
      }),
    ).toEqual({ stored: [], presented: {}, canAsk: 'undefined' });

    // Send: Alice writes to Bob in the seeded conversation.
    const bob = await login('bob@timenest.local');
    const alice = await login('alice@timenest.local');
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByText('Bob Requester')
      .first()
      .click();
    const sent = `hello from the desktop ${randomUUID().slice(0, 8)}`;
    await page.getByRole('textbox', { name: 'Message' }).fill(sent);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(inConversationPane(page, sent)).toBeVisible();
    const conversations = await rest<{
      conversations: Array<{ conversation_id: number; other_user: { user_id: number } }>;
    }>(SERVER_URL, 'GET', '/api/v1/chat/conversations', { token: bob.token });
    const withAlice = conversations.body.conversations.find(
      (c) => c.other_user.user_id === alice.userId,
    );
    if (!withAlice) throw new Error('the seeded conversation between Bob and Alice is missing');
    await waitFor(
      async () => {
        const history = await rest<{ messages: Array<{ content: string }> }>(
          SERVER_URL,
          'GET',
          `/api/v1/chat/conversations/${withAlice.conversation_id}/messages`,
          { token: bob.token },
        );
        return history.body.messages.some((m) => m.content === sent);
      },
      { timeoutMs: 20_000, intervalMs: 200, what: 'the sent message on the server' },
    );

    // Receive: with the window hidden to the tray, Bob answers; a notification is shown.
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.hide());
    const answer = `answer from Bob ${randomUUID().slice(0, 8)}`;
    const posted = await rest(SERVER_URL, 'POST', '/api/v1/chat/messages', {
      token: bob.token,
      body: {
        conversation_id: withAlice.conversation_id,
        content: answer,
        client_msg_id: randomUUID(),
      },
    });
    expect(posted.status).toBe(201);
    const notification = await waitFor(
      async () => (await shownNotifications()).find((n) => n.body === answer),
      { timeoutMs: 30_000, intervalMs: 250, what: 'a notification for the received message' },
    );
    expect(notification.title).toContain('Bob');

    // Deep link: Carol writes to Alice; a second launch with the link focuses the first
    // instance, which shows the window again and opens Carol's conversation.
    const carol = await createUser(SERVER_URL, 'Carol');
    const created = await rest<{ conversation_id: number }>(
      SERVER_URL,
      'POST',
      '/api/v1/chat/conversations',
      {
        token: carol.token,
        body: { other_user_id: alice.userId, conversation_type: 'general' },
      },
    );
    expect(created.status).toBe(201);
    const fromCarol = `deep link target ${randomUUID().slice(0, 8)}`;
    await rest(SERVER_URL, 'POST', '/api/v1/chat/messages', {
      token: carol.token,
      body: {
        conversation_id: created.body.conversation_id,
        content: fromCarol,
        client_msg_id: randomUUID(),
      },
    });
    const deepLink = `timenest://chat/${carol.user.userId}?conversation_id=${created.body.conversation_id}`;
    const secondLaunch = spawn(desktop.executablePath, [...desktop.args, deepLink], {
      env,
      stdio: 'ignore',
    });
    await exited(secondLaunch);

    await expect
      .poll(() =>
        app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible() ?? false),
      )
      .toBe(true);
    await expect(inConversationPane(page, fromCarol)).toBeVisible({ timeout: 30_000 });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}
