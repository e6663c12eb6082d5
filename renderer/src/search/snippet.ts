// A short piece of a message around the first match, split into plain and highlighted
// parts. A word matches when a query token is a prefix of it, compared the way the
// search index compares (case and accents folded).
export interface SnippetPart {
  text: string;
  isMatch: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function matchesToken(word: string, tokens: readonly string[]): boolean {
  const folded = foldText(word);
  return tokens.some((token) => folded.startsWith(token));
}

export function buildSnippet(
  content: string,
  tokens: readonly string[],
  radius = 40,
): SnippetPart[] {
  const text = content.replace(/\s+/g, ' ').trim();
  const folded = tokens.map(foldText).filter(Boolean);
  const matches: Array<{ start: number; end: number }> = [];
  for (const m of text.matchAll(WORD)) {
    if (matchesToken(m[0], folded)) matches.push({ start: m.index, end: m.index + m[0].length });
  }
  const first = matches[0];
  let from = 0;
  let to = Math.min(text.length, radius * 3);
  if (first) {
    from = Math.max(0, first.start - radius);
    to = Math.min(text.length, first.end + radius * 2);
    // Start and end on word boundaries rather than mid-word.
    if (from > 0) {
      const space = text.indexOf(' ', from);
      if (space >= 0 && space < first.start) from = space + 1;
    }
    if (to < text.length) {
      const space = text.lastIndexOf(' ', to);
      if (space > first.end) to = space;
    }
  }
  const parts: SnippetPart[] = [];
  if (from > 0) parts.push({ text: '…', isMatch: false });
  let cursor = from;
  for (const m of matches) {
    if (m.end <= from || m.start >= to) continue;
    const start = Math.max(m.start, from);
    const end = Math.min(m.end, to);
    if (start > cursor) parts.push({ text: text.slice(cursor, start), isMatch: false });
    parts.push({ text: text.slice(start, end), isMatch: true });
    cursor = end;
  }
  if (cursor < to) parts.push({ text: text.slice(cursor, to), isMatch: false });
  if (to < text.length) parts.push({ text: '…', isMatch: false });
  return parts;
}
