// The word lists behind offline search: a message's words go into a multi-entry index
// and a query's words are matched against it as prefixes. Both sides fold case and
// diacritics the same way, so "Cafe" finds "café".
const MAX_WORD_CHARS = 32;
const MAX_WORDS = 200;
const COMBINING_MARKS = /\p{M}+/gu;
const NON_WORD = /[^\p{L}\p{N}]+/u;

function foldedWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .split(NON_WORD)
    .filter((w) => w.length > 0)
    .map((w) => w.slice(0, MAX_WORD_CHARS));
}

/** The distinct words of a message, each at most 32 characters, at most 200 of them. */
export function messageWords(text: string): string[] {
  return [...new Set(foldedWords(text))].slice(0, MAX_WORDS);
}

/** The distinct words of a search query; each must prefix some word of a match. */
export function queryWords(text: string): string[] {
  return [...new Set(foldedWords(text))].slice(0, 10);
}
