// The one rule for text people type (names, titles, device names, search, messages): what
// is refused, and how the rest is normalized. The server parses every such field with it,
// and the sending device parses its own copy with it before storing, so what the device
// keeps is exactly what the server stores and every recipient sees.
import { z } from 'zod';

export interface UserTextRule {
  /** Message content: line breaks and tabs are part of the text. Everything else is a
   * single line (names, titles, search). */
  multiline?: boolean;
  /** Lengths in UTF-16 code units, measured on the normalized value (what is stored). */
  min?: number;
  max: number;
}

export type TextProblem = 'lone-surrogate' | 'control' | 'line-break' | 'bidi-control';

export const TEXT_PROBLEM_MESSAGE: Record<TextProblem, string> = {
  'lone-surrogate': 'must be well-formed Unicode (it contains a lone surrogate)',
  control: 'must not contain control characters',
  'line-break': 'must be a single line',
  'bidi-control':
    'must not contain bidirectional embedding, override or isolate characters (U+202A–U+202E, U+2066–U+2069)',
};

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** C0, DEL and C1. */
function isControl(unit: number): boolean {
  return unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f);
}

function isLineBreak(unit: number): boolean {
  return unit === LF || unit === CR || unit === 0x2028 || unit === 0x2029;
}

/** The explicit embeddings, overrides and isolates. The implicit marks (LRM U+200E, RLM
 * U+200F, ALM U+061C) stay allowed: Hebrew and Arabic names use them next to digits and
 * Latin letters, and they cannot reorder anything beyond their neighbours. */
function isBidiControl(unit: number): boolean {
  return (unit >= 0x202a && unit <= 0x202e) || (unit >= 0x2066 && unit <= 0x2069);
}

/** What a field of this kind may not contain, at code unit `i` of `text`. A message keeps
 * `\n` and `\t` (and `\r`, which normalization turns into `\n`); bidi controls are
 * refused only in single-line fields, which are shown inside the app's own sentences
 * (list rows, headers, notification titles): a message is shown on its own and isolated,
 * and people paste mixed-direction text into messages. */
function problemAt(text: string, i: number, multiline: boolean): TextProblem | null {
  const unit = text.charCodeAt(i);
  if (isHighSurrogate(unit)) {
    return isLowSurrogate(text.charCodeAt(i + 1)) ? null : 'lone-surrogate';
  }
  if (isLowSurrogate(unit)) {
    return isHighSurrogate(text.charCodeAt(i - 1)) ? null : 'lone-surrogate';
  }
  if (multiline) {
    if (unit === TAB || unit === LF || unit === CR) return null;
    return isControl(unit) ? 'control' : null;
  }
  if (isLineBreak(unit)) return 'line-break';
  if (isControl(unit)) return 'control';
  return isBidiControl(unit) ? 'bidi-control' : null;
}

/** No lone surrogate: what `String.prototype.isWellFormed` (ES2024, newer than this
 * project's lib) answers. */
export function isWellFormedText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (isHighSurrogate(unit) && isLowSurrogate(text.charCodeAt(i + 1))) i++;
    else if (isHighSurrogate(unit) || isLowSurrogate(unit)) return false;
  }
  return true;
}

/** The first thing that makes `text` unacceptable, or null. */
export function findTextProblem(text: string, multiline = false): TextProblem | null {
  for (let i = 0; i < text.length; i++) {
    const problem = problemAt(text, i, multiline);
    if (problem) return problem;
  }
  return null;
}

/** What is stored: line endings unified (messages), NFC, trimmed. NFC because the same
 * word typed on two systems may arrive composed or decomposed, and a sender comparing,
 * searching or deduplicating must see the bytes the server keeps. */
export function normalizeUserText(text: string, multiline = false): string {
  const unified = multiline ? text.replace(/\r\n?/g, '\n') : text;
  return unified.normalize('NFC').trim();
}

/** The sending device's cleanup of what its own user typed or pasted, as a friendlier
 * alternative to refusing the whole text: invisible controls are dropped, lone surrogates
 * become U+FFFD, and in a single-line field a line break or tab becomes a space. The
 * server does not clean: it refuses such text from any client. */
export function stripForbiddenText(text: string, multiline = false): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const problem = problemAt(text, i, multiline);
    if (problem === null) out += text.charAt(i);
    else if (problem === 'lone-surrogate') out += '\uFFFD';
    else if (problem === 'line-break' || text.charCodeAt(i) === TAB) out += ' ';
  }
  return out;
}

/** A zod schema for one user text field: refuses what the rule forbids (with a message
 * naming the problem), then normalizes, then checks the length of the normalized value,
 * which is what the database column must hold. */
export function userText({ multiline = false, min = 0, max }: UserTextRule) {
  return z
    .string()
    .check((ctx) => {
      const problem = findTextProblem(ctx.value, multiline);
      if (problem) {
        ctx.issues.push({
          code: 'custom',
          message: TEXT_PROBLEM_MESSAGE[problem],
          input: ctx.value,
          continue: false,
        });
      }
    })
    .overwrite((text) => normalizeUserText(text, multiline))
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`);
}
