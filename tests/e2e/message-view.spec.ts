// How a message looks and reads, in Debian's Chromium against the real server: statuses
// told apart by shape and name with ticks that stand out from the bubble in both themes,
// links that open only through the platform, nothing off the edge of a 400 px window,
// and messages a screen reader can name and act on from the keyboard.
import { expect, type Locator, type Page, test } from '@playwright/test';
import type { TestUser } from '../support/clients.ts';
import { contrastRatio } from './support/contrast.ts';
import {
  conversationWith,
  messages,
  newUser,
  saveScreenshot,
  send,
  sendByRest,
  serverUrl,
  signedInPage,
  startConversation,
  syncState,
} from './support/web-app.ts';

const THEMES = ['light', 'dark'] as const;
const NON_TEXT_CONTRAST_MIN = 3;

const CLOCK = String.raw`\d{1,2}:\d{2}(?:\s?[AP]M)?`;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One's own message by the start of its text (a long one's name ends in "…"). */
function ownMessage(page: Page, text: string): Locator {
  const start = escapeRegExp(text.slice(0, 100));
  return messages(page).getByRole('article', { name: new RegExp(`^You, ${CLOCK}: ${start}`) });
}

/** The status icon's shape, and its colour's contrast against the bubble behind it. */
async function statusLook(message: Locator, name: string) {
  const icon = message.getByRole('img', { name, exact: true });
  await expect(icon).toBeVisible();
  const look = await icon.evaluate((element) => {
    const bubble = element.closest('.bubble');
    return {
      shape: element.querySelector('svg')?.getAttribute('data-shape') ?? 'clock',
      color: getComputedStyle(element).color,
      background: bubble ? getComputedStyle(bubble).backgroundColor : '',
    };
  });
  return { shape: look.shape, contrast: contrastRatio(look.color, look.background) };
}

async function openChatWith(page: Page, name: string): Promise<void> {
  await conversationWith(page, name).click();
  await expect(messages(page)).toBeVisible();
}

test('pending, sent, delivered and read each have their own shape and name, and ticks stand ≥ 3:1 against the bubble in light and dark', async ({
  browser,
}) => {
  const alice = await newUser('Alice Ticks');
  const bob = await newUser('Bob Ticks');
  await startConversation(alice, bob);
  // Alice on two devices, one in each theme, both showing the conversation.
  const [light, dark] = await Promise.all(
    THEMES.map((colorScheme) => signedInPage(browser, alice, { colorScheme })),
  );
  if (!light || !dark) throw new Error('both devices signed in');
  const devices = [light, dark];
  for (const device of devices) await openChatWith(device.page, 'Bob Ticks');

  await send(light.page, 'before Bob has a device');
  const shapes = new Map<string, Set<string>>();
  const measure = async (name: string) => {
    for (const [index, device] of devices.entries()) {
      const { shape, contrast } = await statusLook(
        ownMessage(device.page, 'before Bob has a device'),
        name,
      );
      expect(contrast, `${name} in ${THEMES[index]}`).toBeGreaterThanOrEqual(NON_TEXT_CONTRAST_MIN);
      shapes.set(name, (shapes.get(name) ?? new Set()).add(shape));
    }
  };
  await measure('Sent');

  const b = await signedInPage(browser, bob);
  await expect(conversationWith(b.page, 'Alice Ticks')).toBeVisible();
  await measure('Delivered');
  for (const [index, device] of devices.entries())
    await saveScreenshot(device.page, `status-delivered-${THEMES[index]}`);

  await openChatWith(b.page, 'Alice Ticks');
  await measure('Read');
  for (const [index, device] of devices.entries())
    await saveScreenshot(device.page, `status-read-${THEMES[index]}`);

  for (const [index, device] of devices.entries()) {
    await device.context.setOffline(true);
    await expect(syncState(device.page)).toContainText('Offline');
    const text = `pending in ${THEMES[index]}`;
    await send(device.page, text);
    const { shape } = await statusLook(ownMessage(device.page, text), 'Pending');
    shapes.set('Pending', (shapes.get('Pending') ?? new Set()).add(shape));
    await saveScreenshot(device.page, `status-pending-${THEMES[index]}`);
  }

  // The same shape in both themes, and a different shape for every status.
  expect([...shapes.values()].map((set) => set.size)).toEqual([1, 1, 1, 1]);
  expect(new Set([...shapes.values()].flatMap((set) => [...set])).size).toBe(4);
  for (const device of devices) await device.context.close();
  await b.context.close();
});

test('http(s), www and email become links that open in a new tab without a handle back; other schemes stay text', async ({
  browser,
}) => {
  const alice = await newUser('Alice Links');
  const bob = await newUser('Bob Links');
  const conversationId = await startConversation(bob, alice);
  const target = `${serverUrl()}/healthz`;
  await sendByRest(
    bob,
    conversationId,
    `status at ${target}, docs on www.example.com, mail ann@example.com; not javascript:alert(1) nor file:///etc/passwd`,
  );
  for (const colorScheme of THEMES) {
    const a = await signedInPage(browser, alice, { colorScheme });
    await openChatWith(a.page, 'Bob Links');
    const log = messages(a.page);
    await expect(log.getByRole('link')).toHaveText([target, 'www.example.com', 'ann@example.com']);
    await expect(log.getByRole('link', { name: 'www.example.com' })).toHaveAttribute(
      'href',
      'https://www.example.com/',
    );
    await expect(log.getByRole('link', { name: 'ann@example.com' })).toHaveAttribute(
      'href',
      'mailto:ann@example.com',
    );
    await expect(
      log.getByText(/not javascript:alert\(1\) nor file:\/\/\/etc\/passwd/),
    ).toBeVisible();
    await saveScreenshot(a.page, `links-${colorScheme}`);

    if (colorScheme === 'light') {
      const opened = a.context.waitForEvent('page');
      await log.getByRole('link', { name: target }).click();
      const tab = await opened;
      await tab.waitForLoadState();
      expect(tab.url()).toBe(target);
      expect(await tab.evaluate(() => window.opener === null)).toBe(true);
      // The app itself stayed where it was.
      await expect(messages(a.page)).toBeVisible();
    }
    await a.context.close();
  }
});

test('at 400 px a 300-character word, a long URL and the composer banners all stay inside the window', async ({
  browser,
}) => {
  const alice = await newUser('Alice Narrow');
  const bob = await newUser('Bob Narrow');
  const conversationId = await startConversation(bob, alice);
  const word = 'x'.repeat(300);
  const url = `https://example.com/${'segment'.repeat(40)}`;
  await sendByRest(bob, conversationId, word);
  for (const colorScheme of THEMES) {
    const a = await signedInPage(browser, alice, {
      colorScheme,
      viewport: { width: 400, height: 760 },
    });
    await openChatWith(a.page, 'Bob Narrow');
    if (colorScheme === 'light') await send(a.page, url);
    await expect(ownMessage(a.page, url)).toBeVisible();

    // An edit of the long message shows the editing banner; an over-long draft the warning.
    await a.page.getByRole('textbox', { name: 'Message' }).press('ArrowUp');
    await expect(a.page.getByText('Editing message')).toBeVisible();
    await a.page.getByRole('textbox', { name: 'Message' }).press('Escape');
    await a.page.getByRole('textbox', { name: 'Message' }).fill('y'.repeat(10_050));
    await expect(a.page.getByRole('alert')).toContainText('longer than one message allows');

    await expectInsideWindow(a.page, 400);
    await saveScreenshot(a.page, `narrow-400-${colorScheme}`);
    await a.page.getByRole('textbox', { name: 'Message' }).fill('');
    await a.context.close();
  }
});

async function expectInsideWindow(page: Page, width: number): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(width);
  const visible = [
    page.getByRole('button', { name: 'Send', exact: true }),
    page.getByRole('button', { name: 'Send as 2 messages' }),
    page.getByRole('textbox', { name: 'Message' }),
    ...(await messages(page).getByRole('article').all()),
  ];
  for (const element of visible) {
    const box = await element.boundingBox();
    expect(box, 'on screen').not.toBeNull();
    expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
    expect((box?.x ?? 0) + (box?.width ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(width);
  }
}

async function chatBetween(aliceName: string, bobName: string) {
  const alice = await newUser(aliceName);
  const bob: TestUser = await newUser(bobName);
  const conversationId = await startConversation(bob, alice);
  return { alice, bob, conversationId };
}

test('a screen reader hears sender and time, acts through a named menu, lands in the composer and edits with Up and Escape', async ({
  browser,
}) => {
  const { alice, bob, conversationId } = await chatBetween('Alice Reader', 'Bob Reader');
  await sendByRest(bob, conversationId, 'are you coming?');
  const a = await signedInPage(browser, alice);
  await a.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openChatWith(a.page, 'Bob Reader');
  const composer = a.page.getByRole('textbox', { name: 'Message' });
  await expect(composer).toBeFocused();

  await send(a.page, 'yes, at ten');
  await send(a.page, 'see you there');
  const log = messages(a.page);
  await expect(
    log.getByRole('article', { name: new RegExp(`^Bob Reader, ${CLOCK}: are you coming\\?$`) }),
  ).toBeVisible();
  await expect(ownMessage(a.page, 'see you there')).toBeVisible();
  await expect(log.getByRole('button', { name: /^(Edit|Delete) message$/ })).toHaveCount(0);

  // Up in the empty composer edits the last own message; Escape puts the draft back.
  await composer.press('ArrowUp');
  await expect(a.page.getByText('Editing message')).toBeVisible();
  await expect(composer).toHaveValue('see you there');
  await composer.press('Escape');
  await expect(a.page.getByText('Editing message')).toHaveCount(0);
  await expect(composer).toHaveValue('');
  await expect(log).toBeVisible();

  // The menu of Bob's message answers or copies it; the menu of one's own also edits.
  const bobsMenu = log.getByRole('button', {
    name: new RegExp(`^More actions for message from Bob Reader at ${CLOCK}$`),
  });
  await bobsMenu.focus();
  await a.page.keyboard.press('Enter');
  await expect(a.page.getByRole('menuitem')).toHaveText(['Reply', 'React', 'Copy text']);
  await a.page.keyboard.press('ArrowUp');
  await a.page.keyboard.press('Enter');
  expect(await a.page.evaluate(() => navigator.clipboard.readText())).toBe('are you coming?');
  await expect(bobsMenu).toBeFocused();

  const ownMenu = ownMessage(a.page, 'yes, at ten').getByRole('button', {
    name: /^More actions for message from You at /,
  });
  await ownMenu.focus();
  await a.page.keyboard.press('Enter');
  await expect(a.page.getByRole('menuitem')).toHaveText([
    'Reply',
    'React',
    'Copy text',
    'Edit',
    'Delete',
  ]);
  await saveScreenshot(a.page, 'message-menu');
  await a.page.keyboard.press('ArrowUp');
  await a.page.keyboard.press('ArrowUp');
  await a.page.keyboard.press('Enter');
  await expect(composer).toBeFocused();
  await expect(composer).toHaveValue('yes, at ten');
  await composer.fill('yes, at eleven');
  await composer.press('Enter');
  await expect(
    log.getByRole('article', { name: /^You, .*: yes, at eleven \(edited\)$/ }),
  ).toBeVisible();
  await a.context.close();
});
