// [§4a] Replies in the browser: one person answers a message from its menu, the other
// sees the quote and is taken to the original by it; a deleted original is said to be.
import { expect, test } from '@playwright/test';
import {
  conversationWith,
  messages,
  newUser,
  send,
  signedInPage,
  startConversation,
} from './support/web-app.ts';

test('a reply quotes its original, opens it, and says when it was deleted', async ({ browser }) => {
  const alice = await newUser('Alice Asks');
  const bob = await newUser('Bob Answers');
  await startConversation(alice, bob);
  const a = await signedInPage(browser, alice);
  const b = await signedInPage(browser, bob);

  await conversationWith(a.page, 'Bob Answers').click();
  await send(a.page, 'Is Tuesday fine?');
  for (let i = 1; i <= 3; i++) await send(a.page, `other note ${i}`);

  await conversationWith(b.page, 'Alice Asks').click();
  const original = messages(b.page).getByRole('article', { name: /: Is Tuesday fine\?$/ });
  await original.getByRole('button', { name: /^More actions/ }).click();
  await b.page.getByRole('menuitem', { name: 'Reply' }).click();
  await expect(b.page.getByText('Replying to Alice Asks: Is Tuesday fine?')).toBeVisible();
  const composer = b.page.getByRole('textbox', { name: 'Message' });
  await expect(composer).toBeFocused();
  await composer.fill('Tuesday works');
  await composer.press('Enter');
  await expect(b.page.getByText(/^Replying to/)).toHaveCount(0);

  const quote = messages(a.page).getByRole('button', {
    name: 'Reply to You: Is Tuesday fine?. Show the original',
  });
  await expect(quote).toBeVisible();
  await quote.click();
  await expect(messages(a.page).locator('.message.is-target')).toContainText('Is Tuesday fine?');

  const ownOriginal = messages(a.page).getByRole('article', { name: /: Is Tuesday fine\?$/ });
  await ownOriginal.getByRole('button', { name: /^More actions/ }).click();
  await a.page.getByRole('menuitem', { name: 'Delete' }).click();
  await a.page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(
    messages(b.page).getByRole('button', {
      name: 'Reply to Alice Asks: Original message deleted. Show the original',
    }),
  ).toBeVisible();
});
