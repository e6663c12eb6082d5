import { describe, expect, it } from 'vitest';
import { splitMessageLinks } from './message-links.ts';

const links = (text: string) =>
  splitMessageLinks(text)
    .filter((part) => part.kind === 'link')
    .map((part) => (part.kind === 'link' ? [part.text, part.href] : []));

describe('which parts of a message become links', () => {
  it('keeps text without links as one plain run', () => {
    expect(splitMessageLinks('see you at 10, ok?')).toEqual([
      { kind: 'text', text: 'see you at 10, ok?' },
    ]);
  });

  it('links an https URL and leaves the punctuation after it as text', () => {
    expect(splitMessageLinks('read https://timenest.com/help?q=1. thanks')).toEqual([
      { kind: 'text', text: 'read ' },
      {
        kind: 'link',
        text: 'https://timenest.com/help?q=1',
        href: 'https://timenest.com/help?q=1',
      },
      { kind: 'text', text: '. thanks' },
    ]);
  });

  it('links http, www (as https), a mailto URL and a bare email address', () => {
    expect(
      links('http://example.org www.example.com mailto:bob@example.com ann@example.net'),
    ).toEqual([
      ['http://example.org', 'http://example.org/'],
      ['www.example.com', 'https://www.example.com/'],
      ['mailto:bob@example.com', 'mailto:bob@example.com'],
      ['ann@example.net', 'mailto:ann@example.net'],
    ]);
  });

  it.each([
    ['javascript', 'javascript:alert(1)'],
    ['file', 'file:///etc/passwd'],
    ['ftp', 'ftp://files.example.com/x'],
    ['a custom scheme', 'timenest://chat/1'],
    ['a bare domain', 'example.com'],
    ['a file name that looks like a domain', 'readme.md'],
    ['credentials that disguise the host', 'https://bank.com@evil.com/'],
    ['a mailto that attaches a file', 'mailto:a@example.com?attach=/etc/passwd'],
  ])('leaves %s as text', (_label, text) => {
    expect(splitMessageLinks(`x ${text} y`)).toEqual([{ kind: 'text', text: `x ${text} y` }]);
  });

  it('keeps every character of the message, in order', () => {
    const text = 'a\u202Eb https://example.com/ä\n\nwww.example.com c';
    expect(
      splitMessageLinks(text)
        .map((part) => part.text)
        .join(''),
    ).toBe(text);
  });
});
