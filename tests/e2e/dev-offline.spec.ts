// What `npm run web` (and `npm start` without Electron) serves while developing: the dev
// server, with hot reload, must open offline after a reload just as the production build
// does, with the messages queued offline still there.
import { expect, test } from '@playwright/test';
import { type DevWeb, startDevWeb } from './support/dev-web.ts';
import {
  conversationWith,
  loadedFilesCached,
  messages,
  messageTexts,
  newUser,
  send,
  shellCachedForOffline,
  signedInPage,
  startConversation,
  syncState,
} from './support/web-app.ts';

let devWeb: DevWeb | null = null;
test.beforeAll(async () => {
  devWeb = await startDevWeb();
});
test.afterAll(async () => {
  await devWeb?.stop();
});

test('[S3.1] the dev server’s app opens offline after a reload, with the messages queued offline', async ({
  browser,
}) => {
  if (!devWeb) throw new Error('the dev server did not start');
  const jo = await newUser('Jo Developer');
  const kim = await newUser('Kim Online');
  await startConversation(jo, kim);
  const j = await signedInPage(browser, jo, { appUrl: devWeb.url });
  await conversationWith(j.page, 'Kim Online').click();
  await expect(syncState(j.page)).toHaveText('Online');
  await shellCachedForOffline(j.page);
  await loadedFilesCached(j.page);

  await j.context.setOffline(true);
  await send(j.page, 'written offline on the dev server');
  await expect(messages(j.page).getByRole('img', { name: 'Pending' })).toHaveCount(1);
  await j.page.reload();
  await expect(messages(j.page)).toBeVisible();
  expect(await messageTexts(j.page)).toEqual(['written offline on the dev server']);
  await expect(messages(j.page).getByRole('img', { name: 'Pending' })).toHaveCount(1);

  await j.context.setOffline(false);
  await expect(messages(j.page).getByRole('img', { name: /Sent|Delivered/ })).toBeVisible();
  await j.context.close();
});
