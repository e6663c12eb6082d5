// Shows system notifications for new messages: asks the policy, keeps one per
// conversation, and turns a click into "open this conversation".
import type { ConversationTarget, NotifyArgs } from '../../shared/platform/bridge.ts';
import {
  decideNotification,
  type NotificationContext,
  type NotificationDecision,
} from './notification-policy.ts';
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
  currentContext(): NotificationContext;
  /** Show, restore and focus the window, then open the conversation (when known). */
  openFromNotification(target: ConversationTarget | null): void;
}

export interface Notifier {
  notify(args: NotifyArgs): NotificationDecision;
  withdraw(conversationKey: string): void;
  withdrawAll(): void;
}

export function createNotifier<N extends SystemNotification>(deps: NotifierDeps<N>): Notifier {
  const registry = createNotificationRegistry<N>();
  return {
    notify(args) {
      const decision = decideNotification(args, deps.currentContext());
      if (!decision.show || !deps.isSupported()) return decision;
      const notification = deps.createNotification({
        title: decision.title,
        body: decision.body,
        silent: args.silent ?? false,
      });
      notification.on('click', () => {
        registry.release(args.conversationKey, notification);
        deps.openFromNotification(args.target);
      });
      notification.on('close', () => registry.release(args.conversationKey, notification));
      registry.replace(args.conversationKey, notification);
      notification.show();
      return decision;
    },
    withdraw(conversationKey) {
      registry.withdraw(conversationKey);
    },
    withdrawAll() {
      registry.withdrawAll();
    },
  };
}
