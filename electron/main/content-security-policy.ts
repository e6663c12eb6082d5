// The Content-Security-Policy of the app's pages. Scripts come only from the app itself
// (no eval, no inline script in production); the network is only the app and its server.

export interface CspOptions {
  serverUrl: string;
  /** The electron-vite dev server, when running in development; null in production. */
  devServerUrl: string | null;
}

/** The server's http(s) origin and the matching ws(s) origin for subscriptions. */
export function serverOrigins(serverUrl: string): [string, string] {
  const url = new URL(serverUrl);
  const wsProtocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return [url.origin, `${wsProtocol}//${url.host}`];
}

export function buildContentSecurityPolicy(options: CspOptions): string {
  const [serverHttp, serverWs] = serverOrigins(options.serverUrl);
  const dev = options.devServerUrl === null ? null : serverOrigins(options.devServerUrl);
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'none'"]],
    // Vite's dev server injects the React refresh preamble as an inline script; only in dev.
    ['script-src', dev ? ["'self'", "'unsafe-inline'"] : ["'self'"]],
    // Inline styles cannot run code; UI libraries set them, so they are allowed.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:', serverHttp]],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", serverHttp, serverWs, ...(dev ? [dev[1]] : [])]],
    ['worker-src', ["'self'"]],
    ['manifest-src', ["'self'"]],
    ['media-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  return directives
    .map(([name, sources]) => `${name} ${[...new Set(sources)].join(' ')}`)
    .join('; ');
}

/** Parses a policy back into directive → sources, for checks and tests. */
export function parseContentSecurityPolicy(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name, sources);
  }
  return directives;
}
