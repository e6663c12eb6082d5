// The conversation list and the chat around it, end to end: a conversation nobody has
// written in stays with its creator, replying clears the unread badge, the "New
// messages" line and the date separators, and drafts that never come back stale.
import { expect, test } from '@playwright/test';
import {
  conversationWith,
  demoUser,
  messages,
  messageTexts,
  newUser,
  openPage,
  saveScreenshot,
  send,
  sendByRest,
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

test('[S3.5] a 300-message backlog opens at the "New messages" line above its first unread, and replying clears the badge', async ({
  browser,
}) => {
  // 300 messages through the REST API and into the browser take a while on a shared machine.
  test.setTimeout(120_000);
  const fay = await newUser('Fay Backlog');
  const gus = await newUser('Gus Chatty');
  const withFay = await startConversation(gus, fay);
  await sendByRest(gus, withFay, 'already read');
  const f = await signedInPage(browser, fay);
  const gusInList = conversationWith(f.page, 'Gus Chatty');
  await gusInList.click();
  await expect(messages(f.page).getByText('already read')).toBeVisible();
  await openPage(f.page, 'Chats');
  await expect(gusInList).not.toHaveAccessibleName(/unread/);

  // Sent 20 at a time: their order among themselves does not matter here.
  for (let i = 0; i < 300; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, (_, j) => sendByRest(gus, withFay, `backlog ${i + j + 1}`)),
    );
  }
  await expect(gusInList).toHaveAccessibleName(/300 unread/);
  await gusInList.click();
  const marker = messages(f.page).getByRole('separator', { name: 'New messages' });
  await expect(marker).toBeVisible();
  // The rows either side of the line, in the order the log reads.
  const neighbours = await marker.evaluate((line) => {
    const log = line.closest('[role="log"]');
    const rows = [...(log?.querySelectorAll('.message-text, [role="separator"]') ?? [])];
    const at = rows.indexOf(line);
    return [rows[at - 1]?.textContent, rows[at + 1]?.textContent];
  });
  expect(neighbours).toEqual(['already read', expect.stringMatching(/^backlog \d+$/)]);

  // With the window in the background nothing is read, until the user replies.
  await f.page.evaluate(() => {
    document.hasFocus = () => false;
    window.dispatchEvent(new Event('blur'));
  });
  await sendByRest(gus, withFay, 'are you there?');
  await expect(gusInList).toHaveAccessibleName(/1 unread/);
  await send(f.page, 'Yes, reading it all now');
  await expect(gusInList).not.toHaveAccessibleName(/unread/);
  await f.page.reload();
  await expect(gusInList).toContainText('You: Yes, reading it all now');
  await expect(gusInList).not.toHaveAccessibleName(/unread/);
  await f.context.close();
});

test('date separators name the weekday for a day earlier this week', async ({ browser }) => {
  const hal = await newUser('Hal Earlier');
  const ivy = await newUser('Ivy Later');
  const withIvy = await startConversation(hal, ivy);
  await sendByRest(hal, withIvy, 'Are we still on for the lessons?');
  await sendByRest(hal, withIvy, 'Let me know');
  const i = await signedInPage(browser, ivy);
  // Three days on, the messages sent today are from that weekday.
  const sentOn = new Date();
  await i.page.clock.install({ time: new Date(sentOn.getTime() + 3 * 86_400_000) });
  await i.page.reload();
  await conversationWith(i.page, 'Hal Earlier').click();
  const weekday = new Intl.DateTimeFormat('en-US', { weekday: 'long' }).format(sentOn);
  await expect(messages(i.page).getByRole('separator', { name: weekday })).toBeVisible();
  await expect(messages(i.page).getByRole('separator', { name: 'Today' })).toHaveCount(0);
  expect(await messageTexts(i.page)).toEqual(['Are we still on for the lessons?', 'Let me know']);
  await saveScreenshot(i.page, 'conversation-with-date-separators');
  await i.context.close();
});
