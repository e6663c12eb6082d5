// Builders for the browser tests: users and conversations made through the REST API,
// signed-in browser contexts, the app's landmarks by their accessible names, and a
// recorder standing in for the browser's Notification API.
import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import { createUser, rest, type TestUser } from '../../support/clients.ts';

export function serverUrl(): string {
  const url = process.env.TIMENEST_E2E_SERVER_URL;
  if (!url) throw new Error('TIMENEST_E2E_SERVER_URL is not set: run through playwright.config.ts');
  return url;
}

export function webUrl(): string {
  const url = process.env.TIMENEST_E2E_WEB_URL;
  if (!url) throw new Error('TIMENEST_E2E_WEB_URL is not set: run through playwright.config.ts');
  return url;
}

export function newUser(displayName: string): Promise<TestUser> {
  return createUser(serverUrl(), displayName);
}

/** One of the two people the server seeds (`alice@timenest.local`, `bob@timenest.local`),
 * signed in through the REST API. */
export async function demoUser(email: string): Promise<TestUser> {
  const password = 'timenest-demo';
  const answer = await rest<{ token: string; user: { user_id: number; display_name: string } }>(
    serverUrl(),
    'POST',
    '/api/v1/auth/login',
    { body: { email, password } },
  );
  if (answer.status !== 200) throw new Error(`login ${email}: ${answer.status}`);
  const { token, user } = answer.body;
  return { token, password, user: { userId: user.user_id, email, displayName: user.display_name } };
}

export async function startConversation(from: TestUser, to: TestUser): Promise<number> {
  const answer = await rest<{ conversation_id: number }>(
    serverUrl(),
    'POST',
    '/api/v1/chat/conversations',
    {
      token: from.token,
      body: { other_user_id: to.user.userId, conversation_type: 'general' },
    },
  );
  if (answer.status !== 201 && answer.status !== 200)
    throw new Error(`conversation: ${answer.status}`);
  return answer.body.conversation_id;
}

export async function sendByRest(
  from: TestUser,
  conversationId: number,
  content: string,
): Promise<void> {
  const answer = await rest(serverUrl(), 'POST', '/api/v1/chat/messages', {
    token: from.token,
    body: { conversation_id: conversationId, content },
  });
  if (answer.status !== 201) throw new Error(`send: ${answer.status}`);
}

export interface RecordedNotification {
  title: string;
  body: string;
  tag: string;
}

export type PermissionState = 'granted' | 'default' | 'denied';

/** Replaces window.Notification in every page of the context with a recorder, so a test
 * can see exactly what the web bridge showed and how often it asked for permission. By
 * default it already has permission; asked from 'default', the user allows. */
export async function recordNotifications(
  context: BrowserContext,
  permission: PermissionState = 'granted',
): Promise<void> {
  await context.addInitScript((initial: PermissionState) => {
    const shown: Array<{ title: string; body: string; tag: string }> = [];
    let permissionRequests = 0;
    class RecordingNotification {
      static permission = initial;
      static requestPermission = async () => {
        permissionRequests += 1;
        if (RecordingNotification.permission === 'default') {
          RecordingNotification.permission = 'granted';
        }
        return RecordingNotification.permission;
      };
      onclick: (() => void) | null = null;
      onclose: (() => void) | null = null;
      constructor(title: string, options: { body?: string; tag?: string } = {}) {
        shown.push({ title, body: options.body ?? '', tag: options.tag ?? '' });
      }
      close() {}
    }
    Object.defineProperty(window, 'Notification', {
      value: RecordingNotification,
      configurable: true,
    });
    Object.defineProperty(window, '__shownNotifications', { value: shown });
    Object.defineProperty(window, '__permissionRequests', { get: () => permissionRequests });
  }, permission);
}

export function shownNotifications(page: Page): Promise<RecordedNotification[]> {
  return page.evaluate(
    () =>
      (window as unknown as { __shownNotifications: RecordedNotification[] }).__shownNotifications,
  );
}

/** How many times the page called Notification.requestPermission. */
export function permissionRequests(page: Page): Promise<number> {
  return page.evaluate(
    () => (window as unknown as { __permissionRequests: number }).__permissionRequests,
  );
}

/** Counts the notes the app's WebAudio chime starts, in every page of the context. */
export async function recordChimes(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    let notes = 0;
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function countedStart(...args) {
      notes += 1;
      return start.apply(this, args);
    };
    Object.defineProperty(window, '__chimeNotes', { get: () => notes });
  });
}

export function chimeNotes(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __chimeNotes: number }).__chimeNotes);
}

export async function signedInPage(
  browser: Browser,
  user: TestUser,
  options: {
    notifications?: boolean;
    permission?: PermissionState;
    /** Prepares the context before the first page loads (init scripts). */
    beforeLoad?: (context: BrowserContext) => Promise<void>;
    colorScheme?: 'light' | 'dark';
    viewport?: { width: number; height: number };
    /** Where the app is served; the preview of the production build by default. */
    appUrl?: string;
  } = {},
) {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  if (options.notifications || options.permission) {
    await recordNotifications(context, options.permission);
  }
  await options.beforeLoad?.(context);
  const page = await context.newPage();
  await page.goto(`${options.appUrl ?? webUrl()}/sign-in`);
  await page.getByLabel('Email').fill(user.user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await conversationList(page).waitFor();
  return { context, page };
}

/** Resolves once the service worker controls the page, so a reload works offline. */
export async function shellCachedForOffline(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, {
    timeout: 15_000,
  });
}

/** Resolves once every file the page loaded from its own origin (the API aside) is in
 * the service worker's cache: on the dev server nothing is precached. */
export async function loadedFilesCached(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => {
      const shell = (await caches.keys()).find((name) => name.startsWith('timenest-shell-'));
      if (!shell) return false;
      const cache = await caches.open(shell);
      const pathOf = (url: URL) => `${url.pathname}${url.search}`;
      const cached = new Set((await cache.keys()).map((r) => pathOf(new URL(r.url))));
      return (
        cached.has('/index.html') &&
        performance
          .getEntriesByType('resource')
          .map((entry) => new URL(entry.name))
          .filter((url) => url.origin === location.origin)
          .filter((url) => !/^\/(trpc|api\/|yjs|healthz)/.test(url.pathname))
          .every((url) => cached.has(pathOf(url)))
      );
    },
    undefined,
    { timeout: 15_000 },
  );
}

export const conversationList = (page: Page): Locator =>
  page.getByRole('navigation', { name: 'Conversations' });

export function conversationWith(page: Page, displayName: string): Locator {
  const escaped = displayName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return conversationList(page).getByRole('link', { name: new RegExp(`^${escaped}`) });
}

/** A page of the app through the navigation rail: Chats, Services, Outbox or Scheduled. */
export function openPage(
  page: Page,
  name: 'Chats' | 'Services' | 'Outbox' | 'Scheduled',
): Promise<void> {
  return page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name, exact: true })
    .click();
}

export const messages = (page: Page): Locator => page.getByRole('log', { name: 'Messages' });
export const syncState = (page: Page): Locator => page.getByRole('status');

export async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
}

/** The texts of the messages in the log, top to bottom. */
export function messageTexts(page: Page): Promise<string[]> {
  return messages(page).locator('.message-text').allTextContents();
}

export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png` });
}
