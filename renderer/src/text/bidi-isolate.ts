// Plain strings that mix the app's words with someone's text (notification titles and
// bodies, tooltips) cannot use <bdi>: the user's part is wrapped in FIRST STRONG ISOLATE
// … POP DIRECTIONAL ISOLATE instead (UAX #9), so an override inside a name cannot reorder
// the words around it. The text inside is balanced first: a stray PDI would otherwise
// close the isolate early and let what follows escape it.

const FSI = '\u2068';
const PDI = '\u2069';
const PDF = '\u202C';

type Opened = 'formatting' | 'isolate';

function openerKind(char: string): Opened | null {
  if (char >= '\u202A' && char <= '\u202E' && char !== PDF) return 'formatting';
  if (char >= '\u2066' && char <= '\u2068') return 'isolate';
  return null;
}

/** `text` with every explicit embedding, override and isolate closed within it, and any
 * closer that has nothing to close dropped. */
export function balanceBidi(text: string): string {
  const open: Opened[] = [];
  let out = '';
  for (const char of text) {
    const kind = openerKind(char);
    if (kind) {
      open.push(kind);
      out += char;
    } else if (char === PDF) {
      // A PDF closes an embedding or override, never past an isolate.
      if (open.at(-1) === 'formatting') {
        open.pop();
        out += char;
      }
    } else if (char === PDI) {
      // A PDI closes its isolate and everything opened inside it.
      const at = open.lastIndexOf('isolate');
      if (at >= 0) {
        open.length = at;
        out += char;
      }
    } else {
      out += char;
    }
  }
  for (const kind of open.reverse()) out += kind === 'isolate' ? PDI : PDF;
  return out;
}

/** At most `max` code points of `text`, the last one an ellipsis when cut. Cuts between
 * code points, never inside a surrogate pair. */
export function clipText(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, max - 1).join('')}…`;
}

/** `text` isolated from what surrounds it, in at most `max` UTF-16 code units. */
export function isolateText(text: string, max = Number.POSITIVE_INFINITY): string {
  let keep = Array.from(text).length;
  for (;;) {
    const isolated = `${FSI}${balanceBidi(clipText(text, keep))}${PDI}`;
    if (isolated.length <= max || keep <= 1) return isolated;
    // Over by this many code units: at most as many code points too many, maybe half as
    // many (surrogate pairs, closers), so cut by half of it and try again.
    keep = Math.max(1, keep - Math.ceil((isolated.length - max) / 2));
  }
}
