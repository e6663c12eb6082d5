// Issue 3 (b) in Node: 10,000 messages queued offline on one device, until every one is
// acknowledged and stored on the other participant's device. Both devices run the real
// engine and tRPC transport in this process; IndexedDB is fake-indexeddb, much slower
// than a browser's. reconcile-browser.ts measures the same in Chromium.
import { createUser, waitFor } from '../tests/support/clients.ts';
import { conversationWith, openDevice } from '../tests/sync/support.ts';
import { type BenchResults, messageText, startBenchServer } from './support.ts';

export async function benchReconcile(scale = 1): Promise<BenchResults> {
  const server = await startBenchServer('reconcile');
  const count = Math.max(500, Math.round(10_000 * Math.min(scale, 1)));
  try {
    const [alice, bob] = await Promise.all([
      createUser(server.url, 'Alice'),
      createUser(server.url, 'Bob'),
    ]);
    const syncServer = { url: server.url } as Parameters<typeof openDevice>[0];
    const plain = { watchStatuses: false };
    const sender = openDevice(syncServer, alice, 'alice', plain);
    const receiver = openDevice(syncServer, bob, 'bob', plain);
    try {
      sender.goOffline();
      const convKey = await conversationWith(sender, bob);
      for (let i = 0; i < count; i++) await sender.engine.sendMessage(convKey, messageText(i));
      const started = performance.now();
      sender.goOnline();
      await waitFor(
        async () => {
          const [waiting, stored] = await Promise.all([
            sender.db.outbox.count(),
            receiver.db.messages.count(),
          ]);
          return waiting === 0 && stored === count;
        },
        { timeoutMs: 600_000, intervalMs: 25, what: `${count} messages reconciled` },
      );
      const elapsed = performance.now() - started;
      return {
        reconcile_10k_ms_node: (elapsed * 10_000) / count,
        reconcile_messages_node: count,
      };
    } finally {
      await Promise.all([sender.close(), receiver.close()]);
    }
  } finally {
    await server.dispose();
  }
}
