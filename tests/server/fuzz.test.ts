// [§5] Property-based fuzzing of every REST route and every tRPC procedure (enumerated from
// the router, so a new one is fuzzed without being listed), over one real server and a
// seeded database: whatever arrives — any method, target, header, token or body — the
// server answers 2xx or 4xx, never 5xx and never not at all; every refusal has the error
// shape of DESIGN §5 with a code from shared/errors.ts; a refusal changes nothing in the
// database; input the contract refuses is never accepted; a bad token never gets in.
//
// FUZZ_RUNS (default 400) scales the runs of every property; FUZZ_SEED (default fixed)
// picks the inputs. fast-check prints the seed and path of a failure: to replay it, run
// that test alone (`-t`) with FUZZ_SEED and FUZZ_PATH set to them.

import { readFileSync } from 'node:fs';
import { createTRPCUntypedClient, httpBatchStreamLink, TRPCClientError } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { LIMITS } from '../../shared/limits.ts';
import { restCreateConversationBody } from '../../shared/rest.ts';
import { displayNameSchema, messageTextSchema } from '../../shared/schemas.ts';
import { PROTOCOL_VERSION, pushOpSchema, pushResultSchema } from '../../shared/sync/protocol.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  type CallOutcome,
  isRefusal,
  isSuccess,
  type Judgement,
  judgeRestAnswer,
  judgeTrpcAnswer,
  judgeTrpcError,
  restErrorSchema,
} from './support/fuzz-answers.ts';
import { changedTables, type DatabaseWatch, watchDatabase } from './support/fuzz-database.ts';
import {
  exchangeOnOneConnection,
  openRawClient,
  type RawAnswer,
  type RawClient,
  type RawRequest,
} from './support/fuzz-http.ts';
import {
  extraHeaders,
  fieldNamesOf,
  hostileString,
  hostileValue,
  jsonText,
  mutated,
  pathSegment,
  payloadFor,
  renderPayload,
} from './support/fuzz-inputs.ts';
import {
  anyRestSpec,
  formsOf,
  isBatch,
  isTargetKept,
  type RestSpec,
  restExpectation,
  restRequest,
  restSpecOf,
  restTarget,
  routeKey,
  type TrpcSpec,
  trpcExpectation,
  trpcRequest,
  trpcSpecOf,
  trpcTarget,
} from './support/fuzz-requests.ts';
import {
  exampleOf,
  isValidInput,
  listProcedures,
  PROCEDURE_EXAMPLES,
  type Procedure,
  PUBLIC_PROCEDURES,
  pushOpExample,
  REST_ROUTES,
  seedInputOf,
} from './support/fuzz-targets.ts';
import {
  authorizationOf,
  BAD_PRINCIPALS,
  credentialsOf,
  type FuzzWorld,
  PRINCIPALS,
  seedWorld,
} from './support/fuzz-world.ts';
import { openSqlProbe, type SqlProbe } from './support/sql-probe.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const runs = (share: number) => Math.max(10, Math.round(RUNS * share));
const PROPERTY_TIMEOUT_MS = 180_000;

let server: TestServer;
let probe: SqlProbe;
let watch: DatabaseWatch;
let world: FuzzWorld;
let http: RawClient;
const procedures = listProcedures();
const procedureByPath = new Map(procedures.map((p) => [p.path, p]));

beforeAll(async () => {
  server = await startTestServer({ label: 'fuzz' });
  probe = await openSqlProbe(server.database.address);
  world = await seedWorld(server.url, probe);
  watch = await watchDatabase(probe);
  http = openRawClient(server.url, { timeoutMs: 5_000 });
});

afterAll(async () => {
  http?.close();
  await probe?.close();
  await server?.dispose();
});

/** Runs a property with the file's seed; past `timeLimitMs` (shrinking included) it stops
 * and reports what it has, so a failure whose every replay waits out a timeout still ends. */
function check<T>(
  arbitrary: fc.Arbitrary<T>,
  share: number,
  predicate: (value: T, ctx: fc.ContextValue) => Promise<void>,
  timeLimitMs = PROPERTY_TIMEOUT_MS - 20_000,
) {
  return fc.assert(fc.asyncProperty(arbitrary, fc.context(), predicate), {
    numRuns: runs(share),
    seed: SEED,
    path: process.env.FUZZ_PATH,
    interruptAfterTimeLimit: timeLimitMs,
    markInterruptAsFailure: false,
  });
}

/** Sends a request and reports which tables it changed; signs the seeded users in again
 * afterwards if the request ended one of their sessions. */
async function observe(
  request: RawRequest,
  client: RawClient = http,
): Promise<{ answer: RawAnswer; changed: string[] }> {
  const before = await watch.fingerprint();
  const answer = await client.send(request);
  const changed = changedTables(before, await watch.fingerprint());
  await world.renewEndedTokens();
  return { answer, changed };
}

const isRefused = (call: CallOutcome) => !call.ok;

/** A push whose every operation was refused (or deferred) wrote nothing either. */
function isEmptyPush(procedure: Procedure | undefined, call: CallOutcome | undefined): boolean {
  if (procedure?.path !== 'sync.push' || !call?.ok) return false;
  const result = pushResultSchema.safeParse(call.data);
  return result.success && result.data.results.every((r) => r.status !== 'accepted');
}

const summary = (answer: RawAnswer) =>
  `${answer.status} ${answer.headers['content-type'] ?? ''} ${answer.text.slice(0, 400)}`;

/** Tallies outcomes, so a property that only ever saw refusals (or only successes)
 * fails instead of passing vacuously. */
function tally() {
  const seen = { success: 0, refusal: 0 };
  return {
    count(isOk: boolean) {
      seen[isOk ? 'success' : 'refusal']++;
    },
    expectBoth() {
      expect(seen.success, 'runs answered with success').toBeGreaterThan(0);
      expect(seen.refusal, 'runs answered with a refusal').toBeGreaterThan(0);
    },
  };
}

async function checkRest(spec: RestSpec, ctx: fc.ContextValue): Promise<Judgement> {
  const { answer, changed } = await observe(restRequest(world, spec));
  ctx.log(`${spec.method} ${restTarget(spec)} -> ${summary(answer)}`);
  const judged = judgeRestAnswer(answer, spec.method);
  const problems = [...judged.problems];
  if (isRefusal(answer.status) && changed.length > 0) {
    problems.push(`a ${answer.status} refusal changed ${changed.join(', ')}`);
  }
  if (restExpectation(spec) === 'refuse' && !isRefusal(answer.status)) {
    problems.push(`the contract refuses this request, the server answered ${answer.status}`);
  }
  expect(problems).toEqual([]);
  return judged;
}

async function checkTrpc(spec: TrpcSpec, ctx: fc.ContextValue): Promise<Judgement> {
  const request = trpcRequest(world, spec);
  const { answer, changed } = await observe(request);
  ctx.log(`${request.method} ${trpcTarget(spec)} -> ${summary(answer)}`);
  // A path of dot segments (`/trpc/%2e%2e`) resolves outside /trpc/, to the REST layer.
  const reachesTrpc = new URL(request.target, 'http://localhost').pathname.startsWith('/trpc/');
  const judged = reachesTrpc
    ? judgeTrpcAnswer(answer, {
        method: request.method,
        isBatch: isBatch(spec.form),
        // The server splits the decoded path: an encoded comma in a path is a call too.
        calls: spec.calls.reduce((n, call) => n + call.path.split(',').length, 0),
      })
    : judgeRestAnswer(answer, request.method);
  const problems = [...judged.problems];
  const refusedByServer =
    isRefusal(answer.status) ||
    (judged.calls.length === spec.calls.length && judged.calls.every(isRefused));
  const single = spec.calls.length === 1 ? spec.calls[0] : undefined;
  const emptyPush = isEmptyPush(single && procedureByPath.get(single.path), judged.calls[0]);
  if ((refusedByServer || emptyPush) && changed.length > 0) {
    problems.push(`a call the server refused changed ${changed.join(', ')}`);
  }
  judged.calls.forEach((call, i) => {
    if (call.ok && trpcExpectation(spec, i, procedureByPath) === 'refuse') {
      problems.push(`call ${i}: the contract refuses it, the server answered a result`);
    }
  });
  expect(problems).toEqual([]);
  return judged;
}

describe('[§5] the fuzzer covers the whole API', () => {
  it('lists exactly the REST routes server/http/rest.ts serves', () => {
    const source = readFileSync(new URL('../../server/http/rest.ts', import.meta.url), 'utf8');
    const served = [...source.matchAll(/method: '(\w+)',\s*pattern: \/(.+)\/,/g)].map(
      ([, method, pattern]) => ({ method, pattern: new RegExp(pattern ?? '') }),
    );
    expect(served.length).toBeGreaterThan(0);
    const sample = (template: string) => template.replace('{id}', '1');
    for (const { method, pattern } of served) {
      expect(
        REST_ROUTES.some((r) => r.method === method && pattern.test(sample(r.template))),
        `${method} ${pattern} is fuzzed`,
      ).toBe(true);
    }
    for (const route of REST_ROUTES) {
      expect(
        served.some((s) => s.method === route.method && s.pattern.test(sample(route.template))),
        `${routeKey(route)} is served`,
      ).toBe(true);
    }
  });

  it('has a valid example input for every procedure of the router', () => {
    expect(Object.keys(PROCEDURE_EXAMPLES).sort()).toEqual(procedures.map((p) => p.path).sort());
  });

  it('starts its mutations from valid inputs: every example is accepted with a live session', async () => {
    const alice = credentialsOf(['alice']);
    let seed = SEED;
    for (const route of REST_ROUTES) {
      const [spec] = fc.sample(
        route.example(world).chain((example) =>
          alice.map(
            (credentials): RestSpec => ({
              route: routeKey(route),
              method: route.method,
              param: example.param,
              query: { pairs: example.query, raw: null },
              body: route.body ? { kind: 'json', value: example.body } : null,
              contentType: 'application/json',
              credentials,
              headers: {},
            }),
          ),
        ),
        { numRuns: 1, seed: seed++ },
      );
      if (!spec) throw new Error('no sample');
      expect(restExpectation(spec), routeKey(route)).toBe('either');
      const { answer } = await observe(restRequest(world, spec));
      expect(answer.status, `${routeKey(route)}: ${summary(answer)}`).toBeLessThan(300);
    }
    for (const procedure of procedures) {
      const [input] = fc.sample(exampleOf(procedure.path, world), { numRuns: 1, seed: seed++ });
      expect(isValidInput(procedure, input), procedure.path).toBe(true);
      const [credentials] = fc.sample(alice, { numRuns: 1, seed: SEED });
      if (!credentials) throw new Error('no sample');
      const spec: TrpcSpec = {
        form: formsOf(procedure)[0] ?? 'get',
        method: null,
        calls: [
          {
            path: procedure.path,
            isRawPath: false,
            payload: input === undefined ? null : { kind: 'json', value: input },
          },
        ],
        contentType: 'application/json',
        credentials,
        headers: {},
      };
      const { answer } = await observe(trpcRequest(world, spec));
      const judged = judgeTrpcAnswer(answer, { method: 'GET', isBatch: false, calls: 1 });
      expect(judged.problems, procedure.path).toEqual([]);
      // Protocol 1's stream exists only to tell such clients to update.
      const expected = procedure.path !== 'sync.onPoke';
      expect(judged.calls[0]?.ok, `${procedure.path}: ${summary(answer)}`).toBe(expected);
    }
  });
});

describe('[§5] the server never answers 5xx, and every refusal has the error shape', () => {
  it(
    'any request target and method, known or not, is answered 2xx or 4xx in the error shape and a refusal changes nothing',
    async () => {
      const prefixes = [
        '/api/v1/',
        '/api/v1/auth/',
        '/api/v1/chat/conversations/',
        '/api/v1/chat/messages/',
        '/api/v2/',
        '/api/',
        '/trpc',
        '/healthz/',
        '/yjs/',
        '/',
        '//',
        'http://localhost/api/v1/',
        'http://[',
        '*',
      ];
      const target = fc
        .tuple(
          fc.constantFrom(...prefixes),
          fc.array(pathSegment, { maxLength: 4 }),
          fc.option(fc.constantFrom('?', '?a=1', '?batch=1', '?input=%7B'), { nil: '' }),
        )
        .map(([prefix, segments, tail]) => `${prefix}${segments.join('/')}${tail}`)
        .filter((t) => t.length > 0 && t.length <= 4_000);
      const spec = fc.record({
        method: fc.constantFrom(
          'GET',
          'POST',
          'DELETE',
          'PUT',
          'PATCH',
          'HEAD',
          'OPTIONS',
          'TRACE',
        ),
        target,
        credentials: credentialsOf(PRINCIPALS),
        headers: extraHeaders,
        body: fc.option(payloadFor(fc.constant({}), { maxDepth: 100, allowBig: false }), {
          freq: 2,
        }),
      });
      // A request nobody answers is a failure; waiting 2 s for it is enough.
      const impatient = openRawClient(server.url, { timeoutMs: 2_000 });
      onTestFinished(() => impatient.close());
      await check(
        spec,
        0.75,
        async (s, ctx) => {
          const headers: Record<string, string> = {
            'content-type': 'application/json',
            ...s.headers,
          };
          const authorization = authorizationOf(world, s.credentials);
          if (authorization !== null) headers.authorization = authorization;
          const request: RawRequest = {
            method: s.method,
            target: s.target,
            headers,
            body: s.body ? Buffer.from(renderPayload(s.body), 'utf8') : undefined,
          };
          const { answer, changed } = await observe(request, impatient);
          ctx.log(`${s.method} ${s.target} -> ${summary(answer)}`);
          const path = URL.canParse(s.target, 'http://localhost')
            ? new URL(s.target, 'http://localhost').pathname
            : '';
          const judged = path.startsWith('/trpc/')
            ? judgeTrpcAnswer(answer, {
                method: s.method,
                isBatch: s.target.includes('batch=1'),
                calls: path.slice('/trpc/'.length).split(',').length,
              })
            : judgeRestAnswer(answer, s.method);
          const problems = [...judged.problems];
          if (isRefusal(answer.status) && changed.length > 0) {
            problems.push(`a ${answer.status} changed ${changed.join(', ')}`);
          }
          expect(problems).toEqual([]);
        },
        45_000,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'every REST route, with any input, headers and token, answers 2xx or a well-formed 4xx; what the contract refuses is refused and changes nothing',
    async () => {
      const seen = tally();
      await check(anyRestSpec(world), 1.5, async (spec, ctx) => {
        const judged = await checkRest(spec, ctx);
        seen.count(judged.calls.length > 0);
      });
      seen.expectBoth();
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'every tRPC procedure, over GET ?input=, POST, method override, batches and event streams, answers results or well-formed errors; what the contract refuses is refused and changes nothing',
    async () => {
      const seen = tally();
      await check(trpcSpecOf(world, procedures), 1.5, async (spec, ctx) => {
        const judged = await checkTrpc(spec, ctx);
        seen.count(judged.calls.some((c) => c.ok));
      });
      seen.expectBoth();
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'every REST route, given well-typed values at and past every edge by a signed-in user, answers 2xx or a well-formed 4xx; what the contract refuses is refused and changes nothing',
    async () => {
      const seen = tally();
      const spec = fc.oneof(
        ...REST_ROUTES.map((route) =>
          restSpecOf(world, route, {
            principals: ['alice', 'carol'],
            method: 'own',
            emphasis: 'depth',
          }),
        ),
      );
      await check(spec, 1, async (s, ctx) => {
        const judged = await checkRest(s, ctx);
        seen.count(judged.calls.length > 0);
      });
      seen.expectBoth();
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'every tRPC procedure, given well-typed values at and past every edge by a signed-in user, answers results or well-formed errors; what the contract refuses is refused and changes nothing',
    async () => {
      const seen = tally();
      const spec = trpcSpecOf(world, procedures, {
        principals: ['alice', 'carol'],
        forms: 'natural',
        emphasis: 'depth',
      });
      await check(spec, 1.5, async (s, ctx) => {
        const judged = await checkTrpc(s, ctx);
        seen.count(judged.calls.some((c) => c.ok));
      });
      seen.expectBoth();
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'tRPC batches streamed as JSON lines (trpc-accept: application/jsonl) carry a result or a well-formed error for every call',
    async () => {
      const callable = procedures.filter((p) => p.type !== 'subscription');
      const call = fc.constantFrom(...callable).chain((procedure) =>
        fc.record({
          path: fc.constant(procedure.path),
          input: seedInputOf(procedure.path, world).chain((ex) =>
            fc.oneof(
              fc.constant(ex),
              mutated(ex, fieldNamesOf(ex)),
              hostileValue(fieldNamesOf(ex)),
            ),
          ),
        }),
      );
      const spec = fc.record({
        calls: fc.array(call, { minLength: 1, maxLength: 4 }),
        credentials: credentialsOf(PRINCIPALS),
        headers: extraHeaders,
      });
      await check(spec, 0.5, async (s, ctx) => {
        const headers: Record<string, string> = { ...s.headers };
        const authorization = authorizationOf(world, s.credentials);
        if (authorization !== null) headers.authorization = authorization;
        const client = createTRPCUntypedClient<AnyRouter>({
          links: [
            httpBatchStreamLink({ url: `${server.url}/trpc`, headers, methodOverride: 'POST' }),
          ],
        });
        const before = await watch.fingerprint();
        const plain = s.calls.map((c) => {
          const text = c.input === undefined ? undefined : jsonText(c.input);
          const input: unknown = text === undefined ? undefined : JSON.parse(text);
          return { ...c, input };
        });
        const settled = await Promise.allSettled(
          plain.map((c) =>
            procedureByPath.get(c.path)?.type === 'query'
              ? client.query(c.path, c.input)
              : client.mutation(c.path, c.input),
          ),
        );
        const changed = changedTables(before, await watch.fingerprint());
        await world.renewEndedTokens();
        const problems: string[] = [];
        settled.forEach((outcome, i) => {
          const call = plain[i];
          const procedure = call && procedureByPath.get(call.path);
          if (!call || !procedure) return;
          const sent: unknown =
            call.input === undefined ? undefined : JSON.parse(JSON.stringify(call.input));
          const mustRefuse = !isValidInput(procedure, sent);
          if (outcome.status === 'fulfilled') {
            if (mustRefuse)
              problems.push(`call ${i} (${call.path}): an invalid input was accepted`);
            return;
          }
          const error: unknown = outcome.reason;
          ctx.log(`call ${i} (${call.path}) refused: ${String(error)}`);
          if (!(error instanceof TRPCClientError)) {
            problems.push(`call ${i} (${call.path}): failed outside tRPC: ${String(error)}`);
            return;
          }
          problems.push(...judgeTrpcError(error.shape, `call ${i} (${call.path})`));
        });
        if (settled.every((o) => o.status === 'rejected') && changed.length > 0) {
          problems.push(`refused calls changed ${changed.join(', ')}`);
        }
        expect(problems).toEqual([]);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('[§5] input the contract refuses is never accepted', () => {
  const alice = ['alice'] as const;

  it(
    'a REST mutation with an invalid body or id never answers 2xx and writes nothing, even from a signed-in participant',
    async () => {
      const mutations = REST_ROUTES.filter((r) => r.method !== 'GET');
      const spec = fc
        .oneof(...mutations.map((r) => restSpecOf(world, r, { principals: alice, method: 'own' })))
        .filter((s) => restExpectation(s) === 'refuse');
      await check(spec, 1, async (s, ctx) => {
        const judged = await checkRest(s, ctx);
        expect(judged.calls).toEqual([]);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'a tRPC mutation with an input its parsers refuse never returns a result and writes nothing',
    async () => {
      const mutations = procedures.filter((p) => p.type === 'mutation');
      const spec = trpcSpecOf(world, mutations, { principals: alice, forms: 'natural' }).filter(
        (s) => s.calls.every((_, i) => trpcExpectation(s, i, procedureByPath) === 'refuse'),
      );
      await check(spec, 1, async (s, ctx) => {
        const judged = await checkTrpc(s, ctx);
        expect(judged.calls.filter((c) => c.ok)).toEqual([]);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    '[§3.2] a push whose every operation the contract refuses answers each one rejected with VALIDATION_FAILED and writes nothing',
    async () => {
      const badOp = fc
        .oneof(
          {
            weight: 4,
            arbitrary: pushOpExample(world).chain((op) => mutated(op, fieldNamesOf(op))),
          },
          { weight: 1, arbitrary: hostileValue(['opId', 'kind', 'clientMsgId', 'content']) },
        )
        .filter((op) => !pushOpSchema.safeParse(JSON.parse(jsonText(op))).success);
      const ops = fc.array(badOp, { minLength: 1, maxLength: 5 });
      const [credentials] = fc.sample(credentialsOf(['alice']), { numRuns: 1, seed: SEED });
      if (!credentials) throw new Error('no sample');
      await check(ops, 0.5, async (list, ctx) => {
        const spec: TrpcSpec = {
          form: 'post',
          method: null,
          calls: [
            {
              path: 'sync.push',
              isRawPath: false,
              payload: { kind: 'json', value: { protocolVersion: PROTOCOL_VERSION, ops: list } },
            },
          ],
          contentType: 'application/json',
          credentials,
          headers: {},
        };
        const { answer, changed } = await observe(trpcRequest(world, spec));
        ctx.log(summary(answer));
        const judged = judgeTrpcAnswer(answer, { method: 'POST', isBatch: false, calls: 1 });
        expect(judged.problems).toEqual([]);
        const call = judged.calls[0];
        expect(call?.ok).toBe(true);
        const result = pushResultSchema.parse(call?.ok ? call.data : null);
        expect(result.results).toEqual(
          list.map(() =>
            expect.objectContaining({ status: 'rejected', code: 'VALIDATION_FAILED' }),
          ),
        );
        expect(changed).toEqual([]);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('[§5] a token that is not a live session never gets in', () => {
  it(
    'no token, a forged or tampered token of the right shape, an expired or revoked one, or a garbage Authorization header gets 401 from every signed-in REST route and tRPC procedure, and writes nothing',
    async () => {
      const restSigned = REST_ROUTES.filter((r) => r.isSignedIn);
      const trpcSigned = procedures.filter((p) => !PUBLIC_PROCEDURES.has(p.path));
      const spec = fc.oneof(
        fc.oneof(
          ...restSigned.map((r) =>
            restSpecOf(world, r, { principals: BAD_PRINCIPALS, method: 'own' })
              // Only requests that reach the route: an empty id names another path.
              .filter((s) => isTargetKept(s) && s.param !== '')
              .map((s) => ({ transport: 'REST' as const, s })),
          ),
        ),
        trpcSpecOf(world, trpcSigned, { principals: BAD_PRINCIPALS, forms: 'natural' })
          // An oversized batch is refused whole, before anyone is asked who they are.
          .filter((s) => s.calls.length <= LIMITS.trpcBatchMax)
          .map((s) => ({ transport: 'tRPC' as const, s })),
      );
      await check(spec, 1, async (choice, ctx) => {
        if (choice.transport === 'REST') {
          const { answer, changed } = await observe(restRequest(world, choice.s));
          ctx.log(`${choice.s.method} ${restTarget(choice.s)} -> ${summary(answer)}`);
          expect(judgeRestAnswer(answer, choice.s.method).problems).toEqual([]);
          expect(answer.status).toBe(401);
          expect(restErrorSchema.parse(JSON.parse(answer.text)).error.code).toBe('UNAUTHENTICATED');
          expect(changed).toEqual([]);
          return;
        }
        const request = trpcRequest(world, choice.s);
        const { answer, changed } = await observe(request);
        ctx.log(`${request.method} ${trpcTarget(choice.s)} -> ${summary(answer)}`);
        const judged = judgeTrpcAnswer(answer, {
          method: request.method,
          isBatch: isBatch(choice.s.form),
          calls: choice.s.calls.length,
        });
        expect(judged.problems).toEqual([]);
        expect(judged.calls).toHaveLength(choice.s.calls.length);
        for (const call of judged.calls) {
          expect(call.ok ? 'a result' : call.error.data.code).toBe('UNAUTHORIZED');
        }
        expect(changed).toEqual([]);
      });
    },
    PROPERTY_TIMEOUT_MS,
  );
});

const messageAnswer = z.object({ message_id: z.number(), content: z.string() });
const messagePage = z.object({ messages: z.array(z.object({ content: z.string() })) });
const conversationAnswer = z.object({
  conversation_id: z.number(),
  context_title: z.string().nullable(),
});
const signedInAnswer = z.object({
  token: z.string(),
  user: z.object({ display_name: z.string() }),
});
const meAnswer = z.object({ result: z.object({ data: z.object({ displayName: z.string() }) }) });

describe('[§5] text the server accepts is stored as it answered it', () => {
  const text = fc.oneof(hostileString, fc.string({ unit: 'binary', maxLength: 40 }));

  async function sendJson(target: string, body: unknown, token: string | null) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    return http.send({ method: 'POST', target, headers, body: Buffer.from(jsonText(body)) });
  }

  async function readJson<T>(target: string, token: string, schema: z.ZodType<T>): Promise<T> {
    const answer = await http.send({
      method: 'GET',
      target,
      headers: { authorization: `Bearer ${token}` },
    });
    return schema.parse(JSON.parse(answer.text));
  }

  it(
    'a message accepted with 2xx reads back exactly as answered, and that is the contract’s normal form of what was sent',
    async () => {
      await check(
        fc.tuple(text, fc.uuid({ version: 7 })),
        0.3,
        async ([content, clientMsgId], ctx) => {
          const token = world.liveToken('alice');
          const conversationId = world.conversations.aliceBob;
          const sent = await sendJson(
            '/api/v1/chat/messages',
            { conversation_id: conversationId, content, client_msg_id: clientMsgId },
            token,
          );
          ctx.log(summary(sent));
          if (!isSuccess(sent.status)) return;
          const answered = messageAnswer.parse(JSON.parse(sent.text));
          const page = await readJson(
            `/api/v1/chat/conversations/${conversationId}/messages?limit=1&before_id=${answered.message_id + 1}`,
            token,
            messagePage,
          );
          const normal = messageTextSchema.parse(content);
          expect({ answered: answered.content, stored: page.messages[0]?.content }).toEqual({
            answered: normal,
            stored: normal,
          });
        },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'a conversation’s context title accepted with 201 reads back exactly as answered, and that is the contract’s normal form of what was sent',
    async () => {
      const contextId = fc.integer({ min: 1_000, max: 2 ** 31 - 1 });
      await check(fc.tuple(text, contextId), 0.3, async ([title, id], ctx) => {
        const token = world.liveToken('alice');
        const body = {
          other_user_id: world.bob.user.userId,
          conversation_type: 'request',
          context_id: id,
          context_title: title,
        };
        const sent = await sendJson('/api/v1/chat/conversations', body, token);
        ctx.log(summary(sent));
        if (sent.status !== 201) return;
        const answered = conversationAnswer.parse(JSON.parse(sent.text));
        const stored = await readJson(
          `/api/v1/chat/conversations/${answered.conversation_id}`,
          token,
          conversationAnswer,
        );
        const normal = restCreateConversationBody.parse(body).contextTitle;
        expect({ answered: answered.context_title, stored: stored.context_title }).toEqual({
          answered: normal,
          stored: normal,
        });
      });
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'a display name accepted at registration reads back exactly as answered, and that is the contract’s normal form of what was sent',
    async () => {
      await check(fc.tuple(text, fc.uuid()), 0.3, async ([name, id], ctx) => {
        const sent = await sendJson(
          '/api/v1/auth/register',
          { email: `name-${id}@fuzz.test`, password: 'correct horse battery', display_name: name },
          null,
        );
        ctx.log(summary(sent));
        if (sent.status !== 201) return;
        const answered = signedInAnswer.parse(JSON.parse(sent.text));
        const me = await readJson('/trpc/auth.me', answered.token, meAnswer);
        const normal = displayNameSchema.parse(name);
        expect({
          answered: answered.user.display_name,
          stored: me.result.data.displayName,
        }).toEqual({
          answered: normal,
          stored: normal,
        });
      });
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('[§5] a refused request leaves its connection usable', () => {
  it('after a body refused as too large (413), the next request on the same keep-alive connection is answered, or the connection is closed; it is never left silent', async () => {
    const size = 1024 * 1024;
    const { statusLines, outcome } = await exchangeOnOneConnection(
      server.url,
      [
        `POST /api/v1/auth/login HTTP/1.1\r\nHost: fuzz\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
        Buffer.alloc(size, 0x20),
        'GET /healthz HTTP/1.1\r\nHost: fuzz\r\n\r\n',
      ],
      { expected: 2, waitMs: 5_000 },
    );
    expect(statusLines[0]).toMatch(/^HTTP\/1\.1 413/);
    expect(outcome, `answers: ${statusLines.join(' | ')}`).not.toBe('silent');
  });
});
