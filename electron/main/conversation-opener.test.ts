import { describe, expect, it, vi } from 'vitest';
import { createConversationOpener } from './conversation-opener.ts';

function setup() {
  const reveal = vi.fn();
  const send = vi.fn();
  return { reveal, send, opener: createConversationOpener({ reveal, send }) };
}

describe('createConversationOpener', () => {
  it('reveals the window and opens the conversation once the page is loaded', () => {
    const { opener, reveal, send } = setup();
    opener.rendererReady();
    opener.open({ userId: 2, conversationId: 5 });
    expect(reveal).toHaveBeenCalledOnce();
    expect(send).toHaveBeenCalledWith({ userId: 2, conversationId: 5 });
  });

  it('holds a cold-start request until the page is loaded', () => {
    const { opener, send } = setup();
    opener.open({ userId: 2, conversationId: 5 });
    expect(send).not.toHaveBeenCalled();
    opener.rendererReady();
    expect(send).toHaveBeenCalledWith({ userId: 2, conversationId: 5 });
  });

  it('opens only the newest of several early requests', () => {
    const { opener, send } = setup();
    opener.open({ userId: 2, conversationId: 5 });
    opener.open({ userId: 3, conversationId: 6 });
    opener.rendererReady();
    expect(send.mock.calls).toEqual([[{ userId: 3, conversationId: 6 }]]);
  });

  it('holds requests again while the page reloads', () => {
    const { opener, send } = setup();
    opener.rendererReady();
    opener.rendererGone();
    opener.open({ userId: 2, conversationId: 5 });
    expect(send).not.toHaveBeenCalled();
    opener.rendererReady();
    expect(send).toHaveBeenCalledOnce();
  });

  it('only reveals the window for a notification without a conversation', () => {
    const { opener, reveal, send } = setup();
    opener.rendererReady();
    opener.open(null);
    expect(reveal).toHaveBeenCalledOnce();
    expect(send).not.toHaveBeenCalled();
  });
});
