// [§4a] Starting a chat with a person found by name, without a service or a request.
import { expect, test } from '@playwright/test';
import { conversationWith, messages, newUser, send, signedInPage } from './support/web-app.ts';

test('someone found by name gets a general chat, and the first message reaches them', async ({
  browser,
}) => {
  const alice = await newUser('Alice Finder');
  const bob = await newUser('Bobbie Quinlan');
  const a = await signedInPage(browser, alice);
  const b = await signedInPage(browser, bob);

  await a.page.getByRole('button', { name: 'New chat' }).click();
  await a.page.getByRole('searchbox', { name: 'Search people by name' }).fill('quin');
  await a.page.getByRole('button', { name: 'Bobbie Quinlan' }).click();
  await expect(messages(a.page)).toBeVisible();
  await send(a.page, 'Hi Bobbie, do you teach guitar?');

  await conversationWith(b.page, 'Alice Finder').click();
  await expect(messages(b.page).getByText('Hi Bobbie, do you teach guitar?')).toBeVisible();
});
