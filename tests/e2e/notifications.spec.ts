// Notifications in the web app, seen through a recorder standing in for the browser's
// Notification API: permission asked only from a button that says why (the banner or
// the settings row), do-not-disturb, the sound, hidden message text, a muted
// conversation, and settings that survive a reload; plus screenshots of the settings.
import { expect, type Page, test } from '@playwright/test';
import {
  chimeNotes,
  conversationList,
  conversationWith,
  messages,
  newUser,
  openPage,
  permissionRequests,
  recordChimes,
  saveScreenshot,
  sendByRest,
  shownNotifications,
  signedInPage,
  startConversation,
} from './support/web-app.ts';

const settingsPanel = (page: Page) => page.getByRole('dialog', { name: 'Settings' });

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(settingsPanel(page)).toBeVisible();
  return settingsPanel(page);
}

async function closeSettings(page: Page) {
  await page.keyboard.press('Escape');
  await expect(settingsPanel(page)).toBeHidden();
}

async function chooseDoNotDisturb(page: Page, label: string) {
  const panel = await openSettings(page);
  await panel.getByRole('combobox', { name: 'Do not disturb' }).selectOption({ label });
  await closeSettings(page);
}

async function chooseShown(page: Page, label: string) {
  const panel = await openSettings(page);
  await panel.getByRole('combobox', { name: 'Show in notifications' }).selectOption({ label });
  await closeSettings(page);
}

const REASON = 'Turn on notifications so you know when someone messages you.';
const accessBanner = (page: Page) => page.getByRole('region', { name: 'Turn on notifications' });

test('the browser is asked for permission only from a button that says why', async ({
  browser,
}) => {
  const bob = await newUser('Bob Asked');
  // Signing in clicks and types on the sign-in page: none of it may ask.
  const b = await signedInPage(browser, bob, { permission: 'default' });
  await b.page.getByRole('navigation', { name: 'Conversations' }).click();
  await expect(accessBanner(b.page).getByText(REASON)).toBeVisible();
  expect(await permissionRequests(b.page)).toBe(0);

  await accessBanner(b.page).getByRole('button', { name: 'Turn on notifications' }).click();
  await expect(accessBanner(b.page)).toBeHidden();
  expect(await permissionRequests(b.page)).toBe(1);
  const panel = await openSettings(b.page);
  await expect(panel.getByText('Notifications are allowed.')).toBeVisible();
  await b.context.close();
});

test('"Not now" puts the request away for good, and settings can still ask', async ({
  browser,
}) => {
  const dave = await newUser('Dave Later');
  const d = await signedInPage(browser, dave, { permission: 'default' });
  await accessBanner(d.page).getByRole('button', { name: 'Not now' }).click();
  await expect(accessBanner(d.page)).toBeHidden();
  await d.page.reload();
  await expect(conversationList(d.page)).toBeVisible();
  await expect(accessBanner(d.page)).toBeHidden();

  const panel = await openSettings(d.page);
  await expect(panel.getByText(REASON)).toBeVisible();
  expect(await permissionRequests(d.page)).toBe(0);
  await panel.getByRole('button', { name: 'Turn on notifications' }).click();
  await expect(panel.getByText('Notifications are allowed.')).toBeVisible();
  expect(await permissionRequests(d.page)).toBe(1);
  await d.context.close();
});

test('blocked notifications are named as such, with nothing left to ask', async ({ browser }) => {
  const carol = await newUser('Carol Blocked');
  const c = await signedInPage(browser, carol, { permission: 'denied' });
  await expect(accessBanner(c.page)).toHaveCount(0);
  const panel = await openSettings(c.page);
  await expect(panel.getByText(/blocked in your browser’s settings/)).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Turn on notifications' })).toHaveCount(0);
  expect(await permissionRequests(c.page)).toBe(0);
  await c.context.close();
});

test('do not disturb holds a new message back, and once off the next one notifies', async ({
  browser,
}) => {
  const alice = await newUser('Alice Disturbing');
  const bob = await newUser('Bob Resting');
  const withBob = await startConversation(alice, bob);
  const b = await signedInPage(browser, bob, { notifications: true });

  await chooseDoNotDisturb(b.page, 'For 1 hour');
  await sendByRest(alice, withBob, 'are you awake?');
  await expect(conversationWith(b.page, 'Alice Disturbing')).toContainText('are you awake?');
  expect(await shownNotifications(b.page)).toEqual([]);

  await chooseDoNotDisturb(b.page, 'Off');
  await sendByRest(alice, withBob, 'now you are');
  await expect
    .poll(() => shownNotifications(b.page))
    .toEqual([
      {
        title: expect.stringContaining('Alice Disturbing'),
        body: '\u2068now you are\u2069',
        tag: expect.any(String),
      },
    ]);
  await b.context.close();
});

test('a notified message chimes while the sound is on, and not while it is off', async ({
  browser,
}) => {
  const alice = await newUser('Alice Chiming');
  const bob = await newUser('Bob Listening');
  const withBob = await startConversation(alice, bob);
  const b = await signedInPage(browser, bob, { notifications: true, beforeLoad: recordChimes });
  const soundSwitch = async (on: boolean) => {
    const panel = await openSettings(b.page);
    await panel.getByRole('checkbox', { name: 'Play a sound' }).setChecked(on);
    await closeSettings(b.page);
    // Stored before the next message is sent, so it is decided with the new setting.
    await expect
      .poll(() => b.page.evaluate(() => localStorage.getItem('timenest.settings') ?? ''))
      .toContain(`"isSoundOn":${on}`);
  };
  const notified = async (count: number) =>
    expect.poll(async () => (await shownNotifications(b.page)).length).toBe(count);

  await sendByRest(alice, withBob, 'ding');
  await notified(1);
  const oneChime = await chimeNotes(b.page);
  expect(oneChime).toBeGreaterThan(0);

  await soundSwitch(false);
  // Past the once-a-second burst rule, so only the switch can keep this one quiet.
  await b.page.waitForTimeout(1_100);
  await sendByRest(alice, withBob, 'quietly');
  await notified(2);
  expect(await chimeNotes(b.page)).toBe(oneChime);

  // On again, it chimes: the silence above was the switch, not a throttle. A burst
  // chimes once a second at most, so the next message comes after that second.
  await soundSwitch(true);
  await b.page.waitForTimeout(1_100);
  await sendByRest(alice, withBob, 'ding again');
  await notified(3);
  await expect.poll(() => chimeNotes(b.page)).toBe(oneChime * 2);
  await b.context.close();
});

test('hidden message text keeps the words out of the notification', async ({ browser }) => {
  const alice = await newUser('Alice Private');
  const bob = await newUser('Bob Discreet');
  const withBob = await startConversation(alice, bob);
  const b = await signedInPage(browser, bob, { notifications: true });

  await chooseShown(b.page, 'Name only');
  await sendByRest(alice, withBob, 'the door code is 4711');
  await expect.poll(async () => (await shownNotifications(b.page)).length).toBe(1);
  const [nameOnly] = await shownNotifications(b.page);
  expect(nameOnly?.title).toContain('Alice Private');
  expect(nameOnly?.body).toBe('New message');

  await chooseShown(b.page, 'No name or message');
  await sendByRest(alice, withBob, 'and the alarm is 0815');
  await expect.poll(async () => (await shownNotifications(b.page)).length).toBe(2);
  const anonymous = (await shownNotifications(b.page))[1];
  expect(anonymous).toMatchObject({ title: 'TimeNest Chat', body: 'New message' });
  await b.context.close();
});

test('a muted conversation shows the muted icon and a grey badge, and neither notifies nor counts', async ({
  browser,
}) => {
  const alice = await newUser('Alice Muted');
  const dave = await newUser('Dave Loud');
  const bob = await newUser('Bob Muting');
  const withAlice = await startConversation(alice, bob);
  const withDave = await startConversation(dave, bob);
  const b = await signedInPage(browser, bob, { notifications: true });

  await conversationWith(b.page, 'Alice Muted').click();
  await expect(messages(b.page)).toBeVisible();
  const mute = b.page.getByRole('button', { name: 'Mute notifications' });
  await mute.click();
  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await openPage(b.page, 'Services');
  await openPage(b.page, 'Chats');

  await sendByRest(alice, withAlice, 'you will not hear this');
  const muted = conversationWith(b.page, 'Alice Muted');
  await expect(muted).toHaveAccessibleName(/muted, 1 unread/);
  await expect(muted.getByRole('img', { name: 'Muted' })).toBeVisible();
  // Dave's message, sent after Alice's, notifies: had Alice's, it would have come first.
  await sendByRest(dave, withDave, 'but you will hear me');
  await expect
    .poll(async () => (await shownNotifications(b.page)).map((n) => n.title))
    .toEqual([expect.stringContaining('Dave Loud')]);
  await expect(b.page).toHaveTitle('(1) TimeNest Chat');

  const greyBadge = muted.getByText('1', { exact: true });
  const colouredBadge = conversationWith(b.page, 'Dave Loud').getByText('1', { exact: true });
  const background = (locator: typeof greyBadge) =>
    locator.evaluate((element) => getComputedStyle(element).backgroundColor);
  // Grey: its red, green and blue lie close together; the other badge has the accent's hue.
  const spread = (rgb: string) => {
    const channels = (rgb.match(/\d+/g) ?? []).slice(0, 3).map(Number);
    return Math.max(...channels) - Math.min(...channels);
  };
  expect(spread(await background(greyBadge))).toBeLessThan(40);
  expect(spread(await background(colouredBadge))).toBeGreaterThan(100);
  await saveScreenshot(b.page, 'notifications-muted-conversation');
  await b.context.close();
});

test('notification settings survive a reload', async ({ browser }) => {
  const bob = await newUser('Bob Remembers');
  const b = await signedInPage(browser, bob, { notifications: true });

  const panel = await openSettings(b.page);
  await panel.getByRole('checkbox', { name: 'Mute all notifications' }).check();
  await panel.getByRole('checkbox', { name: 'Play a sound' }).uncheck();
  await panel.getByRole('combobox', { name: 'Show in notifications' }).selectOption({
    label: 'No name or message',
  });
  await panel.getByRole('combobox', { name: 'Do not disturb' }).selectOption({
    label: 'On a schedule',
  });
  await panel.getByLabel('From', { exact: true }).fill('23:15');
  await panel.getByLabel('To', { exact: true }).fill('06:30');
  await closeSettings(b.page);

  await b.page.reload();
  const reloaded = await openSettings(b.page);
  await expect(reloaded.getByRole('checkbox', { name: 'Mute all notifications' })).toBeChecked();
  await expect(reloaded.getByRole('checkbox', { name: 'Play a sound' })).not.toBeChecked();
  await expect(reloaded.getByRole('combobox', { name: 'Show in notifications' })).toHaveValue(
    'nothing',
  );
  await expect(reloaded.getByRole('combobox', { name: 'Do not disturb' })).toHaveValue('schedule');
  await expect(reloaded.getByLabel('From', { exact: true })).toHaveValue('23:15');
  await expect(reloaded.getByLabel('To', { exact: true })).toHaveValue('06:30');
  await b.context.close();
});

test('the settings panel in light, dark and at 400 px wide', async ({ browser }) => {
  const bob = await newUser('Bob Looks');
  const b = await signedInPage(browser, bob, { permission: 'default' });

  const shown = await openSettings(b.page);
  // Every control on show: the schedule adds its two times.
  await shown.getByRole('combobox', { name: 'Do not disturb' }).selectOption({
    label: 'On a schedule',
  });
  await saveScreenshot(b.page, 'settings-notifications-light');
  await b.page.emulateMedia({ colorScheme: 'dark' });
  await saveScreenshot(b.page, 'settings-notifications-dark');
  await b.page.emulateMedia({ colorScheme: 'light' });
  await b.page.setViewportSize({ width: 400, height: 800 });
  const panel = settingsPanel(b.page);
  await expect(panel).toBeInViewport({ ratio: 1 });
  await saveScreenshot(b.page, 'settings-notifications-400px');
  await b.context.close();
});
