// Counts a Dexie database's read-write IndexedDB transactions, for the write-cost tests
// and benchmarks.
import type { ChatDatabase } from '../db.ts';

export function countWriteTransactions(db: ChatDatabase, onWrite: () => void): void {
  db.use({
    stack: 'dbcore',
    name: 'count-write-transactions',
    create: (down) => ({
      ...down,
      transaction(stores, mode, txOptions) {
        if (mode === 'readwrite') onWrite();
        return down.transaction(stores, mode, txOptions);
      },
    }),
  });
}
