// Fuzzed requests as printable descriptions, the bytes each one puts on the wire, and
// the oracle that says, from the contract alone (shared/ schemas, tRPC's rules), whether
// the server must refuse it. "Either" means the contract allows success; the server may
// still refuse for reasons the request cannot show (a stranger's conversation, a taken
// email), and the fuzzer checks only that such a refusal is well formed and harmless.
import fc from 'fast-check';
import { LIMITS } from '../../../shared/limits.ts';
import type { RawRequest } from './fuzz-http.ts';
import {
  contentType,
  type Emphasis,
  edgeNumber,
  extraHeaders,
  hostileKey,
  hostileString,
  type Payload,
  parsedPayload,
  pathSegment,
  payloadFor,
  percentEncode,
  renderPayload,
  retyped,
} from './fuzz-inputs.ts';
import {
  isValidInput,
  type Procedure,
  PUBLIC_PROCEDURES,
  REST_ROUTES,
  type RestRoute,
  restPath,
  seedInputOf,
  UNKNOWN_PROCEDURE_PATHS,
} from './fuzz-targets.ts';
import {
  authorizationOf,
  type Credentials,
  credentialsOf,
  type FuzzWorld,
  isSignedIn,
  PRINCIPALS,
  type Principal,
} from './fuzz-world.ts';

export type Expectation = 'refuse' | 'either';

const HTTP_METHODS = ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE'];
/** The longest request target sent; Node refuses request heads over 16 KiB itself. */
const MAX_TARGET_CHARS = 6_000;

function headersOf(
  world: FuzzWorld,
  credentials: Credentials,
  type: string | null,
  extra: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = { ...extra };
  const authorization = authorizationOf(world, credentials);
  if (authorization !== null) headers.authorization = authorization;
  if (type !== null) headers['content-type'] = type;
  return headers;
}

const bodyOf = (payload: Payload | null) =>
  payload === null ? undefined : Buffer.from(renderPayload(payload), 'utf8');

/** The text a server decoding the body as UTF-8 reads (lone surrogates become U+FFFD). */
const asReceived = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

// ---- REST ----------------------------------------------------------------------------

export interface RestQuery {
  pairs: [string, string][];
  /** Sent verbatim instead of the pairs. */
  raw: string | null;
}

export interface RestSpec {
  route: string;
  method: string;
  /** The `{id}` segment as it goes on the wire. */
  param: string | null;
  query: RestQuery;
  body: Payload | null;
  contentType: string | null;
  credentials: Credentials;
  headers: Record<string, string>;
}

export const routeKey = (route: RestRoute) => `${route.method} ${route.template}`;
const routeByKey = new Map(REST_ROUTES.map((r) => [routeKey(r), r]));

function renderQuery(query: RestQuery): string {
  if (query.raw !== null) return query.raw ? `?${query.raw}` : '';
  if (query.pairs.length === 0) return '';
  return `?${query.pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')}`;
}

export function restTarget(spec: RestSpec): string {
  const route = routeByKey.get(spec.route);
  if (!route) throw new Error(`no route ${spec.route}`);
  return `${restPath(route, spec.param)}${renderQuery(spec.query)}`;
}

export function restRequest(world: FuzzWorld, spec: RestSpec): RawRequest {
  return {
    method: spec.method,
    target: restTarget(spec),
    headers: headersOf(world, spec.credentials, spec.contentType, spec.headers),
    body: bodyOf(spec.body),
  };
}

/** Whether the contract has the server refuse this request. */
export function restExpectation(spec: RestSpec): Expectation {
  if (spec.method === 'OPTIONS') return 'either';
  const template = routeByKey.get(spec.route)?.template;
  const route = REST_ROUTES.find((r) => r.template === template && r.method === spec.method);
  if (!route) return 'refuse';
  if (!isTargetKept(spec)) return 'either';
  const url = new URL(restTarget(spec), 'http://localhost');
  if (route.param && !route.param.safeParse(spec.param).success) return 'refuse';
  if (route.query && !route.query.safeParse(Object.fromEntries(url.searchParams)).success) {
    return 'refuse';
  }
  if (route.body) {
    const text = spec.body === null ? '' : asReceived(renderPayload(spec.body));
    const parsed = parsedPayload(text);
    if (!parsed || !route.body.safeParse(parsed.value).success) return 'refuse';
  }
  if (route.isSignedIn && !isSignedIn(spec.credentials)) return 'refuse';
  return 'either';
}

const idText = fc.oneof(
  fc.constantFrom(
    '0',
    '-1',
    '1.5',
    'abc',
    '2147483647',
    '2147483648',
    '01',
    '1e3',
    '+1',
    '%201',
    '%D9%A1',
    '9999999999',
    '00000000001',
    '0x1',
  ),
  fc.nat().map(String),
  fc.integer().map(String),
);

const QUERY_KEYS = ['search', 'limit', 'cursor', 'before_id', 'after_id', 'sort'];
const RAW_QUERIES = [
  '',
  '%',
  '%ZZ',
  'search=%ED%A0%80',
  'search=%00',
  'search=%E2%80%AE',
  '&&',
  '=',
  '==',
  'limit',
  'limit=1&limit=2',
  'limit=0200',
  '__proto__=1',
  'constructor=1',
  'cursor=1.1&cursor=x',
  'cursor=999999999999999.9999999999',
  'before_id=1&before_id=',
];

function queryOf(example: [string, string][]): fc.Arbitrary<RestQuery> {
  const value = fc.oneof(hostileString, edgeNumber.map(String), idText);
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.constant<RestQuery>({ pairs: example, raw: null }) },
      {
        weight: 3,
        arbitrary: fc
          .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), hostileKey([])), value), {
            minLength: 1,
            maxLength: 3,
          })
          .chain((extra) =>
            fc.constantFrom<RestQuery>(
              { pairs: [...example, ...extra], raw: null },
              { pairs: extra, raw: null },
            ),
          ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...RAW_QUERIES).map((raw): RestQuery => ({ pairs: [], raw })),
      },
    )
    .filter((q) => renderQuery(q).length <= MAX_TARGET_CHARS);
}

/** The example's query with one or two values swapped for hostile strings. */
function retypedQueryOf(example: [string, string][]): fc.Arbitrary<RestQuery> {
  const query = example.length === 0 ? fc.constant(example) : retyped(example);
  return query
    .map(
      (pairs): RestQuery => ({
        pairs: Array.isArray(pairs)
          ? pairs.flatMap((p): [string, string][] =>
              Array.isArray(p) ? [[String(p[0]), String(p[1])]] : [],
            )
          : [],
        raw: null,
      }),
    )
    .filter((q) => renderQuery(q).length <= MAX_TARGET_CHARS);
}

/** Requests to one route: mostly its own method, a valid example or a mutation of it. */
export function restSpecOf(
  world: FuzzWorld,
  route: RestRoute,
  options: { principals?: readonly Principal[]; method?: 'own' | 'any'; emphasis?: Emphasis } = {},
): fc.Arbitrary<RestSpec> {
  const isDeep = options.emphasis === 'depth';
  const methods =
    options.method === 'own'
      ? fc.constant(route.method)
      : fc.oneof(
          { weight: 8, arbitrary: fc.constant(route.method) },
          { weight: 1, arbitrary: fc.constantFrom(...HTTP_METHODS) },
        );
  return route
    .example(world)
    .chain((example) =>
      fc.record({
        route: fc.constant(routeKey(route)),
        method: methods,
        param: route.param
          ? fc.oneof(
              { weight: isDeep ? 20 : 4, arbitrary: fc.constant(example.param) },
              { weight: 2, arbitrary: idText },
              { weight: 2, arbitrary: pathSegment },
            )
          : fc.constant(null),
        query: isDeep ? retypedQueryOf(example.query) : queryOf(example.query),
        body: route.body
          ? payloadFor(fc.constant(example.body), {
              maxDepth: 100_000,
              allowBig: true,
              emphasis: options.emphasis,
            })
          : fc.option(payloadFor(fc.constant({}), { maxDepth: 100, allowBig: false }), {
              freq: 4,
            }),
        contentType: isDeep ? fc.constant('application/json') : contentType,
        credentials: credentialsOf(options.principals ?? PRINCIPALS),
        headers: isDeep ? fc.constant({}) : extraHeaders,
      }),
    )
    .filter((spec) => restTarget(spec).length <= MAX_TARGET_CHARS);
}

/** Whether the target reaches the path it names: the URL parser resolves dot segments
 * (`%2e%2e` too), which sends a request to some other route. */
export function isTargetKept(spec: RestSpec): boolean {
  const target = restTarget(spec);
  return new URL(target, 'http://localhost').pathname === target.split('?')[0];
}

export const anyRestSpec = (world: FuzzWorld) =>
  fc.oneof(...REST_ROUTES.map((route) => restSpecOf(world, route)));

// ---- tRPC ----------------------------------------------------------------------------

export type TrpcForm = 'get' | 'post' | 'batch-get' | 'batch-post';

export interface TrpcCall {
  path: string;
  /** Sent as is, not percent-encoded. */
  isRawPath: boolean;
  /** No input at all when null. */
  payload: Payload | null;
}

export interface TrpcSpec {
  form: TrpcForm;
  /** A method tRPC does not take, sent instead of the form's own. */
  method: string | null;
  calls: TrpcCall[];
  contentType: string | null;
  credentials: Credentials;
  headers: Record<string, string>;
}

export const isBatch = (form: TrpcForm) => form === 'batch-get' || form === 'batch-post';
const isGet = (form: TrpcForm) => form === 'get' || form === 'batch-get';

function batchInputText(calls: TrpcCall[]): string {
  const entries = calls.flatMap((call, i) => {
    if (call.payload === null) return [];
    const text = renderPayload(call.payload);
    return text === '' ? [] : [`"${i}":${text}`];
  });
  return `{${entries.join(',')}}`;
}

/** The input text the request carries (query string or body), or null for none. */
function inputText(spec: TrpcSpec): string | null {
  if (isBatch(spec.form)) return batchInputText(spec.calls);
  const payload = spec.calls[0]?.payload ?? null;
  return payload === null ? null : renderPayload(payload);
}

export function trpcTarget(spec: TrpcSpec): string {
  const paths = spec.calls
    .map((c) => (c.isRawPath ? c.path : encodeURIComponent(c.path)))
    .join(',');
  const params: string[] = isBatch(spec.form) ? ['batch=1'] : [];
  const text = inputText(spec);
  if (isGet(spec.form) && text !== null) params.push(`input=${percentEncode(text)}`);
  return `/trpc/${paths}${params.length > 0 ? `?${params.join('&')}` : ''}`;
}

export function trpcRequest(world: FuzzWorld, spec: TrpcSpec): RawRequest {
  const text = inputText(spec);
  const get = isGet(spec.form);
  return {
    method: spec.method ?? (get ? 'GET' : 'POST'),
    target: trpcTarget(spec),
    headers: headersOf(world, spec.credentials, get ? null : spec.contentType, spec.headers),
    body: get || text === null ? undefined : Buffer.from(text, 'utf8'),
  };
}

/** The input tRPC hands call `index`'s parsers, or why the contract says it has none. */
function inputOf(spec: TrpcSpec, index: number): { input: unknown } | 'unparseable' {
  const text = inputText(spec);
  if (text === null) return { input: undefined };
  // An empty `input` parameter or body is no input (as tRPC reads it).
  if (text === '' && !isBatch(spec.form)) return { input: undefined };
  const parsed = parsedPayload(asReceived(text));
  if (!parsed) return 'unparseable';
  if (!isBatch(spec.form)) return { input: parsed.value };
  const all = parsed.value;
  return {
    input: all !== null && typeof all === 'object' ? Reflect.get(all, String(index)) : undefined,
  };
}

/** Whether the contract has the server refuse call `index` of the request. */
export function trpcExpectation(
  spec: TrpcSpec,
  index: number,
  procedures: ReadonlyMap<string, Procedure>,
): Expectation {
  if (spec.method !== null) return 'refuse';
  const call = spec.calls[index];
  const procedure = call && !call.isRawPath ? procedures.get(call.path) : undefined;
  if (!procedure) return 'refuse';
  if (isBatch(spec.form) && spec.calls.length > LIMITS.trpcBatchMax) return 'refuse';
  const types = new Set(
    spec.calls.flatMap((c) => {
      const known = c.isRawPath ? undefined : procedures.get(c.path);
      return known ? [known.type] : [];
    }),
  );
  if (isBatch(spec.form) && types.size > 1) return 'refuse';
  if (procedure.type === 'subscription' && (isBatch(spec.form) || !isGet(spec.form))) {
    return 'refuse';
  }
  if (procedure.type === 'mutation' && isGet(spec.form)) return 'refuse';
  if (!isGet(spec.form) && !(spec.contentType ?? '').startsWith('application/json')) {
    return 'refuse';
  }
  const input = inputOf(spec, index);
  if (input === 'unparseable' || !isValidInput(procedure, input.input)) return 'refuse';
  if (!PUBLIC_PROCEDURES.has(procedure.path) && !isSignedIn(spec.credentials)) return 'refuse';
  return 'either';
}

function callOf(
  world: FuzzWorld,
  procedure: Procedure,
  options: { isSmall: boolean; emphasis: Emphasis },
): fc.Arbitrary<TrpcCall> {
  const payload = payloadFor(seedInputOf(procedure.path, world), {
    maxDepth: options.isSmall ? 300 : 100_000,
    allowBig: !options.isSmall,
    emphasis: options.emphasis,
  });
  return fc.record({
    path: fc.constant(procedure.path),
    isRawPath: fc.constant(false),
    payload: fc.option(payload, { freq: 6 }),
  });
}

const unknownCall: fc.Arbitrary<TrpcCall> = fc.record({
  path: fc.oneof(fc.constantFrom(...UNKNOWN_PROCEDURE_PATHS), pathSegment),
  isRawPath: fc.boolean(),
  payload: fc.option(payloadFor(fc.constant({}), { maxDepth: 100, allowBig: false }), { freq: 2 }),
});

/** The natural form of a procedure: queries and subscriptions as GET, mutations as POST. */
export function formsOf(procedure: Procedure): TrpcForm[] {
  switch (procedure.type) {
    case 'query':
      return ['get', 'post', 'batch-get', 'batch-post'];
    case 'mutation':
      return ['post', 'batch-post'];
    case 'subscription':
      return ['get'];
  }
}

/** Requests to the procedures, batched or not. Mostly in each procedure's own form, its
 * batches of one type, with JSON, so that much gets past tRPC to the procedures; with
 * `forms: 'any'` (the default) sometimes in a form or method tRPC refuses, mixed batches,
 * other content types, unknown paths and extra headers. */
export function trpcSpecOf(
  world: FuzzWorld,
  procedures: readonly Procedure[],
  options: {
    principals?: readonly Principal[];
    forms?: 'natural' | 'any';
    emphasis?: Emphasis;
  } = {},
): fc.Arbitrary<TrpcSpec> {
  const isAny = options.forms !== 'natural';
  const emphasis = options.emphasis ?? 'breadth';
  const allForms: TrpcForm[] = ['get', 'post', 'batch-get', 'batch-post'];
  const sometimes = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>, oddWeight = 1) =>
    isAny
      ? fc.oneof({ weight: 12, arbitrary: usual }, { weight: oddWeight, arbitrary: odd })
      : usual;
  return fc
    .constantFrom(...procedures)
    .chain((first) =>
      sometimes(fc.constantFrom(...formsOf(first)), fc.constantFrom(...allForms), 2).map(
        (form) => ({ first, form }),
      ),
    )
    .chain(({ first, form }) => {
      const isSmall = isGet(form);
      const sameType = procedures.filter((p) => p.type === first.type && formsOf(p).includes(form));
      const callTo = (pool: readonly Procedure[]) =>
        fc.constantFrom(...pool).chain((p) => callOf(world, p, { isSmall, emphasis }));
      const call = sometimes(
        callTo(sameType.length > 0 ? sameType : [first]),
        fc.oneof(callTo(procedures), unknownCall),
      );
      const firstCall = callOf(world, first, { isSmall, emphasis });
      const calls = isBatch(form)
        ? fc
            .tuple(
              firstCall,
              fc.oneof(
                { weight: 6, arbitrary: fc.array(call, { maxLength: 3 }) },
                {
                  weight: 1,
                  arbitrary: fc.array(call, {
                    minLength: LIMITS.trpcBatchMax - 1,
                    maxLength: LIMITS.trpcBatchMax + 1,
                  }),
                },
              ),
            )
            .map(([head, rest]) => [head, ...rest])
        : sometimes(firstCall, unknownCall).map((c) => [c]);
      return fc.record({
        form: fc.constant(form),
        method: sometimes(
          fc.constant(null),
          fc.constantFrom('PUT', 'PATCH', 'DELETE', 'HEAD', 'TRACE'),
          1,
        ),
        calls,
        contentType: sometimes(fc.constant('application/json'), contentType, 2),
        credentials: credentialsOf(options.principals ?? PRINCIPALS),
        headers: sometimes(fc.constant({}), extraHeaders, 3),
      });
    })
    .filter((spec) => trpcTarget(spec).length <= MAX_TARGET_CHARS);
}
