// [§4] One presence source: the conversation list and the chat header say the same thing
// about who is online — online while the partner has the app open anywhere, whatever
// conversation they look at — and it clears when either side goes offline.
import { expect, type Page, test } from '@playwright/test';
import {
  conversationList,
  conversationWith,
  newUser,
  signedInPage,
  startConversation,
} from './support/web-app.ts';

const headerSaysOnline = (page: Page) => page.locator('.chat-header').getByText('online');
const listSaysOnline = (page: Page, name: string) =>
  conversationList(page).getByRole('link', { name: new RegExp(`^${name}.*online`) });

test('list and header agree that a partner is online, and both clear when either side goes offline', async ({
  browser,
}) => {
  const alice = await newUser('Alice Present');
  const bob = await newUser('Bob Elsewhere');
  await startConversation(alice, bob);
  const a = await signedInPage(browser, alice);
  const b = await signedInPage(browser, bob);

  // Bob has the app open but not this conversation: he is online all the same.
  await conversationWith(a.page, 'Bob Elsewhere').click();
  await expect(listSaysOnline(a.page, 'Bob Elsewhere')).toBeVisible();
  await expect(headerSaysOnline(a.page)).toBeVisible();

  // Bob quits: the server sees his last connection go and tells Alice.
  await b.context.close();
  await expect(headerSaysOnline(a.page)).toBeHidden({ timeout: 10_000 });
  await expect(listSaysOnline(a.page, 'Bob Elsewhere')).toBeHidden();

  // Back, and then Alice is the one offline: she can no longer know, so nobody shows online.
  const again = await signedInPage(browser, bob);
  await expect(headerSaysOnline(a.page)).toBeVisible();
  await a.context.setOffline(true);
  await expect(headerSaysOnline(a.page)).toBeHidden({ timeout: 2_000 });
  await expect(listSaysOnline(a.page, 'Bob Elsewhere')).toBeHidden();
  await again.context.close();
  await a.context.close();
});
