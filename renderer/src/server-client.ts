// The server calls the UI makes itself (everything else goes through the sync engine):
// sign in, create account, sign out, and the services catalog. Plain tRPC-over-HTTP
// requests; answers are parsed, never trusted.
import { z } from 'zod';
import { type ErrorCode, errorCodeFromTrpc } from '../../shared/errors.ts';
import type { ServiceListing, UserView } from '../../shared/model.ts';
import { type DeviceSession, deviceListSchema } from '../../shared/sessions.ts';

export class ServerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }
}

const userSchema = z.object({
  userId: z.number().int().positive(),
  email: z.string(),
  displayName: z.string(),
});
const signedInSchema = z.object({ token: z.string().min(1), user: userSchema });
const publicUserSchema = z.object({ userId: z.number().int().positive(), displayName: z.string() });
const listingSchema = z.object({
  kind: z.enum(['service', 'request']),
  id: z.number().int().positive(),
  title: z.string(),
  description: z.string(),
  hours: z.number(),
  owner: publicUserSchema,
});
const catalogSchema = z.array(listingSchema);

const errorEnvelope = z.object({
  error: z.object({
    message: z.string(),
    data: z
      .object({
        code: z.string().optional(),
        appCode: z.string().optional(),
        fields: z.record(z.string(), z.array(z.string())).optional(),
      })
      .optional(),
  }),
});
const resultEnvelope = z.object({ result: z.object({ data: z.unknown() }) });

export interface SignedIn {
  token: string;
  user: UserView;
}

export interface ServerClient {
  login(input: { email: string; password: string; deviceName: string }): Promise<SignedIn>;
  register(input: {
    email: string;
    password: string;
    displayName: string;
    deviceName: string;
  }): Promise<SignedIn>;
  logout(token: string): Promise<void>;
  listCatalog(token: string): Promise<ServiceListing[]>;
  /** The account's signed-in devices, this one included. */
  listDevices(token: string): Promise<DeviceSession[]>;
  signOutDevice(token: string, sessionId: number): Promise<void>;
}

function toServerError(body: unknown, status: number): ServerError {
  const parsed = errorEnvelope.safeParse(body);
  if (!parsed.success)
    return new ServerError(status >= 500 ? 'UNAVAILABLE' : 'INTERNAL', `HTTP ${status}`);
  const { message, data } = parsed.data.error;
  const known = data?.appCode as ErrorCode | undefined;
  return new ServerError(known ?? errorCodeFromTrpc(data?.code ?? ''), message, data?.fields);
}

export function createServerClient(
  serverUrl: string,
  fetchImpl: typeof fetch = fetch,
): ServerClient {
  async function call(
    kind: 'query' | 'mutation',
    path: string,
    input: unknown,
    token: string | null,
  ): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const url =
      kind === 'query'
        ? `${serverUrl}/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`
        : `${serverUrl}/trpc/${path}`;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: kind === 'query' ? 'GET' : 'POST',
        headers,
        body: kind === 'mutation' && input !== undefined ? JSON.stringify(input) : undefined,
      });
    } catch {
      throw new ServerError('UNAVAILABLE', 'The server cannot be reached. Check your connection.');
    }
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw toServerError(body, response.status);
    const parsed = resultEnvelope.safeParse(body);
    if (!parsed.success)
      throw new ServerError('INTERNAL', 'The server sent an answer this app cannot read.');
    return parsed.data.result.data;
  }

  return {
    async login(input) {
      return signedInSchema.parse(await call('mutation', 'auth.login', input, null));
    },
    async register(input) {
      return signedInSchema.parse(await call('mutation', 'auth.register', input, null));
    },
    async logout(token) {
      await call('mutation', 'auth.logout', undefined, token);
    },
    async listCatalog(token) {
      return catalogSchema.parse(await call('query', 'catalog.list', undefined, token));
    },
    async listDevices(token) {
      return deviceListSchema.parse(await call('query', 'auth.devices', undefined, token)).devices;
    },
    async signOutDevice(token, sessionId) {
      await call('mutation', 'auth.signOutDevice', { sessionId }, token);
    },
  };
}
