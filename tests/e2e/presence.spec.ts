// [§4] Presence in the web app, two people in two browser contexts: "typing" shows on
// Bob's screen while Alice types, goes away when she sends or stops for 3 s, and the
// online mark goes when she leaves.
import { expect, type Page, test } from '@playwright/test';
import {
  conversationWith,
  messages,
  newUser,
  signedInPage,
  startConversation,
} from './support/web-app.ts';

const chatHeader = (page: Page) => page.locator('.chat-header');
const composer = (page: Page) => page.getByRole('textbox', { name: 'Message' });

test('Bob sees "typing" while Alice types; it clears when she sends, stops, or leaves', async ({
  browser,
}) => {
  const alice = await newUser('Alice Typist');
  const bob = await newUser('Bob Watcher');
  await startConversation(alice, bob);
  const a = await signedInPage(browser, alice);
  const b = await signedInPage(browser, bob);
  await conversationWith(a.page, 'Bob Watcher').click();
  await conversationWith(b.page, 'Alice Typist').click();
  await expect(chatHeader(b.page).getByText('online')).toBeVisible();

  await composer(a.page).pressSequentially('Hello Bob', { delay: 40 });
  await expect(chatHeader(b.page).getByText('typing')).toBeVisible({ timeout: 2000 });

  await a.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(chatHeader(b.page).getByText('typing')).toBeHidden({ timeout: 2000 });
  await expect(messages(b.page).getByText('Hello Bob')).toBeVisible();

  // Typing without sending: the indicator ends 3 s after the last keystroke.
  await composer(a.page).pressSequentially('one more', { delay: 40 });
  await expect(chatHeader(b.page).getByText('typing')).toBeVisible({ timeout: 2000 });
  const lastKeystroke = Date.now();
  await expect(chatHeader(b.page).getByText('typing')).toBeHidden({ timeout: 6000 });
  expect(Date.now() - lastKeystroke).toBeGreaterThanOrEqual(2500);

  await a.context.close();
  await expect(chatHeader(b.page).getByText('online')).toBeHidden({ timeout: 5000 });
  await b.context.close();
});
