// [§3] The message log over a long conversation: it opens at the latest message, anchored
// to the bottom, holds only what is near the screen, loads older pages as you scroll back
// to the very first message, and counts what arrives meanwhile on a button that takes you
// back to the latest.
import { expect, test } from '@playwright/test';
import {
  conversationWith,
  messages,
  newUser,
  saveScreenshot,
  sendByRest,
  signedInPage,
  startConversation,
} from './support/web-app.ts';

test('a 160-message conversation opens at its latest message, scrolls back to its first, and counts new ones on the way back', async ({
  browser,
}) => {
  const alice = await newUser('Alice Archivist');
  const bob = await newUser('Bob Chatty');
  const conversationId = await startConversation(alice, bob);
  for (let i = 1; i <= 160; i++) await sendByRest(alice, conversationId, `note number ${i}`);
  const a = await signedInPage(browser, alice);
  await conversationWith(a.page, 'Bob Chatty').click();

  const log = messages(a.page);
  await expect(log.getByText('note number 160', { exact: true })).toBeInViewport();
  // Virtualized: the first message is nowhere in the page yet.
  await expect(log.getByText('note number 1', { exact: true })).toHaveCount(0);
  await saveScreenshot(a.page, 'message-log-opened-at-latest');

  // Each older page keeps what is on screen in place as it arrives above; scrolling on
  // reaches the first message and the line that says nothing came before it.
  await log.hover();
  await expect(async () => {
    await a.page.mouse.wheel(0, -4000);
    await expect(log.getByText('note number 1', { exact: true })).toBeInViewport({
      timeout: 500,
    });
    await expect(log.getByText('This is the beginning of your conversation')).toBeInViewport({
      timeout: 500,
    });
  }).toPass({ timeout: 30_000 });
  // Still virtualized at the other end: far fewer rows in the page than messages.
  expect(await log.locator('[data-message-id]').count()).toBeLessThan(80);

  await sendByRest(bob, conversationId, 'fresh news from Bob');
  const newOnes = a.page.getByRole('button', { name: '1 new message' });
  await expect(newOnes).toBeVisible();
  await newOnes.click();
  await expect(log.getByText('fresh news from Bob')).toBeInViewport();
  await expect(newOnes).toBeHidden();
  await a.context.close();
});
