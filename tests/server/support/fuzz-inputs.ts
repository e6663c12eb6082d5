// Hostile inputs for the fuzzer: unicode edge cases, numbers at and past every boundary
// (including JSON number text JavaScript cannot hold, such as 1e309), deep nesting,
// malformed JSON, bodies near the size limits, and small mutations of a valid input,
// which get past the outer checks and reach the code behind them. A payload is a
// description (so a counterexample prints short); `renderPayload` makes its bytes.
import fc from 'fast-check';
import { LIMITS } from '../../../shared/limits.ts';

/** JSON number text written as is, for numbers a JavaScript value cannot express. */
export class RawJson {
  constructor(readonly text: string) {}
}

export type Payload =
  /** A value, serialized with `RawJson` leaves spliced in. */
  | { kind: 'json'; value: unknown }
  /** Text sent verbatim: malformed JSON, empty bodies, garbage. */
  | { kind: 'text'; text: string }
  /** `depth` nested arrays or objects, closed or not. */
  | { kind: 'deep'; open: '[' | '{"a":'; depth: number; isClosed: boolean }
  /** A value followed by `spaces` of whitespace: valid JSON of a chosen size. */
  | { kind: 'padded'; value: unknown; spaces: number };

/** The largest body any fuzzed request carries. */
export const MAX_BODY_BYTES = 300 * 1024;

export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => jsonText(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function renderPayload(payload: Payload): string {
  switch (payload.kind) {
    case 'json':
      return payload.value === undefined ? '' : jsonText(payload.value);
    case 'text':
      return payload.text;
    case 'deep': {
      const inner = payload.open.repeat(payload.depth);
      if (!payload.isClosed) return inner;
      return `${inner}1${(payload.open === '[' ? ']' : '}').repeat(payload.depth)}`;
    }
    case 'padded':
      return `${jsonText(payload.value)}${' '.repeat(payload.spaces)}`;
  }
}

/** What a server that reads the text with JSON.parse receives, or null when it cannot. */
export function parsedPayload(text: string): { value: unknown } | null {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return null;
  }
}

const LENGTH_LIMITS = [
  LIMITS.messageMaxChars,
  LIMITS.contextTitleMaxChars,
  LIMITS.displayNameMaxChars,
  LIMITS.emailMaxChars,
  LIMITS.passwordMinChars,
  LIMITS.passwordMaxChars,
  LIMITS.searchMaxChars,
  LIMITS.cursorMaxChars,
];

const EDGE_STRINGS = [
  '',
  ' ',
  ' \t\n\r ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'a\ud800b',
  '\udc00\ud800',
  '\u202e',
  '\u202egnp.exe',
  '\u2066x\u2069',
  '\ufeff',
  '\u200b',
  '\u00a0',
  '\u3000',
  '\u0301',
  'e\u0301',
  '🧨',
  '👩‍👩‍👧‍👦',
  'İ',
  'ß',
  '\uffff',
  '%00',
  '%',
  '\\',
  '"',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '{{7*7}}',
  '__proto__',
  'null',
  'undefined',
  '0',
  '-0',
  '1e309',
  'NaN',
  '2147483648',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF',
];

const REPEATED_UNITS = ['x', 'é', 'あ', '😀', ' ', '\u0000', '\ud800'];

/** Strings a careless server mishandles: NUL, lone surrogates, bidi overrides, combining
 * marks, astral characters, whitespace only, and lengths at each limit ± 1. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('x', 'é', 'あ', 'ab c '), fc.integer({ min: 0, max: 12_000 }))
      .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...EDGE_STRINGS), fc.string({ maxLength: 5 })), {
        maxLength: 6,
      })
      .map((parts) => parts.join('')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...REPEATED_UNITS),
        fc.constantFrom(...LENGTH_LIMITS),
        fc.integer({ min: -1, max: 1 }),
      )
      .map(([unit, limit, delta]) => unit.repeat(Math.max(0, limit + delta))),
  },
);

/** Numbers at the edges of every integer the contract knows, and past them. */
export const edgeNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    1.5,
    2,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    2 ** 32,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    1e21,
    1e308,
    -1e308,
    5e-324,
    LIMITS.pageSizeMax,
    LIMITS.pageSizeMax + 1,
    LIMITS.pushBatchMax + 1,
    LIMITS.pullPageMax + 1,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** JSON number text beyond what a double holds exactly, or at all. */
export const rawNumber: fc.Arbitrary<RawJson> = fc
  .constantFrom(
    '1e309',
    '-1e309',
    '-0',
    '-0.0',
    '1E400',
    '1e-400',
    '9007199254740993',
    '123456789012345678901234567890',
    '2147483647.0',
    '2147483648',
    '1.0',
    '0.1e1',
  )
  .map((text) => new RawJson(text));

export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 3, arbitrary: edgeNumber },
  { weight: 2, arbitrary: rawNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constantFrom({}, []) },
);

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

export function hostileKey(fieldNames: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    ...(fieldNames.length > 0 ? [fc.constantFrom(...fieldNames)] : []),
    fc.constantFrom(...PROTOTYPE_KEYS, '', 'userId', 'sender_id', 'is_admin', 'status'),
    hostileString,
  );
}

/** Any JSON-ish value built from hostile leaves, a few levels deep. */
export function hostileValue(fieldNames: readonly string[] = []): fc.Arbitrary<unknown> {
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileLeaf,
      fc.array(tie('tree'), { maxLength: 4 }),
      fc.dictionary(hostileKey(fieldNames), tie('tree'), { maxKeys: 4 }),
    ),
  }));
  return fc.oneof(
    { weight: 4, arbitrary: tree },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    {
      weight: 1,
      arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withNullPrototype: true }),
    },
  );
}

const MALFORMED_JSON = [
  '',
  ' ',
  '\n\t',
  '{',
  '}',
  '[',
  '{"a":}',
  '{"a" 1}',
  "{'a':1}",
  '{"a":1,}',
  '[1,]',
  'undefined',
  'NaN',
  'Infinity',
  '-Infinity',
  'nul',
  'tru',
  '\ufeff{}',
  '{}garbage',
  '{}{}',
  '01',
  '+1',
  '.5',
  '0x10',
  '"\\x41"',
  '"\\u12"',
  '"\u0000"',
  '"\ud800"',
];

/** Text that is not JSON, or JSON of the wrong kind entirely. */
export function malformedText(fieldNames: readonly string[] = []): fc.Arbitrary<Payload> {
  return fc
    .oneof(
      fc.constantFrom(...MALFORMED_JSON, 'null', 'true', '0', '""', '[]', '{"__proto__":{"x":1}}'),
      fc.tuple(hostileValue(fieldNames), fc.nat()).map(([value, cut]) => {
        const text = jsonText(value);
        return text.slice(0, text.length > 1 ? cut % text.length : 0);
      }),
      fc.string({ unit: 'binary', maxLength: 60 }),
    )
    .map((text): Payload => ({ kind: 'text', text }));
}

/** Nesting up to `maxDepth` levels (two bytes a level). */
export function deepPayload(maxDepth: number): fc.Arbitrary<Payload> {
  return fc.record({
    kind: fc.constant('deep' as const),
    open: fc.constantFrom('[' as const, '{"a":' as const),
    depth: fc.oneof(
      fc.integer({ min: 10, max: Math.min(2_000, maxDepth) }),
      fc.integer({ min: Math.min(2_000, maxDepth), max: maxDepth }),
    ),
    isClosed: fc.boolean(),
  });
}

/** A body whose size is near (below and above) a server's limit, never above ours: the
 * input padded with whitespace, or one of its values replaced by a long string. */
export function bigPayload(example: fc.Arbitrary<unknown>): fc.Arbitrary<Payload> {
  const bytes = fc.integer({ min: 200 * 1024, max: MAX_BODY_BYTES - 20 * 1024 });
  return fc.oneof(
    fc.tuple(example, bytes).map(([value, spaces]): Payload => ({ kind: 'padded', value, spaces })),
    fc
      .tuple(
        example,
        fc.constantFrom(['x', 1] as const, ['é', 2] as const, ['😀', 4] as const),
        bytes,
      )
      .chain(([ex, [unit, size], n]) =>
        fc.constantFrom(...pathsOf(ex)).map(
          (path): Payload => ({
            kind: 'json',
            value: replaceAt(ex, path, unit.repeat(Math.floor(n / size))),
          }),
        ),
      ),
  );
}

type Path = (string | number)[];
const REMOVE = Symbol('remove');

function pathsOf(value: unknown, prefix: Path = [], depth = 0): Path[] {
  if (depth > 3 || value === null || typeof value !== 'object') return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [
    prefix,
    ...keys.flatMap((k) => pathsOf(Reflect.get(value, k), [...prefix, k], depth + 1)),
  ];
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? Reflect.get(v, k) : undefined),
    value,
  );
}

function objectPathsOf(value: unknown): Path[] {
  return pathsOf(value).filter((path) => {
    const node = valueAt(value, path);
    return node !== null && typeof node === 'object' && !Array.isArray(node);
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The same id in another spelling (upper case, braces, no dashes), another version, or
 * the nil and max UUIDs. */
function uuidVariant(id: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      id.toUpperCase(),
      `{${id}}`,
      id.replaceAll('-', ''),
      ` ${id}`,
      `${id}\u0000`,
      '00000000-0000-0000-0000-000000000000',
      'ffffffff-ffff-ffff-ffff-ffffffffffff',
    ),
    fc.uuid(),
    fc.uuid({ version: [1, 4, 7] }),
  );
}

/** A hostile value of the same JSON type as `value`: such a value passes the type check
 * and tests the one behind it (lengths, ranges, characters, formats). */
function sameKindAs(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value === 'string' && UUID.test(value))
    return fc.oneof(uuidVariant(value), hostileString);
  if (typeof value === 'string') return hostileString;
  if (typeof value === 'number') {
    // Small numbers are ids of rows that exist, often someone else's.
    return fc.oneof(edgeNumber, rawNumber, fc.integer({ min: 1, max: 40 }), fc.constant(value + 1));
  }
  if (typeof value === 'boolean') return fc.boolean();
  if (Array.isArray(value)) return fc.array(hostileLeaf, { maxLength: 3 });
  return hostileLeaf;
}

function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (typeof head !== 'number') return copy;
    if (replacement === REMOVE && rest.length === 0) copy.splice(head, 1);
    else copy[head] = replaceAt(copy[head], rest, replacement);
    return copy;
  }
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = { ...value };
  const key = String(head);
  if (replacement === REMOVE && rest.length === 0) delete copy[key];
  else copy[key] = replaceAt(copy[key], rest, replacement);
  return copy;
}

/** One small change to a valid input: a value swapped for a hostile one, a field
 * dropped, an unknown field added, or the whole wrapped. Most results are invalid, but
 * only just, so they test the checks behind the first ones. */
export function mutated(example: unknown, fieldNames: readonly string[]): fc.Arbitrary<unknown> {
  const paths = pathsOf(example);
  const objects = objectPathsOf(example);
  const change = fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.constantFrom(...paths), fc.oneof(hostileLeaf, hostileValue(fieldNames)))
        .map(([path, leaf]) => replaceAt(example, path, leaf)),
    },
    {
      weight: 5,
      arbitrary: fc
        .constantFrom(...paths)
        .chain((path) =>
          sameKindAs(valueAt(example, path)).map((leaf) => replaceAt(example, path, leaf)),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...paths)
        .map((path) => (path.length === 0 ? undefined : replaceAt(example, path, REMOVE))),
    },
    ...(objects.length > 0
      ? [
          {
            weight: 2,
            arbitrary: fc
              .tuple(fc.constantFrom(...objects), hostileKey(fieldNames), hostileLeaf)
              .map(([path, key, leaf]) => replaceAt(example, [...path, key], leaf)),
          },
        ]
      : []),
    {
      weight: 1,
      arbitrary: fc.constantFrom([example], JSON.stringify(example) ?? null, { input: example }),
    },
  );
  return change;
}

/** Breadth: every kind of wrongness, malformed text and deep nesting included. Depth:
 * valid shapes with hostile values, to reach the code behind the schemas. */
export type Emphasis = 'breadth' | 'depth';

/** A valid input with one or two of its values swapped for hostile ones of the same type
 * (a string for a string, a number for a number): these pass the type checks and reach
 * the range, format and character checks, and often the handler itself. */
export function retyped(example: unknown): fc.Arbitrary<unknown> {
  const leaves = pathsOf(example).filter((path) => {
    const node = valueAt(example, path);
    return path.length > 0 && (node === null || typeof node !== 'object');
  });
  if (leaves.length === 0) return fc.constant(example);
  return fc
    .array(fc.constantFrom(...leaves), { minLength: 1, maxLength: 2 })
    .chain((paths) =>
      fc
        .tuple(...paths.map((path) => sameKindAs(valueAt(example, path))))
        .map((values) =>
          paths.reduce<unknown>((value, path, i) => replaceAt(value, path, values[i]), example),
        ),
    );
}

/** Every field name in a value, for mixing into hostile objects. */
export function fieldNamesOf(value: unknown): string[] {
  const names = new Set<string>();
  for (const path of pathsOf(value)) {
    for (const k of path) if (typeof k === 'string') names.add(k);
  }
  return [...names];
}

/** The payloads the fuzzer sends a target whose valid input `example` draws. */
export function payloadFor(
  example: fc.Arbitrary<unknown>,
  options: { maxDepth: number; allowBig: boolean; emphasis?: Emphasis },
): fc.Arbitrary<Payload> {
  const json = (value: unknown): Payload => ({ kind: 'json', value });
  const choices =
    options.emphasis === 'depth'
      ? fc.oneof(
          { weight: 1, arbitrary: example.map(json) },
          { weight: 6, arbitrary: example.chain(retyped).map(json) },
          { weight: 2, arbitrary: example.chain((ex) => mutated(ex, fieldNamesOf(ex))).map(json) },
        )
      : fc.oneof(
          { weight: 3, arbitrary: example.map(json) },
          { weight: 6, arbitrary: example.chain((ex) => mutated(ex, fieldNamesOf(ex))).map(json) },
          { weight: 2, arbitrary: example.chain((ex) => hostileValue(fieldNamesOf(ex))).map(json) },
          { weight: 2, arbitrary: example.chain((ex) => malformedText(fieldNamesOf(ex))) },
          { weight: 1, arbitrary: deepPayload(options.maxDepth) },
          ...(options.allowBig ? [{ weight: 1, arbitrary: bigPayload(example) }] : []),
        );
  return choices.filter((payload) => {
    // Bodies stay within ours; without big ones, payloads fit a URL.
    const limit = options.allowBig ? MAX_BODY_BYTES : 2_000;
    return Buffer.byteLength(renderPayload(payload), 'utf8') <= limit;
  });
}

/** Header names a client may send that the server might read, plus made-up ones. Framing
 * headers (content-length, transfer-encoding, host, connection, expect, upgrade) are left
 * to the HTTP layer. */
const HEADER_NAMES = [
  'origin',
  'accept',
  'accept-encoding',
  'accept-language',
  'cookie',
  'user-agent',
  'x-forwarded-for',
  'x-real-ip',
  'forwarded',
  'x-trpc-source',
  'referer',
  'if-none-match',
  'range',
  'cache-control',
  'content-encoding',
  'x-http-method-override',
  'last-event-id',
];

const latin1Text = (maxLength: number) =>
  fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f)
      .map((c) => String.fromCharCode(c)),
    maxLength,
  });

const headerValue = fc.oneof(
  fc.constantFrom(
    'app://timenest',
    'http://localhost:5173',
    'http://localhost.evil.example:5173',
    'null',
    '*',
    '127.0.0.1, 10.0.0.1',
    '::1',
    'gzip',
    'application/jsonl',
  ),
  latin1Text(120),
  fc.integer({ min: 500, max: 2_000 }).map((n) => 'h'.repeat(n)),
);

export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.stringMatching(/^x-[a-z0-9-]{1,20}$/)),
  headerValue,
  { maxKeys: 3, noNullPrototype: true },
);

/** Content types, mostly JSON in its spellings, sometimes anything else or none. */
export const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json;charset=latin1',
      'Application/JSON',
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'multipart/form-data',
      'application/octet-stream',
      'application/jsonl',
      '*/*',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: latin1Text(40) },
);

/** Percent-encodes every byte of the UTF-8 form but the unreserved characters (lone
 * surrogates become U+FFFD, as any UTF-8 client would send them). */
export function percentEncode(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (const byte of bytes) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A request-target segment: text to encode, or raw characters as they go on the wire
 * (malformed escapes such as `%ZZ`, `%`, `%C0%AF`). */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  hostileString.map(percentEncode),
  fc.constantFrom(
    '%',
    '%ZZ',
    '%C0%AF',
    '%ED%A0%80',
    '%FF',
    '%00',
    '%2F',
    '%2e%2e',
    '.',
    '..',
    ';x',
  ),
  fc.stringMatching(/^[A-Za-z0-9%._~!$&'()*+,;=:@-]{0,30}$/),
);
