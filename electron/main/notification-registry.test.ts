import { describe, expect, it } from 'vitest';
import { createNotificationRegistry } from './notification-registry.ts';

function closable() {
  const state = { closed: 0, close: () => {} };
  state.close = () => {
    state.closed += 1;
  };
  return state;
}

describe('createNotificationRegistry', () => {
  it('reports whether there was a notification to withdraw', () => {
    const registry = createNotificationRegistry<ReturnType<typeof closable>>();
    registry.replace('c-1', closable());
    expect(registry.withdraw('c-1')).toBe(true);
    expect(registry.withdraw('c-1')).toBe(false);
  });

  it('closes a withdrawn notification exactly once', () => {
    const registry = createNotificationRegistry<ReturnType<typeof closable>>();
    const notification = closable();
    registry.replace('c-1', notification);
    registry.withdraw('c-1');
    registry.withdrawAll();
    expect(notification.closed).toBe(1);
  });

  it('forgets a released notification without closing it', () => {
    const registry = createNotificationRegistry<ReturnType<typeof closable>>();
    const notification = closable();
    registry.replace('c-1', notification);
    registry.release('c-1', notification);
    expect(registry.liveConversationKeys()).toEqual([]);
    expect(notification.closed).toBe(0);
  });

  it('keeps the newer notification when the replaced one is released', () => {
    const registry = createNotificationRegistry<ReturnType<typeof closable>>();
    const older = closable();
    registry.replace('c-1', older);
    registry.replace('c-1', closable());
    registry.release('c-1', older);
    expect(registry.liveConversationKeys()).toEqual(['c-1']);
  });
});
