// Limits every boundary enforces; the server, the REST layer and the client share them.
export const LIMITS = {
  messageMaxChars: 10_000,
  contextTitleMaxChars: 200,
  displayNameMaxChars: 100,
  deviceNameMaxChars: 100,
  emailMaxChars: 254,
  passwordMinChars: 8,
  passwordMaxChars: 200,
  searchMaxChars: 200,
  pageSizeDefault: 50,
  pageSizeMax: 200,
  pushBatchMax: 1000,
  /** Characters of operations (as JSON) in one push beyond its first operation: at most
   * three bytes each in UTF-8, so a full push stays under `requestMaxBytes`. */
  pushBatchMaxJsonChars: 500_000,
  /** The largest request body or WebSocket frame the server reads, before or after
   * sign-in: a full push and its envelope. */
  requestMaxBytes: 2 * 1024 * 1024,
  /** Calls in one tRPC batch over HTTP, and over a signed-in WebSocket. */
  trpcBatchMax: 10,
  trpcSocketBatchMax: 100,
  /** Rows (messages and conversations together) in one pull page. */
  pullPageMax: 2000,
  /** Characters of a sync cursor; the server's are about 40 whatever the user has. */
  cursorMaxChars: 1024,
} as const;
