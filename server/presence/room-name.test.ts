import { describe, expect, it } from 'vitest';
import { isPresencePath, parseRoomPath } from './room-name.ts';

describe('presence room names', () => {
  it('reads the conversation id of /yjs/conversation-<id>', () => {
    expect(parseRoomPath('/yjs/conversation-1')).toBe(1);
    expect(parseRoomPath('/yjs/conversation-2147483647')).toBe(2_147_483_647);
  });

  it('refuses every other shape', () => {
    const hostile = [
      '/yjs',
      '/yjs/',
      '/yjs/conversation-',
      '/yjs/conversation-0',
      '/yjs/conversation-007',
      '/yjs/conversation-2147483648',
      '/yjs/conversation-1e3',
      '/yjs/conversation-1/',
      '/yjs/conversation-1/x',
      '/yjs/conversation-1%00',
      '/yjs/Conversation-1',
      '/yjs//conversation-1',
      '/yjsconversation-1',
      '/other/conversation-1',
    ];
    for (const path of hostile) expect(parseRoomPath(path), path).toBeNull();
  });

  it('claims only paths under /yjs', () => {
    expect(isPresencePath('/yjs')).toBe(true);
    expect(isPresencePath('/yjs/anything')).toBe(true);
    expect(isPresencePath('/yjsx')).toBe(false);
    expect(isPresencePath('/trpc')).toBe(false);
  });
});
