// Issue 3 (b) in the product's own runtime: two signed-in web apps in Chromium, each with
// the browser's IndexedDB and its own engine, against the server in its own process.
// Alice's app goes offline and queues 10,000 messages through its engine; the clock runs
// from her coming back online until her outbox is empty and Bob's app has stored every
// one. The web app is built with BENCH_HOOKS=1, which exposes the session's database
// and engine on `window` (production builds do not have it).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/chromium.ts';
import { createUser, rest, type TestUser, waitFor } from '../tests/support/clients.ts';
import { freePort } from '../tests/support/process-server.ts';
import { type BenchResults, messageText, startBenchServer } from './support.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const OUT_DIR = '../dist/web-bench';

/** What the bench build puts on `window` (see renderer/src/main.tsx). */
interface BenchWindow {
  __timenestBench?: {
    db: {
      outbox: { count(): Promise<number> };
      messages: { count(): Promise<number> };
      conversations: {
        where(index: string): {
          equals(key: number): { first(): Promise<{ key: string } | undefined> };
        };
      };
    };
    engine: { sendMessage(convKey: string, content: string): Promise<unknown> };
  };
}

function vite(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', ...args, '--config', 'renderer/vite.config.ts'],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

async function signedInPage(context: BrowserContext, webUrl: string, user: TestUser) {
  await context.addInitScript(
    ({ token, user }) => {
      localStorage.setItem('timenest.token', token);
      localStorage.setItem('timenest.user', JSON.stringify(user));
    },
    { token: user.token, user: user.user },
  );
  const page = await context.newPage();
  await page.goto(`${webUrl}/messages`);
  await page.waitForFunction(() => (window as BenchWindow).__timenestBench !== undefined);
  return page;
}

/** The local key of the conversation with this server id, once the page has pulled it. */
function conversationKey(page: Page, conversationId: number): Promise<string> {
  return waitFor(
    () =>
      page.evaluate(
        async (id) =>
          (
            await (window as BenchWindow)
              .__timenestBench!.db.conversations.where('serverId')
              .equals(id)
              .first()
          )?.key,
        conversationId,
      ),
    { timeoutMs: 30_000, what: `conversation ${conversationId} on the page` },
  );
}

export async function benchReconcileBrowser(scale = 1): Promise<BenchResults> {
  const count = Math.max(500, Math.round(10_000 * Math.min(scale, 1)));
  const server = await startBenchServer('reconcileweb');
  const children: ChildProcess[] = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
  });
  try {
    const env = { SERVER_URL: server.url, BENCH_HOOKS: '1' };
    const build = vite(['build', '--outDir', OUT_DIR, '--logLevel', 'error'], env);
    const [code] = await once(build, 'exit');
    if (code !== 0) throw new Error(`bench web build failed (${code})`);
    const webPort = await freePort();
    children.push(
      vite(['preview', '--outDir', OUT_DIR, '--port', String(webPort), '--strictPort'], {
        ...env,
        WEB_PORT: String(webPort),
      }),
    );
    const webUrl = `http://127.0.0.1:${webPort}`;
    await waitFor(
      () =>
        fetch(`${webUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      { timeoutMs: 30_000, what: 'the web app' },
    );

    const [alice, bob] = await Promise.all([
      createUser(server.url, 'Alice'),
      createUser(server.url, 'Bob'),
    ]);
    const created = await rest<{ conversation_id: number }>(
      server.url,
      'POST',
      '/api/v1/chat/conversations',
      { token: alice.token, body: { other_user_id: bob.user.userId } },
    );
    const conversationId = created.body.conversation_id;
    const aliceContext = await browser.newContext();
    const bobContext = await browser.newContext();
    const [alicePage, bobPage] = await Promise.all([
      signedInPage(aliceContext, webUrl, alice),
      signedInPage(bobContext, webUrl, bob),
    ]);
    const [aliceKey] = await Promise.all([
      conversationKey(alicePage, conversationId),
      conversationKey(bobPage, conversationId),
    ]);

    await aliceContext.setOffline(true);
    await alicePage.evaluate(
      async ({ convKey, texts }) => {
        const { engine } = (window as BenchWindow).__timenestBench!;
        for (const text of texts) await engine.sendMessage(convKey, text);
      },
      { convKey: aliceKey, texts: Array.from({ length: count }, (_, i) => messageText(i)) },
    );

    process.stderr.write(`  reconcile: ${count} messages queued offline in Chromium\n`);
    // BENCH_PROFILE_DIR=dir also writes both pages' CPU profiles of the timed window there.
    const profileDir = process.env.BENCH_PROFILE_DIR;
    const profilers = profileDir
      ? await Promise.all(
          [alicePage, bobPage].map(async (page) => {
            const cdp = await page.context().newCDPSession(page);
            await cdp.send('Profiler.enable');
            await cdp.send('Profiler.start');
            return cdp;
          }),
        )
      : [];
    const started = performance.now();
    let firstAcknowledgedAt: number | undefined;
    await aliceContext.setOffline(false);
    await waitFor(
      async () => {
        const [waiting, stored] = await Promise.all([
          alicePage.evaluate(() => (window as BenchWindow).__timenestBench!.db.outbox.count()),
          // Bob has no other conversation: every message he stores is one of these.
          bobPage.evaluate(() => (window as BenchWindow).__timenestBench!.db.messages.count()),
        ]);
        if (waiting < count) firstAcknowledgedAt ??= performance.now();
        return waiting === 0 && stored === count;
      },
      { timeoutMs: 600_000, intervalMs: 25, what: `${count} messages reconciled in Chromium` },
    );
    const elapsed = performance.now() - started;
    for (const [i, cdp] of profilers.entries()) {
      const { profile } = await cdp.send('Profiler.stop');
      await writeFile(
        `${profileDir}/reconcile-${i === 0 ? 'sender' : 'recipient'}.cpuprofile`,
        JSON.stringify(profile),
      );
    }
    return {
      reconcile_10k_ms: (elapsed * 10_000) / count,
      reconcile_first_ack_ms: (firstAcknowledgedAt ?? Number.NaN) - started,
      reconcile_messages: count,
    };
  } finally {
    await browser.close();
    for (const child of children) child.kill('SIGTERM');
    await server.dispose();
  }
}
