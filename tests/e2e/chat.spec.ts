// The web app end to end, in Debian's Chromium against the real server and MariaDB: two
// people in two browser contexts, offline sending that survives a reload, delivery in
// order exactly once, read receipts, notifications, offline search, a message the
// server refuses, and "Contact provider" finding the same conversation twice.
import { expect, test } from '@playwright/test';
import {
  conversationList,
  conversationWith,
  messages,
  messageTexts,
  newUser,
  openPage,
  saveScreenshot,
  send,
  sendByRest,
  shellCachedForOffline,
  shownNotifications,
  signedInPage,
  startConversation,
  syncState,
  webUrl,
} from './support/web-app.ts';

test('messages written offline survive a reload, arrive once and in order, and come back as Read', async ({
  browser,
}) => {
  const alice = await newUser('Alice Offline');
  const bob = await newUser('Bob Online');
  await startConversation(alice, bob);
  const a = await signedInPage(browser, alice);
  const b = await signedInPage(browser, bob);

  await conversationWith(a.page, 'Bob Online').click();
  await expect(messages(a.page)).toBeVisible();
  await expect(syncState(a.page)).toHaveText('Online');
  await shellCachedForOffline(a.page);

  await a.context.setOffline(true);
  await expect(syncState(a.page)).toContainText('Offline');
  for (const text of ['first while offline', 'second while offline', 'third while offline'])
    await send(a.page, text);
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toHaveCount(3);
  await expect(syncState(a.page)).toContainText('Offline');
  await expect(syncState(a.page)).toContainText('3 pending');
  await saveScreenshot(a.page, 'offline');

  await a.page.reload();
  await expect(messages(a.page)).toBeVisible();
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toHaveCount(3);
  expect(await messageTexts(a.page)).toEqual([
    'first while offline',
    'second while offline',
    'third while offline',
  ]);
  await expect(syncState(a.page)).toContainText('3 pending');

  await openPage(a.page, 'Outbox');
  await expect(
    a.page.getByRole('list', { name: 'Waiting messages' }).getByRole('listitem'),
  ).toHaveCount(3);
  await saveScreenshot(a.page, 'outbox');
  await a.page.goBack();

  await a.context.setOffline(false);
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toHaveCount(0);
  await expect(syncState(a.page)).not.toContainText('pending');

  await expect(conversationWith(b.page, 'Alice Offline')).toContainText('third while offline');
  await expect(conversationWith(b.page, 'Alice Offline')).toHaveAccessibleName(/3 unread/);
  await saveScreenshot(b.page, 'list');
  await conversationWith(b.page, 'Alice Offline').click();
  await expect(messages(b.page).getByText('third while offline')).toBeVisible();
  expect(await messageTexts(b.page)).toEqual([
    'first while offline',
    'second while offline',
    'third while offline',
  ]);

  await expect(messages(a.page).getByRole('img', { name: 'Read' })).toHaveCount(3);
  await saveScreenshot(a.page, 'chat');
  await a.context.close();
  await b.context.close();
});

test('a message notifies only when its conversation is not the one on screen', async ({
  browser,
}) => {
  const alice = await newUser('Alice Sender');
  const bob = await newUser('Bob Receiver');
  const carol = await newUser('Carol Other');
  const withBob = await startConversation(alice, bob);
  await startConversation(carol, bob);
  const b = await signedInPage(browser, bob, { notifications: true });

  await conversationWith(b.page, 'Carol Other').click();
  await expect(messages(b.page)).toBeVisible();
  await sendByRest(alice, withBob, 'ping while you read Carol');
  await expect
    .poll(() => shownNotifications(b.page))
    .toEqual([
      {
        // Someone else's words are bidi-isolated in the plain strings the OS shows.
        title: '\u2068Alice Sender\u2069 · Direct message',
        body: '\u2068ping while you read Carol\u2069',
        tag: expect.any(String),
      },
    ]);

  await conversationWith(b.page, 'Alice Sender').click();
  await expect(messages(b.page).getByText('ping while you read Carol')).toBeVisible();
  await sendByRest(alice, withBob, 'ping while you read me');
  await expect(messages(b.page).getByText('ping while you read me')).toBeVisible();
  expect(await shownNotifications(b.page)).toHaveLength(1);
  await b.context.close();
});

test('search finds a stored message while offline and jumps to it', async ({ browser }) => {
  const alice = await newUser('Alice Searcher');
  const bob = await newUser('Bob Writer');
  const conversationId = await startConversation(bob, alice);
  await sendByRest(bob, conversationId, 'The bicycle needs a new derailleur before Saturday');
  await sendByRest(bob, conversationId, 'Something unrelated');
  const a = await signedInPage(browser, alice);
  await expect(conversationWith(a.page, 'Bob Writer')).toContainText('Something unrelated');

  await a.context.setOffline(true);
  await expect(syncState(a.page)).toContainText('Offline');
  await a.page.keyboard.press('Control+k');
  await expect(a.page.getByRole('searchbox', { name: 'Search' })).toBeFocused();
  await a.page.keyboard.type('derail');
  const results = a.page.getByRole('region', { name: 'Search results' });
  await expect(results.locator('mark')).toHaveText('derailleur');
  await results.getByRole('link', { name: /Bob Writer/ }).click();
  await expect(
    messages(a.page).getByText('The bicycle needs a new derailleur before Saturday'),
  ).toBeVisible();
  await a.context.close();
});

test('a message the server refuses shows Failed and can be discarded', async ({ browser }) => {
  const alice = await newUser('Alice Refused');
  const a = await signedInPage(browser, alice);
  // A listing whose owner does not exist: the server refuses the conversation and its message.
  await a.page.route('**/trpc/catalog.list**', (route) =>
    route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify({
        result: {
          data: [
            {
              kind: 'service',
              id: 424242,
              title: 'A listing that vanished',
              description: 'Its provider left.',
              hours: 1,
              owner: { userId: 2_000_000_000, displayName: 'Ghost Provider' },
            },
          ],
        },
      }),
    }),
  );
  await openPage(a.page, 'Services');
  const contact = a.page.getByRole('button', { name: 'Contact provider' });
  await expect(contact).toBeVisible();
  // Started offline, so the conversation and its first message reach the server together.
  await a.context.setOffline(true);
  await contact.click();
  await expect(messages(a.page)).toBeVisible();
  await send(a.page, 'hello, anyone there?');
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toBeVisible();
  await a.context.setOffline(false);

  await expect(messages(a.page).getByRole('img', { name: 'Failed' })).toBeVisible();
  await expect(syncState(a.page)).toContainText('1 failed');
  await messages(a.page).getByRole('button', { name: 'Discard' }).click();
  await expect(messages(a.page).getByText('hello, anyone there?')).toHaveCount(0);
  await expect(syncState(a.page)).not.toContainText('failed');
  await a.context.close();
});

test('"Contact provider" twice opens the same conversation', async ({ browser }) => {
  const carol = await newUser('Carol Customer');
  const c = await signedInPage(browser, carol);
  await openPage(c.page, 'Services');
  const guitar = c.page.getByRole('article', { name: 'Guitar lessons for beginners' });
  await guitar.getByRole('button', { name: 'Contact provider' }).click();
  await expect(messages(c.page)).toBeVisible();
  await expect(c.page.getByRole('heading', { name: 'Alice Provider' })).toBeVisible();
  await send(c.page, 'Do you have time on Sunday?');
  await expect(messages(c.page).getByRole('img', { name: /Sent|Delivered|Read/ })).toBeVisible();

  await openPage(c.page, 'Services');
  await c.page
    .getByRole('article', { name: 'Guitar lessons for beginners' })
    .getByRole('button', { name: 'Contact provider' })
    .click();
  await expect(messages(c.page).getByText('Do you have time on Sunday?')).toBeVisible();
  await expect(conversationList(c.page).getByRole('link')).toHaveCount(1);
  await expect(conversationWith(c.page, 'Alice Provider')).toContainText(
    'Guitar lessons for beginners',
  );

  // A reload while signed in opens straight into the conversations, without signing in.
  await c.page.goto(`${webUrl()}/messages`);
  await expect(conversationWith(c.page, 'Alice Provider')).toBeVisible();
  await c.context.close();
});

test('the keyboard moves through the list, opens a conversation and leaves it with Escape', async ({
  browser,
}) => {
  const dana = await newUser('Dana Keys');
  const erin = await newUser('Erin First');
  const finn = await newUser('Finn Second');
  await startConversation(erin, dana);
  await startConversation(finn, dana);
  const d = await signedInPage(browser, dana);
  await expect(conversationList(d.page).getByRole('link')).toHaveCount(2);

  await d.page.getByRole('searchbox', { name: 'Search' }).focus();
  await d.page.keyboard.press('ArrowDown');
  const first = conversationList(d.page).getByRole('link').first();
  await expect(first).toBeFocused();
  await d.page.keyboard.press('ArrowDown');
  const second = conversationList(d.page).getByRole('link').nth(1);
  await expect(second).toBeFocused();
  await d.page.keyboard.press('Enter');
  await expect(messages(d.page)).toBeVisible();
  await d.page.keyboard.press('Escape');
  await expect(messages(d.page)).toHaveCount(0);
  await expect(d.page).toHaveURL(/\/messages$/);
  await expect(second).toBeFocused();
  await d.context.close();
});
