// [§4a] Scheduled messages in the browser against the real server: a message scheduled
// with Send later reaches the other person at its time though the sender's browser is
// closed by then; one cancelled while offline is never delivered. The sender's clock runs
// an hour behind, less a few seconds, so that "In 1 hour" falls a few seconds from now on
// the server's clock.
import { type Browser, expect, type Page, test } from '@playwright/test';
import type { TestUser } from '../support/clients.ts';
import { messageSaying } from './support/groups.ts';
import {
  conversationWith,
  messages,
  newUser,
  openPage,
  signedInPage,
  startConversation,
  syncState,
} from './support/web-app.ts';

const HOUR = 3_600_000;

/** The sender, signed in with a clock on which "in an hour" is `leadMs` from now. */
async function senderWithLead(browser: Browser, user: TestUser, leadMs: number) {
  return signedInPage(browser, user, {
    beforeLoad: (context) => context.clock.install({ time: Date.now() - HOUR + leadMs }),
  });
}

/** Schedules `text` "In 1 hour" from the open conversation's composer. */
async function sendInAnHour(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send later' }).click();
  await page
    .getByRole('menu', { name: 'Send later' })
    .getByRole('menuitem', { name: 'In 1 hour' })
    .click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
}

const scheduledList = (page: Page) => page.getByRole('list', { name: 'Scheduled messages' });
const scheduledSaying = (page: Page, text: string) =>
  scheduledList(page).getByRole('listitem').filter({ hasText: text });

/** Waits until the server has the message as the device shows it. */
async function reachedServer(page: Page, text: string): Promise<void> {
  await expect(scheduledSaying(page, text)).toBeVisible();
  await expect(scheduledSaying(page, text)).not.toContainText('Not on the server yet');
}

test('[§4a][S3.1] a message scheduled with Send later reaches the other person at its time, with the sender’s browser closed', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const [ada, ben] = await Promise.all([newUser('Ada Later'), newUser('Ben Later')]);
  await startConversation(ada, ben);
  const lead = 12_000;
  const a = await senderWithLead(browser, ada, lead);
  const b = await signedInPage(browser, ben);
  await conversationWith(b.page, 'Ada Later').click();
  await expect(messages(b.page)).toBeVisible();

  const text = 'Reminder: our lesson starts in five minutes';
  await conversationWith(a.page, 'Ben Later').click();
  await expect(syncState(a.page)).toHaveText('Online');
  const dueAt = Date.now() + lead;
  await sendInAnHour(a.page, text);
  // It waits on the sender's side: a banner in the conversation links to the list.
  await a.page.getByRole('link', { name: '1 scheduled message' }).click();
  await reachedServer(a.page, text);
  await expect(
    scheduledSaying(a.page, text).getByRole('link', { name: 'Ben Later' }),
  ).toBeVisible();
  await a.context.close();

  await expect(messageSaying(b.page, text)).toHaveCount(0);
  await expect(messageSaying(b.page, text)).toBeVisible({ timeout: lead + 15_000 });
  // Not before its time (the server's clock and this one are the same machine's).
  expect(Date.now()).toBeGreaterThanOrEqual(dueAt - 1000);
  await expect(messageSaying(b.page, text)).toHaveCount(1);
  await b.context.close();
});

test('[§4a][S3.1] a scheduled message cancelled while offline is never delivered', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const [ada, ben] = await Promise.all([newUser('Ada Cancels'), newUser('Ben Waits')]);
  await startConversation(ada, ben);
  const lead = 20_000;
  const a = await senderWithLead(browser, ada, lead);
  const b = await signedInPage(browser, ben);
  await conversationWith(b.page, 'Ada Cancels').click();
  await expect(messages(b.page)).toBeVisible();

  const cancelled = 'Never mind, forget this one';
  await conversationWith(a.page, 'Ben Waits').click();
  await expect(syncState(a.page)).toHaveText('Online');
  await sendInAnHour(a.page, cancelled);
  await openPage(a.page, 'Scheduled');
  await reachedServer(a.page, cancelled);

  await a.context.setOffline(true);
  await expect(syncState(a.page)).toContainText('Offline');
  const item = scheduledSaying(a.page, cancelled);
  await item.getByRole('button', { name: 'Cancel' }).click();
  await expect(item.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await item.getByRole('button', { name: 'Cancel message' }).click();
  await expect(scheduledSaying(a.page, cancelled)).toHaveCount(0);
  await a.context.setOffline(false);
  await expect(syncState(a.page)).toHaveText('Online');

  // A marker scheduled after it, so due after it: once the marker is delivered, the
  // cancelled one has had its time.
  const marker = 'This one is still on';
  await conversationWith(a.page, 'Ben Waits').click();
  await sendInAnHour(a.page, marker);
  await expect(messageSaying(b.page, marker)).toBeVisible({ timeout: lead + 15_000 });
  await expect(messageSaying(b.page, cancelled)).toHaveCount(0);
  await openPage(a.page, 'Scheduled');
  await expect(a.page.getByRole('heading', { name: 'Nothing scheduled' })).toBeVisible();
  await Promise.all([a.context.close(), b.context.close()]);
});
