// [bidi] Isolating someone's text in a plain string: hostile directional controls stay
// inside the isolate, whatever they try.
import { describe, expect, it } from 'vitest';
import { balanceBidi, clipText, isolateText } from './bidi-isolate.ts';

const [LRE, RLE, PDF, LRO, RLO] = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E'];
const [LRI, RLI, FSI, PDI] = ['\u2066', '\u2067', '\u2068', '\u2069'];

describe('[bidi] balanceBidi', () => {
  it.each([
    ['plain text is untouched', 'Bob Smith', 'Bob Smith'],
    ['an unclosed override is closed', `Bob${RLO}exe.txt`, `Bob${RLO}exe.txt${PDF}`],
    ['nested openers are closed innermost first', `${RLE}a${LRI}b`, `${RLE}a${LRI}b${PDI}${PDF}`],
    ['a stray PDI is dropped', `Bob${PDI}${RLO}x`, `Bob${RLO}x${PDF}`],
    ['a stray PDF is dropped', `${PDF}Bob`, 'Bob'],
    ['a PDF cannot close past an isolate', `${LRO}a${RLI}b${PDF}c`, `${LRO}a${RLI}bc${PDI}${PDF}`],
    [
      'a PDI closes its isolate and the overrides inside it',
      `${FSI}a${RLO}b${PDI}c`,
      `${FSI}a${RLO}b${PDI}c`,
    ],
    ['balanced text is kept as it is', `${LRE}a${PDF}${RLI}b${PDI}`, `${LRE}a${PDF}${RLI}b${PDI}`],
  ])('%s', (_label, input, expected) => {
    expect(balanceBidi(input)).toBe(expected);
  });
});

describe('[bidi] isolateText', () => {
  it('wraps in FSI … PDI', () => {
    expect(isolateText('שלום')).toBe(`${FSI}שלום${PDI}`);
  });

  it('stays within its limit even when balancing adds closers', () => {
    const isolated = isolateText(RLO.repeat(80) + 'x'.repeat(80), 100);
    expect(isolated.length).toBeLessThanOrEqual(100);
    expect(isolated.startsWith(FSI) && isolated.endsWith(PDI)).toBe(true);
    expect(balanceBidi(isolated)).toBe(isolated);
  });

  it('never cuts a surrogate pair', () => {
    expect(clipText('😀😀😀', 2)).toBe('😀…');
    expect(isolateText('😀'.repeat(10), 8)).toBe(`${FSI}😀😀…${PDI}`);
  });
});
