// Shows system notifications for new messages: keeps one per conversation and turns a
// click into "open this conversation". Whether to notify, and what to show, was decided
// by the renderer's notification policy; the shell holds no second one.
import type { ConversationTarget, NotifyArgs } from '../../shared/platform/bridge.ts';
import { createNotificationRegistry } from './notification-registry.ts';

export interface SystemNotification {
  show(): void;
  close(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

export interface SystemNotificationOptions {
  title: string;
  body: string;
  silent: boolean;
}

export interface NotifierDeps<N extends SystemNotification> {
  isSupported(): boolean;
  createNotification(options: SystemNotificationOptions): N;
  /** Show, restore and focus the window, then open the conversation (when known). */
  openFromNotification(target: ConversationTarget | null): void;
}

export interface Notifier {
  /** Whether a notification was shown. */
  notify(args: NotifyArgs): boolean;
  withdraw(conversationKey: string): void;
  withdrawAll(): void;
}

export function createNotifier<N extends SystemNotification>(deps: NotifierDeps<N>): Notifier {
  const registry = createNotificationRegistry<N>();
  return {
    notify(args) {
      if (!deps.isSupported()) return false;
      const notification = deps.createNotification({
        title: args.title,
        body: args.body,
        silent: args.silent ?? false,
      });
      notification.on('click', () => {
        registry.release(args.conversationKey, notification);
        deps.openFromNotification(args.target);
      });
      notification.on('close', () => registry.release(args.conversationKey, notification));
      registry.replace(args.conversationKey, notification);
      notification.show();
      return true;
    },
    withdraw(conversationKey) {
      registry.withdraw(conversationKey);
    },
    withdrawAll() {
      registry.withdrawAll();
    },
  };
}
