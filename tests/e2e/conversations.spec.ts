// The conversation list and the chat around it, end to end: a conversation nobody has
// written in stays with its creator, replying clears the unread badge, the "New
// messages" line and the date separators, and drafts that never come back stale.
import { expect, test } from '@playwright/test';
import {
  conversationWith,
  demoUser,
  messages,
  newUser,
  openPage,
  saveScreenshot,
  send,
  shownNotifications,
  signedInPage,
  startConversation,
} from './support/web-app.ts';

test('[S3.1] "Contact requester" shows the conversation to the other person only once a message is sent', async ({
  browser,
}) => {
  const bob = await demoUser('bob@timenest.local');
  const quinn = await newUser('Quinn Walker');
  const b = await signedInPage(browser, bob, { notifications: true });
  const q = await signedInPage(browser, quinn);

  await openPage(q.page, 'Services');
  await q.page
    .getByRole('article', { name: 'Dog walking while I travel' })
    .getByRole('button', { name: 'Contact requester' })
    .click();
  await expect(q.page.getByRole('heading', { name: 'Bob Requester' })).toBeVisible();
  await expect(conversationWith(q.page, 'Bob Requester')).toContainText(
    'Dog walking while I travel',
  );
  // It is there for its creator offline too, and after a reload.
  await q.context.setOffline(true);
  await q.page.reload();
  await expect(conversationWith(q.page, 'Bob Requester')).toBeVisible();
  await q.context.setOffline(false);

  await b.page.reload();
  await expect(conversationWith(b.page, 'Alice Provider')).toBeVisible();
  await expect(conversationWith(b.page, 'Quinn Walker')).toHaveCount(0);

  await conversationWith(q.page, 'Bob Requester').click();
  await send(q.page, 'I can walk the dog on Monday');
  await expect(conversationWith(b.page, 'Quinn Walker')).toHaveCount(1);
  await expect(conversationWith(b.page, 'Quinn Walker')).toContainText(
    'I can walk the dog on Monday',
  );
  await expect
    .poll(() => shownNotifications(b.page))
    .toEqual([
      {
        title: expect.any(String),
        body: '\u2068I can walk the dog on Monday\u2069',
        tag: expect.any(String),
      },
    ]);
  await b.page.reload();
  await expect(conversationWith(b.page, 'Quinn Walker')).toHaveCount(1);
  await expect(messages(q.page).getByRole('img', { name: /Delivered|Read/ })).toBeVisible();
  await Promise.all([b.context.close(), q.context.close()]);
});

test('a draft changed or cleared just before a reload comes back as last typed, and the list shows it', async ({
  browser,
}) => {
  const dora = await newUser('Dora Drafter');
  const ezra = await newUser('Ezra Reader');
  await startConversation(ezra, dora);
  const d = await signedInPage(browser, dora);
  await conversationWith(d.page, 'Ezra Reader').click();
  const composer = d.page.getByRole('textbox', { name: 'Message' });

  await composer.fill('See you at nine');
  await composer.fill('See you at ten');
  await d.page.reload();
  await expect(composer).toHaveValue('See you at ten');
  await expect(conversationWith(d.page, 'Ezra Reader')).toContainText('Draft: See you at ten');
  await saveScreenshot(d.page, 'conversation-list-with-draft');

  await composer.fill('');
  await d.page.reload();
  await expect(conversationWith(d.page, 'Ezra Reader')).toContainText('No messages yet');
  await expect(composer).toHaveValue('');
  await expect(conversationWith(d.page, 'Ezra Reader')).not.toContainText('Draft:');
  await d.context.close();
});
