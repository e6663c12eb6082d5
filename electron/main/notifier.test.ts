import { describe, expect, it } from 'vitest';
import type { ConversationTarget, NotifyArgs } from '../../shared/platform/bridge.ts';
import { createNotifier, type SystemNotificationOptions } from './notifier.ts';

class FakeNotification {
  shown = false;
  closed = false;
  private readonly listeners = new Map<string, Array<() => void>>();
  constructor(readonly options: SystemNotificationOptions) {}
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.closed = true;
    this.emit('close');
  }
  on(event: 'click' | 'close', listener: () => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: 'click' | 'close'): void {
    for (const listener of this.listeners.get(event) ?? []) listener();
  }
}

function setup(isSupported = true) {
  const created: FakeNotification[] = [];
  const opened: Array<ConversationTarget | null> = [];
  const notifier = createNotifier({
    isSupported: () => isSupported,
    createNotification: (options) => {
      const notification = new FakeNotification(options);
      created.push(notification);
      return notification;
    },
    openFromNotification: (target) => opened.push(target),
  });
  return { notifier, created, opened };
}

function message(conversationKey: string, body: string): NotifyArgs {
  return { conversationKey, title: 'Bob', body, target: { userId: 2, conversationId: 5 } };
}

describe('createNotifier', () => {
  it('shows the notification the renderer decided on, as given', () => {
    const { notifier, created } = setup();
    notifier.notify(message('c-1', 'hello'));
    expect(created).toHaveLength(1);
    expect(created[0]?.shown).toBe(true);
    expect(created[0]?.options).toEqual({ title: 'Bob', body: 'hello', silent: false });
  });

  it('replaces the live notification of a conversation with the newer message', () => {
    const { notifier, created } = setup();
    notifier.notify(message('c-1', 'first'));
    notifier.notify(message('c-1', 'second'));
    expect(created.map((n) => [n.options.body, n.closed])).toEqual([
      ['first', true],
      ['second', false],
    ]);
  });

  it('keeps one live notification per conversation, not one in total', () => {
    const { notifier, created } = setup();
    notifier.notify(message('c-1', 'one'));
    notifier.notify(message('c-2', 'two'));
    expect(created.every((n) => !n.closed)).toBe(true);
  });

  it('withdraws the notification when its conversation is read', () => {
    const { notifier, created } = setup();
    notifier.notify(message('c-1', 'hello'));
    notifier.withdraw('c-1');
    expect(created[0]?.closed).toBe(true);
  });

  it('leaves other conversations notifications alone when one is read', () => {
    const { notifier, created } = setup();
    notifier.notify(message('c-1', 'one'));
    notifier.notify(message('c-2', 'two'));
    notifier.withdraw('c-1');
    expect(created.map((n) => n.closed)).toEqual([true, false]);
  });

  it('opens the conversation when the notification is clicked', () => {
    const { notifier, created, opened } = setup();
    notifier.notify(message('c-1', 'hello'));
    created[0]?.emit('click');
    expect(opened).toEqual([{ userId: 2, conversationId: 5 }]);
  });

  it('does not close a newer notification when an older one is clicked late', () => {
    const { notifier, created } = setup();
    notifier.notify(message('c-1', 'first'));
    const first = created[0];
    notifier.notify(message('c-1', 'second'));
    first?.emit('click');
    notifier.withdraw('c-1');
    expect(created[1]?.closed).toBe(true);
  });

  it('creates nothing where the system has no notifications', () => {
    const { notifier, created } = setup(false);
    expect(notifier.notify(message('c-1', 'hello'))).toBe(false);
    expect(created).toHaveLength(0);
  });

  it('withdraws every notification at once', () => {
    const { notifier, created } = setup();
    notifier.notify(message('c-1', 'one'));
    notifier.notify(message('c-2', 'two'));
    notifier.withdrawAll();
    expect(created.every((n) => n.closed)).toBe(true);
  });

  it('passes silent through to the system notification', () => {
    const { notifier, created } = setup();
    notifier.notify({ ...message('c-1', 'shh'), silent: true });
    expect(created[0]?.options.silent).toBe(true);
  });
});
