// The UI at scale, measured in Chromium with real IndexedDB: 100,000 messages over 1,000
// conversations (× BENCH_SCALE), written straight into the app's database, then
//   ui_cold_start_ms  navigation start → conversation list on screen (a fresh page),
//   ui_list_ms        list mounted → its first page of conversations on screen,
//   ui_open_ms        click on a conversation → its latest message on screen (median),
//   ui_search_ms      query typed into the empty search box → highlighted results on
//                     screen (median; a first query runs at once, later keystrokes wait
//                     for a 120 ms typing pause),
//   attachment_open_ms  click on an image whose bytes are on the device → the viewer
//                     showing it decoded, full size (median).
// "On screen" means visible in the viewport, not merely in the DOM: a virtual list can
// hold rows hidden while it positions them.
// No server runs: the app starts signed in and offline, as it must be able to.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/chromium.ts';
import type { BenchResults } from './support.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const DIST = join(ROOT, 'dist/web');
const ME = 1;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

async function buildWebApp(): Promise<void> {
  if (process.env.BENCH_UI_SKIP_BUILD === '1') return;
  const child = spawn(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--logLevel',
      'error',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`web build failed (${code})`);
}

/** The built app with the single-page fallback; the API answers 503 (no server here). */
async function serveBuild(): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (/^\/(trpc|api|yjs|healthz)/.test(path)) {
      res.writeHead(503).end();
      return;
    }
    const file = normalize(join(DIST, path));
    const isInside = file.startsWith(DIST);
    const found =
      isInside &&
      (await stat(file).then(
        (s) => s.isFile(),
        () => false,
      ));
    const target = found ? file : join(DIST, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(target)] ?? 'application/octet-stream' });
    res.end(await readFile(target));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Runs in the page: fills the app's Dexie database through plain IndexedDB. */
async function seedInPage(args: {
  conversations: number;
  perConversation: number;
  me: number;
}): Promise<number> {
  const vocabulary = Array.from(
    { length: 3000 },
    (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}${'nrst'[i % 4]}`,
  );
  const rare = ['derailleur', 'metronome', 'harmonica', 'sourdough', 'calligraphy'];
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const open = (): Promise<IDBDatabase> =>
    new Promise((resolve, reject) => {
      const request = indexedDB.open(`timenest-chat-${args.me}`);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const db = await open();
  const put = (store: string, rows: unknown[]) =>
    new Promise<void>((resolve, reject) => {
      const tx = db.transaction(store, 'readwrite');
      const table = tx.objectStore(store);
      for (const row of rows) table.put(row);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  const start = Date.UTC(2024, 0, 1);
  const conversations = [];
  let messageCount = 0;
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let c = 0; c < args.conversations; c++) {
    const messages = [];
    let last = '';
    for (let m = 0; m < args.perConversation; m++) {
      const serverId = c * args.perConversation + m + 1;
      const words = Array.from(
        { length: 6 + Math.floor(random() * 10) },
        () => vocabulary[Math.floor(random() * vocabulary.length)]!,
      );
      if (serverId % 997 === 0) words.splice(3, 0, rare[serverId % rare.length]!);
      const content = words.join(' ');
      const createdAt = new Date(start + c * 60_000 + m * 1000).toISOString();
      last = content;
      const senderId = m % 2 === 0 ? args.me : 100_000 + c;
      const sortKey = `1${pad(serverId, 10)}`;
      messages.push({
        clientMsgId: `00000000-0000-7000-8000-${pad(serverId, 12)}`,
        convKey: `s${c + 1}`,
        serverId,
        senderId,
        messageType: 'text',
        content,
        createdAt,
        updatedAt: createdAt,
        status: 'sent',
        isEdited: false,
        isDeleted: false,
        version: m + 1,
        sortKey,
        words: [...new Set(words)],
        failure: null,
        ...(senderId === args.me ? {} : { othersKey: sortKey }),
      });
    }
    messageCount += messages.length;
    await put('messages', messages);
    const activity = new Date(start + c * 60_000 + args.perConversation * 1000).toISOString();
    conversations.push({
      key: `s${c + 1}`,
      serverId: c + 1,
      otherUserId: 100_000 + c,
      otherDisplayName: `Person ${pad(c, 4)}`,
      conversationType: (['service', 'request', 'general'] as const)[c % 3],
      contextId: c % 3 === 2 ? null : c + 1,
      contextTitle: c % 3 === 2 ? null : `Listing ${c}`,
      createdAt: new Date(start).toISOString(),
      lastActivityAt: activity,
      lastMessagePreview: last,
      lastMessageSenderId: args.me,
      unreadCount: 0,
      pendingCount: 0,
      failedCount: 0,
      muted: false,
      version: args.perConversation,
      // Both sides have read everything: what a long-used device holds.
      members: [args.me, 100_000 + c].map((userId) => ({
        userId,
        deliveredUpTo: (c + 1) * args.perConversation,
        readUpTo: (c + 1) * args.perConversation,
      })),
      confirmedMarks: {
        deliveredUpTo: (c + 1) * args.perConversation,
        readUpTo: (c + 1) * args.perConversation,
      },
    });
  }
  await put('conversations', conversations);
  db.close();
  return messageCount;
}

/** Turns one stored message into a photo whose bytes are on the device. */
async function seedImageInPage(args: { me: number; convKey: string; clientMsgId: string }) {
  const canvas = new OffscreenCanvas(1600, 1200);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d context');
  for (let i = 0; i < 400; i++) {
    context.fillStyle = `hsl(${(i * 37) % 360} 60% 50%)`;
    context.fillRect((i * 97) % 1600, (i * 53) % 1200, 120, 90);
  }
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
  const small = new OffscreenCanvas(160, 120);
  small.getContext('2d')?.drawImage(canvas, 0, 0, 160, 120);
  const thumb = await small.convertToBlob({ type: 'image/webp', quality: 0.5 });
  const thumbnail = await new Promise<string>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsDataURL(thumb);
  });
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(`timenest-chat-${args.me}`);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(['messages', 'attachments'], 'readwrite');
    const messages = tx.objectStore('messages');
    const read = messages.get(args.clientMsgId);
    read.onsuccess = () => {
      messages.put({
        ...read.result,
        messageType: 'image',
        content: '',
        words: [],
        attachment: {
          fileName: 'lesson-board.jpg',
          size: blob.size,
          contentType: 'image/jpeg',
          width: 1600,
          height: 1200,
          thumbnail,
          fileUrl: '/api/v1/attachments/00000000000000000000000000000000',
        },
      });
      tx.objectStore('attachments').put({
        clientMsgId: args.clientMsgId,
        convKey: args.convKey,
        blob,
      });
    };
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

/** Installs, in every page, "when did this selector first match" timing. */
const TIMING_SCRIPT = `
  // tsx keeps function names with a __name helper that evaluated functions carry along.
  window.__name = window.__name || ((target) => target);
  // On screen, not just in the DOM: inside the viewport and every clipping ancestor, and
  // not hidden (a virtual list renders rows hidden while it positions them). Checked on
  // every DOM change and every frame, since scrolling changes no nodes.
  const isOnScreen = (el) => {
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    for (let box = el.parentElement; box; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const b = box.getBoundingClientRect();
      if (r.bottom <= b.top || r.top >= b.bottom || r.right <= b.left || r.left >= b.right) return false;
    }
    return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
  };
  window.__appeared = (selector) => new Promise((resolve) => {
    let done = false;
    const check = () => {
      if (done) return;
      const el = document.querySelector(selector);
      if (!el || !isOnScreen(el)) return;
      done = true;
      observer.disconnect();
      resolve(performance.now());
    };
    const everyFrame = () => { check(); if (!done) requestAnimationFrame(everyFrame); };
    const observer = new MutationObserver(check);
    observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
    everyFrame();
  });
  // The viewer's image decoded and on screen.
  window.__imageShown = () => new Promise((resolve) => {
    const check = () => {
      const img = document.querySelector('dialog[open] img');
      if (img && img.complete && img.naturalWidth > 0 && isOnScreen(img)) resolve(performance.now());
      else requestAnimationFrame(check);
    };
    check();
  });
  window.__lastInput = 0; window.__lastClick = 0;
  document.addEventListener('input', () => { window.__lastInput = performance.now(); }, true);
  document.addEventListener('click', () => { window.__lastClick = performance.now(); }, true);
`;

type TimedWindow = Window & {
  __appeared(selector: string): Promise<number>;
  __imageShown(): Promise<number>;
  __lastInput: number;
  __lastClick: number;
};

function appeared(page: Page, selector: string): Promise<number> {
  return page.evaluate((s) => (window as unknown as TimedWindow).__appeared(s), selector);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function benchUi(scale = 1): Promise<BenchResults> {
  await buildWebApp();
  const web = await serveBuild();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(
      ({ me }) => {
        localStorage.setItem('timenest.token', 'bench-token');
        localStorage.setItem(
          'timenest.user',
          JSON.stringify({ userId: me, email: 'bench@local', displayName: 'Bench Me' }),
        );
      },
      { me: ME },
    );
    await context.addInitScript(TIMING_SCRIPT);
    const first = await context.newPage();
    await first.goto(`${web.url}/messages`);
    await first.getByText('No conversations yet').waitFor();
    const stored = await first.evaluate(seedInPage, {
      conversations: Math.round(1000 * scale),
      perConversation: 100,
      me: ME,
    });
    await first.close();

    // Cold start: a fresh page over the filled database.
    const page = await context.newPage();
    await page.goto(`${web.url}/messages`, { waitUntil: 'commit' });
    const coldStart = await appeared(page, 'nav[aria-label="Conversations"] a');

    // List: swapping search results back for the list mounts it afresh.
    const search = page.getByRole('searchbox', { name: 'Search' });
    const listTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      await search.fill(`zz${i}`);
      await page.getByText('No results').waitFor();
      const shown = appeared(page, 'nav[aria-label="Conversations"] a');
      await search.fill('');
      const end = await shown;
      listTimes.push(
        end - (await page.evaluate(() => (window as unknown as TimedWindow).__lastInput)),
      );
    }

    // Open: a conversation's latest message on screen after the click.
    const openTimes: number[] = [];
    for (const index of [1, 5, 9, 14, 20, 27, 33]) {
      const link = page
        .getByRole('navigation', { name: 'Conversations' })
        .getByRole('link')
        .nth(index);
      const href = (await link.getAttribute('href')) ?? '';
      const serverId = Number(new URL(href, web.url).searchParams.get('conversation_id'));
      const latest = `00000000-0000-7000-8000-${String(serverId * 100).padStart(12, '0')}`;
      const shown = appeared(page, `[data-message-id="${latest}"]`);
      await link.click();
      const end = await shown;
      openTimes.push(
        end - (await page.evaluate(() => (window as unknown as TimedWindow).__lastClick)),
      );
    }

    // Search: full text over every stored message.
    const searchTimes: number[] = [];
    for (const query of ['derailleur', 'metronome', 'harmonica', 'sourd', 'callig']) {
      await search.fill('');
      await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
      const shown = appeared(page, '.search-hit mark');
      await search.fill(query);
      const end = await shown;
      const typed = await page.evaluate(() => (window as unknown as TimedWindow).__lastInput);
      searchTimes.push(end - typed);
    }

    // Attachment: the newest conversation's latest message becomes a 1600×1200 photo
    // whose bytes are on the device, before that conversation is first opened.
    const newest = page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('link')
      .first();
    await search.fill('');
    const newestId = Number(
      new URL((await newest.getAttribute('href')) ?? '', web.url).searchParams.get(
        'conversation_id',
      ),
    );
    await page.evaluate(seedImageInPage, {
      me: ME,
      convKey: `s${newestId}`,
      clientMsgId: `00000000-0000-7000-8000-${String(newestId * 100).padStart(12, '0')}`,
    });
    await newest.click();
    const photo = page.getByRole('button', { name: 'Open image lesson-board.jpg' });
    const openTimes2: number[] = [];
    for (let i = 0; i < 5; i++) {
      await photo.waitFor();
      const shown = page.evaluate(() => (window as unknown as TimedWindow).__imageShown());
      await photo.click();
      const end = await shown;
      openTimes2.push(
        end - (await page.evaluate(() => (window as unknown as TimedWindow).__lastClick)),
      );
      await page.keyboard.press('Escape');
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
    }

    return {
      attachment_open_ms: median(openTimes2),
      ui_messages_stored: stored,
      ui_cold_start_ms: coldStart,
      ui_list_ms: median(listTimes),
      ui_open_ms: median(openTimes),
      ui_search_ms: median(searchTimes),
    };
  } finally {
    await browser.close();
    web.server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchUi(Number(process.env.BENCH_SCALE ?? '1')).then(
    (results) => {
      console.table(
        Object.entries(results).map(([metric, value]) => ({
          metric,
          value: Math.round(value * 10) / 10,
        })),
      );
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
