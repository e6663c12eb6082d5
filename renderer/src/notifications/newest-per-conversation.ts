// A pulled page can carry hundreds of messages of one conversation (the backlog after a
// partner was offline). A notification is about a conversation, and each new one replaces
// the last: so of a burst only the newest per conversation is shown, instead of hundreds
// created and closed on the way (each a toast on Windows, a permission check in a browser).
import type { IncomingMessage } from '../../sync/api.ts';

export interface Coalescer {
  add(incoming: IncomingMessage): void;
  /** Drops what has not been delivered yet. */
  cancel(): void;
}

export function newestPerConversation(
  deliver: (incoming: IncomingMessage) => void,
  schedule: (run: () => void) => void = queueMicrotask,
): Coalescer {
  let waiting = new Map<string, IncomingMessage>();
  let isScheduled = false;
  let isCancelled = false;
  const flush = () => {
    isScheduled = false;
    const burst = waiting;
    waiting = new Map();
    if (isCancelled) return;
    for (const incoming of burst.values()) deliver(incoming);
  };
  return {
    add(incoming) {
      if (isCancelled) return;
      // Re-inserting moves the conversation to the end: the burst's last word comes last.
      waiting.delete(incoming.conversation.key);
      waiting.set(incoming.conversation.key, incoming);
      if (!isScheduled) {
        isScheduled = true;
        schedule(flush);
      }
    },
    cancel() {
      isCancelled = true;
      waiting.clear();
    },
  };
}
