// "The window has focus": visible and focused. Read receipts and notifications use it.
export function isWindowFocused(doc: Document): boolean {
  return doc.visibilityState === 'visible' && doc.hasFocus();
}
