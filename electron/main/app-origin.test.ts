import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  isAppUrl,
  originOf,
  rendererEntryUrl,
  resolveAppOrigin,
} from './app-origin.ts';

describe('originOf', () => {
  it('gives app URLs a real origin, unlike URL.origin which says "null"', () => {
    expect(new URL('app://timenest/index.html').origin).toBe('null');
    expect(originOf('app://timenest/index.html')).toBe('app://timenest');
  });

  it('keeps the port of a development server', () => {
    expect(originOf('http://localhost:5173/src/main.tsx')).toBe('http://localhost:5173');
  });

  it.each([
    'file:///etc/passwd',
    'data:text/html,x',
    'javascript:alert(1)',
    'about:blank',
    'blob:app://timenest/1',
  ])('has no origin for %s', (url) => {
    expect(originOf(url)).toBeNull();
  });

  it('has no origin for a URL with credentials', () => {
    expect(originOf('app://user:pass@timenest/')).toBeNull();
  });
});

describe('isAppUrl', () => {
  it('does not treat two different custom hosts as one origin', () => {
    expect(isAppUrl('app://evil/index.html', APP_ORIGIN)).toBe(false);
  });

  it('does not match an app origin that is itself unparseable', () => {
    expect(isAppUrl('app://timenest/', 'not an origin')).toBe(false);
  });
});

describe('resolveAppOrigin', () => {
  it('is app://timenest for a packaged or built app', () => {
    expect(resolveAppOrigin(null)).toBe('app://timenest');
  });

  it('is the dev server origin in development', () => {
    expect(resolveAppOrigin('http://localhost:5173/')).toBe('http://localhost:5173');
  });
});

describe('rendererEntryUrl', () => {
  it('loads the built renderer from the app protocol', () => {
    expect(rendererEntryUrl(null)).toBe('app://timenest/');
  });

  it('loads the dev server page in development', () => {
    expect(rendererEntryUrl('http://localhost:5173/')).toBe('http://localhost:5173/');
  });
});
