import { describe, expect, it } from 'vitest';
import {
  buildContentSecurityPolicy,
  parseContentSecurityPolicy,
  serverOrigins,
} from './content-security-policy.ts';

const production = parseContentSecurityPolicy(
  buildContentSecurityPolicy({ serverUrl: 'http://127.0.0.1:8787', devServerUrl: null }),
);
const development = parseContentSecurityPolicy(
  buildContentSecurityPolicy({
    serverUrl: 'http://127.0.0.1:8787',
    devServerUrl: 'http://localhost:5173',
  }),
);

describe('serverOrigins', () => {
  it('pairs an http server with ws', () => {
    expect(serverOrigins('http://127.0.0.1:8787/api')).toEqual([
      'http://127.0.0.1:8787',
      'ws://127.0.0.1:8787',
    ]);
  });

  it('pairs an https server with wss', () => {
    expect(serverOrigins('https://chat.example')).toEqual([
      'https://chat.example',
      'wss://chat.example',
    ]);
  });
});

describe('buildContentSecurityPolicy', () => {
  it('connects only to the app and the configured server over http and ws', () => {
    expect(production.get('connect-src')).toEqual([
      "'self'",
      'http://127.0.0.1:8787',
      'ws://127.0.0.1:8787',
    ]);
  });

  it('runs only the app own scripts in production', () => {
    expect(production.get('script-src')).toEqual(["'self'"]);
  });

  it('never allows eval, not even in development', () => {
    for (const policy of [production, development]) {
      expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
    }
  });

  it('denies everything not listed', () => {
    expect(production.get('default-src')).toEqual(["'none'"]);
    expect(production.get('object-src')).toEqual(["'none'"]);
    expect(production.get('base-uri')).toEqual(["'none'"]);
  });

  it('lets the development page reach the dev server for hot reload', () => {
    expect(development.get('connect-src')).toContain('ws://localhost:5173');
  });

  it('allows no wildcard source anywhere', () => {
    expect([...production.values()].flat().some((source) => source.includes('*'))).toBe(false);
  });
});
