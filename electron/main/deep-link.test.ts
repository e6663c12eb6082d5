import { describe, expect, it } from 'vitest';
import { findDeepLinkInArgv, parseDeepLink } from './deep-link.ts';

describe('parseDeepLink', () => {
  it('opens the conversation a well-formed link names', () => {
    expect(parseDeepLink('timenest://chat/42?conversation_id=7')).toEqual({
      userId: 42,
      conversationId: 7,
    });
  });

  it('accepts a trailing slash after the user id', () => {
    expect(parseDeepLink('timenest://chat/42/?conversation_id=7')).toEqual({
      userId: 42,
      conversationId: 7,
    });
  });

  it('accepts the scheme in capitals, as some launchers pass it', () => {
    expect(parseDeepLink('TIMENEST://chat/42?conversation_id=7')).not.toBeNull();
  });

  it('ignores query parameters it does not know', () => {
    expect(parseDeepLink('timenest://chat/42?utm_source=mail&conversation_id=7')).toEqual({
      userId: 42,
      conversationId: 7,
    });
  });

  it.each([
    ['another scheme', 'https://chat/42?conversation_id=7'],
    ['a look-alike scheme', 'timenest-evil://chat/42?conversation_id=7'],
    ['a scheme with a prefix', 'xtimenest://chat/42?conversation_id=7'],
    ['the file scheme', 'file:///chat/42?conversation_id=7'],
    ['the javascript scheme', 'javascript://chat/42?conversation_id=7%0aalert(1)'],
  ])('rejects a link with %s', (_label, link) => {
    expect(parseDeepLink(link)).toBeNull();
  });

  it.each([
    ['another host', 'timenest://settings/42?conversation_id=7'],
    ['a look-alike host', 'timenest://chat.evil.example/42?conversation_id=7'],
    ['a host in capitals', 'timenest://CHAT/42?conversation_id=7'],
    ['no host', 'timenest:///chat/42?conversation_id=7'],
    ['no slashes', 'timenest:chat/42?conversation_id=7'],
    ['credentials before the host', 'timenest://chat@evil/42?conversation_id=7'],
    ['user info named chat', 'timenest://user:pw@chat/42?conversation_id=7'],
    ['a port', 'timenest://chat:8080/42?conversation_id=7'],
  ])('rejects a link whose host is not plain chat: %s', (_label, link) => {
    expect(parseDeepLink(link)).toBeNull();
  });

  it.each([
    ['an encoded slash', 'timenest://chat/4%2F2?conversation_id=7'],
    ['an encoded backslash', 'timenest://chat/42%5C1?conversation_id=7'],
    ['encoded digits', 'timenest://chat/%34%32?conversation_id=7'],
    ['an extra path part', 'timenest://chat/42/messages?conversation_id=7'],
    ['an empty user id', 'timenest://chat/?conversation_id=7'],
    ['a double slash', 'timenest://chat//42?conversation_id=7'],
  ])('rejects a path with %s', (_label, link) => {
    expect(parseDeepLink(link)).toBeNull();
  });

  it.each([
    ['zero', '0'],
    ['a negative number', '-1'],
    ['a leading zero', '042'],
    ['a leading plus', '+42'],
    ['a fraction', '4.2'],
    ['an exponent', '4e2'],
    ['hexadecimal', '0x2a'],
    ['whitespace', '%2042'],
    ['one past the largest INT', '2147483648'],
    ['a huge number', '9'.repeat(400)],
    ['letters', 'alice'],
  ])('rejects a user id that is %s', (_label, userId) => {
    expect(parseDeepLink(`timenest://chat/${userId}?conversation_id=7`)).toBeNull();
  });

  it('accepts the largest INT id', () => {
    expect(parseDeepLink('timenest://chat/2147483647?conversation_id=2147483647')).toEqual({
      userId: 2_147_483_647,
      conversationId: 2_147_483_647,
    });
  });

  it.each([
    ['missing', 'timenest://chat/42'],
    ['empty', 'timenest://chat/42?conversation_id='],
    ['negative', 'timenest://chat/42?conversation_id=-7'],
    ['too large', 'timenest://chat/42?conversation_id=99999999999'],
    ['given twice', 'timenest://chat/42?conversation_id=7&conversation_id=8'],
    ['hidden in the fragment', 'timenest://chat/42#?conversation_id=7'],
    ['spelled differently', 'timenest://chat/42?conversationId=7'],
  ])('rejects a conversation id that is %s', (_label, link) => {
    expect(parseDeepLink(link)).toBeNull();
  });

  it('rejects an overlong link before parsing it', () => {
    const padding = 'a'.repeat(1000);
    expect(parseDeepLink(`timenest://chat/42?conversation_id=7&pad=${padding}`)).toBeNull();
  });

  it.each(['', 'not a url', 'timenest://', '\u0000timenest://chat/1?conversation_id=1'])(
    'rejects garbage %j',
    (link) => {
      expect(parseDeepLink(link)).toBeNull();
    },
  );
});

describe('findDeepLinkInArgv', () => {
  it('finds the link Windows appends to the second instance command line', () => {
    const argv = [
      'C:\\TimeNest\\TimeNest Chat.exe',
      '--flag',
      'timenest://chat/3?conversation_id=9',
    ];
    expect(findDeepLinkInArgv(argv)).toEqual({ userId: 3, conversationId: 9 });
  });

  it('returns null when no argument is a deep link', () => {
    expect(findDeepLinkInArgv(['/usr/bin/timenest-chat', '--no-sandbox', '.'])).toBeNull();
  });

  it('returns null when the only deep link is malformed', () => {
    expect(findDeepLinkInArgv(['app', 'timenest://chat/x?conversation_id=1'])).toBeNull();
  });

  it('uses the last deep link when several are given', () => {
    const argv = [
      'app',
      'timenest://chat/1?conversation_id=1',
      'timenest://chat/2?conversation_id=2',
    ];
    expect(findDeepLinkInArgv(argv)).toEqual({ userId: 2, conversationId: 2 });
  });
});
