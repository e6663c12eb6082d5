// Two tabs of one browser profile (DESIGN §3.8): they share IndexedDB and elect one
// leader through Web Locks. The other tab opens no sync socket; what it writes goes out
// through the leader; when the leader's tab closes, the other takes over.
import { expect, type Page, test } from '@playwright/test';
import {
  conversationWith,
  messages,
  messageTexts,
  newUser,
  send,
  signedInPage,
  startConversation,
  syncState,
  webUrl,
} from './support/web-app.ts';

/** Counts the sync sockets (`/trpc`) a page opens from now on. */
function countSyncSockets(page: Page): () => number {
  let opened = 0;
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).pathname === '/trpc') opened++;
  });
  return () => opened;
}

test('two tabs of one profile: one leads, the other writes through it and takes over when it closes', async ({
  browser,
}) => {
  const alice = await newUser('Alice Tabs');
  const bob = await newUser('Bob Tabs');
  await startConversation(alice, bob);
  const first = await signedInPage(browser, alice);
  const b = await signedInPage(browser, bob);
  await expect(syncState(first.page)).toHaveText('Online');

  const second = await first.context.newPage();
  const secondSockets = countSyncSockets(second);
  await second.goto(`${webUrl()}/messages`);
  await conversationWith(second, 'Bob Tabs').click();
  await expect(messages(second)).toBeVisible();
  // The follower shows the leader's connection, not one of its own.
  await expect(syncState(second)).toHaveText('Online');

  await send(second, 'from the second tab');
  await conversationWith(b.page, 'Alice Tabs').click();
  await expect(messages(b.page).getByText('from the second tab')).toHaveCount(1);
  await expect(messages(second).getByRole('img', { name: 'Read' })).toHaveCount(1);
  expect(secondSockets()).toBe(0);

  await first.page.close();
  await send(second, 'after the first tab closed');
  await expect(messages(b.page).getByText('after the first tab closed')).toHaveCount(1);
  expect(secondSockets()).toBeGreaterThan(0);
  expect(await messageTexts(b.page)).toEqual(['from the second tab', 'after the first tab closed']);
  await expect(syncState(second)).toHaveText('Online');

  await first.context.close();
  await b.context.close();
});
