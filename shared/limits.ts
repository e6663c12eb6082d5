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
  pullPageMax: 2000,
} as const;
