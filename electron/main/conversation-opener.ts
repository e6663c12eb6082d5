// Opens a conversation from a notification click, a deep link or a second launch. On a
// cold start the request arrives before the page has loaded, so the newest one waits
// until the renderer is ready (the preload then holds it until the UI subscribes).
import type { ConversationTarget } from '../../shared/platform/bridge.ts';

export interface ConversationOpenerDeps {
  reveal(): void;
  send(target: ConversationTarget): void;
}

export interface ConversationOpener {
  /** Reveals the window and opens `target` (or only reveals, when null). */
  open(target: ConversationTarget | null): void;
  rendererReady(): void;
  rendererGone(): void;
}

export function createConversationOpener(deps: ConversationOpenerDeps): ConversationOpener {
  let isReady = false;
  let pending: ConversationTarget | null = null;
  return {
    open(target) {
      deps.reveal();
      if (target === null) return;
      if (isReady) deps.send(target);
      else pending = target;
    },
    rendererReady() {
      isReady = true;
      if (pending !== null) {
        const target = pending;
        pending = null;
        deps.send(target);
      }
    },
    rendererGone() {
      isReady = false;
    },
  };
}
