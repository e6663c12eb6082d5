import { describe, expect, it } from 'vitest';
import { chatPath, parseRoute } from './routes.ts';

describe('routes', () => {
  it('keeps the seed’s conversation list and chat routes', () => {
    expect(parseRoute('/messages', '')).toEqual({ name: 'messages' });
    expect(parseRoute('/chat/7', '?conversation_id=42')).toEqual({
      name: 'chat',
      userId: 7,
      conversationId: '42',
      messageId: null,
    });
  });

  it('accepts a local key for a conversation created offline, and a message to jump to', () => {
    const path = chatPath(7, '0190d8a2-1c4b-7000-8000-000000000001', 'abc');
    const url = new URL(path, 'http://x');
    expect(parseRoute(url.pathname, url.search)).toEqual({
      name: 'chat',
      userId: 7,
      conversationId: '0190d8a2-1c4b-7000-8000-000000000001',
      messageId: 'abc',
    });
  });

  it.each([
    ['/chat/7', ''],
    ['/chat/abc', '?conversation_id=1'],
    ['/chat/7', '?conversation_id=<script>'],
  ])('does not open a conversation for %s%s', (path, search) => {
    expect(parseRoute(path, search).name).toBe('not-found');
  });
});
