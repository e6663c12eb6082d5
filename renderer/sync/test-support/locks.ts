// The Web Locks API as far as leader election uses it (exclusive locks, FIFO, abortable
// waits), in memory: Node has no `navigator.locks`. One instance stands for one browser
// profile; engines given the same instance behave as its tabs.
import type { LockManagerLike } from '../leader.ts';

export function memoryLocks(): LockManagerLike {
  const queues = new Map<string, (() => void)[]>();
  const held = new Set<string>();
  const grantNext = (name: string) => {
    const next = queues.get(name)?.shift();
    if (next) next();
    else held.delete(name);
  };
  return {
    request(name, options, callback) {
      return new Promise((resolve, reject) => {
        const run = () => {
          held.add(name);
          callback(null).then(
            (value) => {
              grantNext(name);
              resolve(value);
            },
            (error: unknown) => {
              grantNext(name);
              reject(error);
            },
          );
        };
        if (!held.has(name)) {
          run();
          return;
        }
        const queue = queues.get(name) ?? [];
        queues.set(name, queue);
        queue.push(run);
        options.signal?.addEventListener('abort', () => {
          const index = queue.indexOf(run);
          if (index >= 0) {
            queue.splice(index, 1);
            reject(new DOMException('aborted', 'AbortError'));
          }
        });
      });
    },
  };
}
