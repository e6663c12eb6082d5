// At most one live notification per conversation: a newer one replaces the older, and
// reading the conversation withdraws it. Holding the reference also keeps Electron's
// Notification from being garbage-collected, which would silently drop its click handler.

export interface ClosableNotification {
  close(): void;
}

export interface NotificationRegistry<N extends ClosableNotification> {
  /** Closes the conversation's current notification and remembers `next` instead. */
  replace(conversationKey: string, next: N): void;
  /** Closes and forgets the conversation's notification; true when there was one. */
  withdraw(conversationKey: string): boolean;
  /** Forgets `notification` (it was clicked or dismissed) unless a newer one replaced it. */
  release(conversationKey: string, notification: N): void;
  withdrawAll(): void;
  liveConversationKeys(): string[];
}

export function createNotificationRegistry<
  N extends ClosableNotification,
>(): NotificationRegistry<N> {
  const live = new Map<string, N>();
  return {
    replace(conversationKey, next) {
      live.get(conversationKey)?.close();
      live.set(conversationKey, next);
    },
    withdraw(conversationKey) {
      const current = live.get(conversationKey);
      if (current === undefined) return false;
      live.delete(conversationKey);
      current.close();
      return true;
    },
    release(conversationKey, notification) {
      if (live.get(conversationKey) === notification) live.delete(conversationKey);
    },
    withdrawAll() {
      const all = [...live.values()];
      live.clear();
      for (const notification of all) notification.close();
    },
    liveConversationKeys() {
      return [...live.keys()];
    },
  };
}
