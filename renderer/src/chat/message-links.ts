// Splits message text into plain runs and links. A link is what someone clearly meant as
// one: an http(s) or mailto URL written out, a `www.` address (opened as https) or an
// email address; bare names like readme.md and every other scheme stay text.
import { tokenize } from 'linkifyjs';
import { safeExternalHref } from '../../../shared/platform/external-link.ts';

export type MessagePart =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string };

const WRITTEN_SCHEME = /^(?:https?:\/\/|mailto:)/i;
const WWW = /^www\./i;
/** Text without any of these holds no link that `hrefFor` keeps: most messages, which
 * then skip the tokenizer (the costliest part of rendering a plain bubble). */
const MAY_HOLD_LINK = /:\/\/|mailto:|www\.|@/i;

function hrefFor(type: string, text: string): string | null {
  if (type === 'email') return safeExternalHref(`mailto:${text}`);
  if (type !== 'url') return null;
  if (WRITTEN_SCHEME.test(text)) return safeExternalHref(text);
  if (WWW.test(text)) return safeExternalHref(`https://${text}`);
  return null;
}

export function splitMessageLinks(text: string): MessagePart[] {
  if (!MAY_HOLD_LINK.test(text)) return text === '' ? [] : [{ kind: 'text', text }];
  const parts: MessagePart[] = [];
  const pushText = (run: string) => {
    const last = parts.at(-1);
    if (last?.kind === 'text') last.text += run;
    else parts.push({ kind: 'text', text: run });
  };
  for (const token of tokenize(text)) {
    const run = token.toString();
    const href = token.isLink ? hrefFor(token.t, run) : null;
    if (href === null) pushText(run);
    else parts.push({ kind: 'link', text: run, href });
  }
  return parts;
}
