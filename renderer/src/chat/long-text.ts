// Text longer than one message may hold is offered as several messages, cut at
// paragraph, line or word boundaries where possible.
import { LIMITS } from '../../../shared/limits.ts';

export const MESSAGE_MAX = LIMITS.messageMaxChars;
/** From here on the composer shows how many characters are left. */
export const COUNTER_FROM = MESSAGE_MAX - 1000;

export function splitLongText(text: string, max: number = MESSAGE_MAX): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = [
      window.lastIndexOf('\n\n'),
      window.lastIndexOf('\n'),
      window.lastIndexOf(' '),
    ].find((i) => i > max / 2);
    let at = cut ?? max;
    // Never leave half of a surrogate pair (an emoji) at the end of a piece.
    if (at === max && /[\uD800-\uDBFF]/.test(rest.charAt(at - 1))) at -= 1;
    parts.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) parts.push(rest);
  return parts.filter(Boolean);
}
