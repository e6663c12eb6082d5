// Limits every boundary enforces; the server, the REST layer and the client share them.
export const LIMITS = {
  messageMaxChars: 10_000,
  contextTitleMaxChars: 200,
  displayNameMaxChars: 100,
  emailMaxChars: 254,
  passwordMinChars: 8,
  passwordMaxChars: 200,
  searchMaxChars: 200,
  pageSizeDefault: 50,
  pageSizeMax: 200,
  pushBatchMax: 1000,
  /** Rows (messages and conversations together) in one pull page. */
  pullPageMax: 2000,
  /** Characters of a sync cursor; the server's are about 40 whatever the user has. */
  cursorMaxChars: 1024,
} as const;
