// [§5 text] The one rule for user text: bad input gets a clear error naming the problem;
// what passes is stored NFC, trimmed, and measured after normalization.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.ts';
import {
  contextTitleSchema,
  deviceNameSchema,
  displayNameSchema,
  messageTextSchema,
  passwordSchema,
  searchTextSchema,
} from './schemas.ts';
import {
  findTextProblem,
  isWellFormedText,
  normalizeUserText,
  stripForbiddenText,
  TEXT_PROBLEM_MESSAGE,
  userText,
} from './user-text.ts';

const SINGLE_LINE = [
  ['display name', displayNameSchema],
  ['device name', deviceNameSchema],
  ['context title', contextTitleSchema],
  ['search', searchTextSchema],
] as const;

/** Text full of what the rule is about: controls, bidi controls, lone surrogates, combining
 * marks, a composition exclusion, whitespace, and any other code point. */
const awkwardText = fc.string({
  maxLength: 60,
  unit: fc.oneof(
    fc.constantFrom(
      '\u0000',
      '\t',
      '\n',
      '\r',
      '\u0085',
      '\u202E',
      '\u2069',
      '\u2028',
      '\uD800',
      '\uDC00',
      'e',
      '\u0301',
      ' ',
      '\u00A0',
      '\u0958',
      '😀',
      'ש',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
});

function refusal(
  schema: { safeParse(value: unknown): { error?: { issues: { message: string }[] } } },
  value: string,
) {
  return schema.safeParse(value).error?.issues.map((i) => i.message);
}

describe('[§5 text] refused everywhere, with a message that says why', () => {
  const everywhere = [...SINGLE_LINE, ['message content', messageTextSchema]] as const;

  it.each(everywhere)('%s: NUL is refused as a control character', (_field, schema) => {
    expect(refusal(schema, 'a\u0000b')).toEqual([TEXT_PROBLEM_MESSAGE.control]);
  });

  it.each(everywhere)('%s: DEL and C1 controls (U+0080–U+009F) are refused', (_field, schema) => {
    for (const control of ['\u007F', '\u0080', '\u0085', '\u009B', '\u009F']) {
      expect(refusal(schema, `a${control}b`)).toEqual([TEXT_PROBLEM_MESSAGE.control]);
    }
  });

  it.each(everywhere)('%s: other C0 controls (ESC, BEL, VT, FF) are refused', (_field, schema) => {
    for (const control of ['\u001B', '\u0007', '\u000B', '\u000C']) {
      expect(refusal(schema, `a${control}b`)).toEqual([TEXT_PROBLEM_MESSAGE.control]);
    }
  });

  it.each(everywhere)('%s: a lone surrogate is refused as not well-formed', (_field, schema) => {
    for (const lone of ['\uD800', '\uDFFF', 'a\uD83Db', '\uDE00x', 'x\uD83D']) {
      expect(refusal(schema, lone)).toEqual([TEXT_PROBLEM_MESSAGE['lone-surrogate']]);
    }
    expect(TEXT_PROBLEM_MESSAGE['lone-surrogate']).toMatch(/lone surrogate/);
  });

  it.each(everywhere)('%s: a surrogate pair (an emoji) is fine', (_field, schema) => {
    expect(schema.parse('ok 😀')).toBe('ok 😀');
  });

  it('a refused value is not trimmed or normalized first: the whole value is refused', () => {
    expect(refusal(displayNameSchema, '  \u0000  ')).toEqual([TEXT_PROBLEM_MESSAGE.control]);
  });
});

describe('[§5 text] line breaks and tabs belong only in message content', () => {
  it('message content keeps \\n and \\t inside, and trims the ends', () => {
    expect(messageTextSchema.parse('\n first\tline\nsecond \t')).toBe('first\tline\nsecond');
  });

  it('message content turns \\r\\n and a lone \\r into \\n', () => {
    expect(messageTextSchema.parse('one\r\ntwo\rthree')).toBe('one\ntwo\nthree');
  });

  it.each(SINGLE_LINE)('%s: a tab is refused as a control character', (_field, schema) => {
    expect(refusal(schema, 'a\tb')).toEqual([TEXT_PROBLEM_MESSAGE.control]);
  });

  it.each(SINGLE_LINE)('%s: a line break of any kind is refused', (_field, schema) => {
    for (const lineBreak of ['\n', '\r', '\u2028', '\u2029']) {
      expect(refusal(schema, `a${lineBreak}b`)).toEqual([TEXT_PROBLEM_MESSAGE['line-break']]);
    }
  });
});

describe('[§5 text] bidi controls', () => {
  const explicit = [
    '\u202A',
    '\u202B',
    '\u202C',
    '\u202D',
    '\u202E',
    '\u2066',
    '\u2067',
    '\u2068',
    '\u2069',
  ];

  it.each(SINGLE_LINE)('%s: embeddings, overrides and isolates are refused', (_field, schema) => {
    for (const control of explicit) {
      expect(refusal(schema, `Bob${control}exe.txt`)).toEqual([
        TEXT_PROBLEM_MESSAGE['bidi-control'],
      ]);
    }
  });

  it('message content may carry them (it is isolated where it is shown)', () => {
    expect(messageTextSchema.parse('quote: \u202Bשלום\u202C')).toBe('quote: \u202Bשלום\u202C');
  });

  it.each([
    ['Arabic', 'محمد الأحمد'],
    ['Hebrew', 'דנה לוי'],
    ['Hebrew with a digit and a right-to-left mark', 'דנה 2\u200F'],
    ['Arabic with an Arabic letter mark', 'علي\u061C 3'],
    ['mixed Latin and Persian', 'Sara سارا'],
  ])('a %s name is accepted unchanged', (_label, name) => {
    expect(displayNameSchema.parse(name)).toBe(name);
  });
});

describe('[§5 text] normalization: what is stored is NFC, trimmed', () => {
  it('a decomposed "e\\u0301" is stored as the composed "é"', () => {
    expect(messageTextSchema.parse('caf' + 'e\u0301')).toBe('café');
    expect(displayNameSchema.parse(' Ame\u0301lie ')).toBe('Amélie');
    expect(contextTitleSchema.parse('Cre\u0300me brûle\u0301e')).toBe('Crème brûlée');
  });

  it('the length limit holds on the stored value, not on what was sent', () => {
    // 200 code units sent, 100 stored: fits a 100-character name.
    expect(displayNameSchema.parse('e\u0301'.repeat(100))).toBe('é'.repeat(100));
    // U+0958 is excluded from composition: 51 sent, 102 after NFC, over the limit.
    expect(refusal(displayNameSchema, '\u0958'.repeat(51))).toEqual([
      `must be at most ${LIMITS.displayNameMaxChars} characters`,
    ]);
  });

  it('a message of exactly the limit after trimming passes, one more does not', () => {
    const full = 'y'.repeat(LIMITS.messageMaxChars);
    expect(messageTextSchema.parse(`  ${full}\n`)).toBe(full);
    expect(refusal(messageTextSchema, `${full}y`)).toEqual([
      `must be at most ${LIMITS.messageMaxChars} characters`,
    ]);
  });

  it('a blank name or message is refused as empty; a blank title is allowed (none)', () => {
    expect(refusal(displayNameSchema, ' \u00A0 ')).toEqual(['must not be empty']);
    expect(refusal(messageTextSchema, ' \n\t ')).toEqual(['must not be empty']);
    expect(contextTitleSchema.parse('   ')).toBe('');
  });

  it('parsing what was parsed changes nothing: a device that parses its copy sends what the server stores', () => {
    const multiline = fc.boolean();
    fc.assert(
      fc.property(awkwardText, multiline, (raw, isMultiline) => {
        const schema = userText({ multiline: isMultiline, max: 1000 });
        const first = schema.safeParse(raw);
        if (!first.success) return;
        expect(schema.parse(first.data)).toBe(first.data);
        expect(first.data).toBe(first.data.normalize('NFC'));
      }),
      { seed: 20_251_202 },
    );
  });
});

describe('[§5 text] passwords are compared as typed', () => {
  it('are neither trimmed nor normalized', () => {
    expect(passwordSchema.parse(' pa\u0301ssword ')).toBe(' pa\u0301ssword ');
  });

  it('must still be well-formed', () => {
    expect(refusal(passwordSchema, 'correct horse \uD800')).toEqual([
      TEXT_PROBLEM_MESSAGE['lone-surrogate'],
    ]);
  });
});

describe('[§5 text] the sending device cleans what its user typed', () => {
  it('drops invisible controls, keeps line breaks and tabs in a message', () => {
    expect(stripForbiddenText('a\u0000b\u0007\tc\n\u0085d', true)).toBe('ab\tc\nd');
  });

  it('drops bidi controls from a single-line field, and makes line breaks and tabs spaces', () => {
    expect(stripForbiddenText('Bob\u202E\nthe\tbuilder\u0000', false)).toBe('Bob the builder');
  });

  it('turns a lone surrogate into U+FFFD and keeps surrogate pairs', () => {
    expect(stripForbiddenText('a\uD800b😀', true)).toBe('a\uFFFDb😀');
  });

  it('what it leaves always passes the rule', () => {
    fc.assert(
      fc.property(awkwardText, fc.boolean(), (raw, isMultiline) => {
        const cleaned = normalizeUserText(stripForbiddenText(raw, isMultiline), isMultiline);
        expect(findTextProblem(cleaned, isMultiline)).toBeNull();
        expect(isWellFormedText(cleaned)).toBe(true);
        const stored = userText({ multiline: isMultiline, max: 1000 }).safeParse(cleaned);
        if (cleaned !== '') expect(stored.data).toBe(cleaned);
      }),
      { seed: 20_251_203 },
    );
  });
});
