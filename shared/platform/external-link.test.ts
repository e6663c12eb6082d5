import { describe, expect, it } from 'vitest';
import { safeExternalHref } from './external-link.ts';

describe('safeExternalHref', () => {
  it.each([
    [
      'an https link',
      'https://timenest.example/help?q=1#top',
      'https://timenest.example/help?q=1#top',
    ],
    ['an http link', 'http://example.com', 'http://example.com/'],
    ['a mail address', 'mailto:someone@example.com', 'mailto:someone@example.com'],
    ['an upper-case scheme', 'HTTPS://Example.COM/A', 'https://example.com/A'],
  ])('lets %s out, normalised', (_label, url, href) => {
    expect(safeExternalHref(url)).toBe(href);
  });

  it.each([
    ['javascript', 'javascript:alert(1)'],
    ['javascript behind spaces and case', '  JavaScript:alert(1)'],
    ['file', 'file:///C:/Windows/System32/calc.exe'],
    ['smb', 'smb://evil.example/share/payload.exe'],
    ['ms-msdt', 'ms-msdt:/id PCWDiagnostic /skip force'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['ftp', 'ftp://files.example.com/'],
    ['the app protocol', 'app://timenest/index.html'],
    ['the deep link scheme', 'timenest://chat/1?conversation_id=1'],
    ['credentials that disguise the host', 'https://bank.example@evil.example/login'],
    ['a password in the authority', 'https://user:pw@example.com/'],
    ['a mailto that attaches a file', 'mailto:a@example.com?attach=/etc/passwd'],
    ['a mailto with several recipients and a body', 'mailto:a@example.com,b@example.com?body=x'],
    ['a mailto without an address', 'mailto:'],
    ['text that is not a URL', 'example.com'],
    ['an overlong URL', `https://example.com/${'a'.repeat(3000)}`],
  ])('keeps %s in', (_label, url) => {
    expect(safeExternalHref(url)).toBeNull();
  });
});
