// Which links may leave the app, for the system browser or the mail client: http(s)
// without credentials, and mailto with nothing but an address. One rule for the message
// view, the browser bridge and the Electron main process.
import { z } from 'zod';

export const EXTERNAL_URL_MAX = 2048;

const normalisedUrl = z
  .string()
  .max(EXTERNAL_URL_MAX)
  .pipe(z.url({ protocol: /^(https?|mailto)$/, normalize: true }));

// Both tests run on the parser's canonical form, where an `@` before the first `/`, `?`
// or `#` can only be credentials (https://bank.example@evil.example/ opens evil.example).
const WEB_WITHOUT_CREDENTIALS = /^https?:\/\/[^/?#@]+(?:[/?#]|$)/;
// Only a bare address: mail clients have honoured ?attach=/etc/passwd and the like.
const MAILTO_ADDRESS = /^mailto:[^\s@/?#:]+@[^\s@/?#:.]+(?:\.[^\s@/?#:.]+)+$/;

/** The href to open outside the app, normalised, or null when it must stay in. */
export function safeExternalHref(url: string): string | null {
  const parsed = normalisedUrl.safeParse(url);
  if (!parsed.success) return null;
  const href = parsed.data;
  return WEB_WITHOUT_CREDENTIALS.test(href) || MAILTO_ADDRESS.test(href) ? href : null;
}
