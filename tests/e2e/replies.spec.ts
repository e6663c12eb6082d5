// [§4a] Replies and reactions in the browser: one person answers a message from its
// menu, the other sees the quote, is taken to the original by it and reacts to the
// answer; a deleted original is said to be.
import { expect, test } from '@playwright/test';
import {
  conversationWith,
  messages,
  newUser,
  send,
  signedInPage,
  startConversation,
} from './support/web-app.ts';

test('a reply quotes its original and opens it, a reaction reaches the author, a deleted original is said to be', async ({
  browser,
}) => {
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

  // Alice reacts to the answer; Bob sees who, and takes nothing back by looking.
  const answer = messages(a.page).getByRole('article', { name: /: Tuesday works$/ });
  await answer.getByRole('button', { name: /^More actions/ }).click();
  await a.page.getByRole('menuitem', { name: 'React' }).click();
  await expect(a.page.getByRole('button', { name: 'React with 👍' })).toBeFocused();
  await a.page.getByRole('button', { name: 'React with 👍' }).click();
  const chip = messages(b.page).getByRole('button', {
    name: '👍 1: Alice Asks. Press to add yours',
  });
  await expect(chip).toBeVisible();
  await expect(chip).toHaveAttribute('aria-pressed', 'false');

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
