// [§4a] Attachments in the web app, in Chromium with its own IndexedDB, against the real
// server: an image attached offline survives a reload, uploads once online, and the other
// person sees its thumbnail and opens it full size; a slow upload shows its progress.
import { expect, test } from '@playwright/test';
import {
  conversationWith,
  messages,
  newUser,
  saveScreenshot,
  shellCachedForOffline,
  signedInPage,
  startConversation,
  syncState,
} from './support/web-app.ts';

/** A 64×40 PNG, drawn in the page (so the browser can decode it). */
async function pngBytes(page: import('@playwright/test').Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(64, 40);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.fillStyle = '#3a7';
    context.fillRect(0, 0, 64, 40);
    context.fillStyle = '#fff';
    context.fillRect(8, 8, 20, 20);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

test('an image attached offline survives a reload, uploads once online, and the other person opens it', async ({
  browser,
}) => {
  const alice = await newUser('Alice Photo');
  const bob = await newUser('Bob Viewer');
  await startConversation(alice, bob);
  const a = await signedInPage(browser, alice);
  const b = await signedInPage(browser, bob);

  await conversationWith(a.page, 'Bob Viewer').click();
  await expect(messages(a.page)).toBeVisible();
  await shellCachedForOffline(a.page);
  const png = await pngBytes(a.page);

  await a.context.setOffline(true);
  await expect(syncState(a.page)).toContainText('Offline');
  await a.page
    .locator('input[type="file"]')
    .setInputFiles({ name: 'bike.png', mimeType: 'image/png', buffer: png });
  const own = messages(a.page).getByRole('button', { name: 'Open image bike.png' });
  await expect(own).toBeVisible();
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toHaveCount(1);

  await a.page.reload();
  await expect(own).toBeVisible();
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toHaveCount(1);
  await saveScreenshot(a.page, 'attachment-pending');

  await a.context.setOffline(false);
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toHaveCount(0, {
    timeout: 20_000,
  });

  await conversationWith(b.page, 'Alice Photo').click();
  const received = messages(b.page).getByRole('button', { name: 'Open image bike.png' });
  await expect(received).toBeVisible();
  // The box has the image's shape before any byte of the full image arrives.
  const box = await received.boundingBox();
  expect(box && Math.abs(box.width / box.height - 64 / 40)).toBeLessThan(0.05);
  await received.click();
  const viewer = b.page.getByRole('dialog', { name: /bike\.png/ });
  await expect(viewer).toBeVisible();
  const full = viewer.getByRole('img', { name: /bike\.png/ });
  await expect(full).toBeVisible();
  await expect
    .poll(() => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
    .toBe(64);
  await saveScreenshot(b.page, 'attachment-viewer');
  await b.page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(received).toBeFocused();
});

test('a slow upload shows its progress on the message until the file is sent', async ({
  browser,
}) => {
  const alice = await newUser('Alice Slow');
  const bob = await newUser('Bob Waiting');
  await startConversation(alice, bob);
  const a = await signedInPage(browser, alice);
  await conversationWith(a.page, 'Bob Waiting').click();
  await expect(messages(a.page)).toBeVisible();

  // Each chunk of the upload waits before it goes: a slow line.
  await a.page.route('**/api/v1/uploads/**', async (route) => {
    if (route.request().method() === 'PATCH') await new Promise((r) => setTimeout(r, 1_500));
    await route.continue();
  });
  const bytes = Buffer.alloc(20 * 1024 * 1024, 7);
  await a.page
    .locator('input[type="file"]')
    .setInputFiles({ name: 'lesson.pdf', mimeType: 'application/pdf', buffer: bytes });

  const progress = messages(a.page).getByRole('progressbar', { name: 'Uploading lesson.pdf' });
  await expect(progress).toBeVisible({ timeout: 10_000 });
  await expect
    .poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 15_000 })
    .toBeGreaterThan(0);
  await saveScreenshot(a.page, 'attachment-progress');
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toHaveCount(0, {
    timeout: 30_000,
  });
  await expect(progress).toBeHidden();
  await expect(messages(a.page).getByText('lesson.pdf')).toBeVisible();
});

test('a cancelled upload stops, says so, and a retry resumes it from the bytes the server has', async ({
  browser,
}) => {
  const alice = await newUser('Alice Cancel');
  const bob = await newUser('Bob Patient');
  await startConversation(alice, bob);
  const a = await signedInPage(browser, alice);
  await conversationWith(a.page, 'Bob Patient').click();
  await expect(messages(a.page)).toBeVisible();

  const offsets: number[] = [];
  await a.page.route('**/api/v1/uploads/**', async (route) => {
    if (route.request().method() === 'PATCH') {
      offsets.push(Number(route.request().headers()['upload-offset']));
      await new Promise((r) => setTimeout(r, 1_000));
    }
    await route.continue().catch(() => undefined);
  });
  await a.page.locator('input[type="file"]').setInputFiles({
    name: 'plan.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.alloc(20 * 1024 * 1024, 3),
  });
  const progress = messages(a.page).getByRole('progressbar', { name: 'Uploading plan.pdf' });
  await expect
    .poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 20_000 })
    // Past the first 8 MB chunk: the server has acknowledged it.
    .toBeGreaterThan(40);
  await messages(a.page).getByRole('button', { name: 'Cancel uploading plan.pdf' }).click();
  await expect(messages(a.page).getByText('Not sent: upload cancelled.')).toBeVisible();
  await expect(progress).toBeHidden();

  const resumedFrom = offsets.length;
  await messages(a.page).getByRole('button', { name: 'Retry' }).click();
  await expect(messages(a.page).getByText('Not sent: upload cancelled.')).toBeHidden();
  await expect(messages(a.page).getByRole('img', { name: 'Pending' })).toHaveCount(0, {
    timeout: 30_000,
  });
  expect(offsets[resumedFrom]).toBeGreaterThanOrEqual(8 * 1024 * 1024);
});
