// The server calls the UI makes itself (everything else goes through the sync engine,
// and signing in and out through the platform bridge): the services catalog and the
// account's devices. Plain tRPC-over-HTTP requests with the session as the platform
// presents it; answers are parsed, never trusted.
import { z } from 'zod';
import type { ErrorCode } from '../../shared/errors.ts';
import type { PublicUser, ServiceListing } from '../../shared/model.ts';
import { peopleSearchResultSchema } from '../../shared/people.ts';
import type { ServerAuth } from '../../shared/platform/server-auth.ts';
import { callServer, type FetchLike, type ServerCall } from '../../shared/server-call.ts';
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

export interface ServerClient {
  listCatalog(): Promise<ServiceListing[]>;
  /** Other people whose name has a word starting with `query` (2+ characters). */
  searchPeople(query: string): Promise<PublicUser[]>;
  /** The account's signed-in devices, this one included. */
  listDevices(): Promise<DeviceSession[]>;
  signOutDevice(sessionId: number): Promise<void>;
}

export function createServerClient(
  serverUrl: string,
  auth: ServerAuth,
  fetchImpl: FetchLike = (url, init) => fetch(url, init),
): ServerClient {
  async function call(request: Omit<ServerCall, 'headers'>): Promise<unknown> {
    const answer = await callServer(fetchImpl, serverUrl, {
      ...request,
      headers: auth.authHeaders(),
    });
    if (!answer.ok) {
      const { code, message, fields } = answer.failure;
      throw new ServerError(code, message, fields);
    }
    return answer.data;
  }

  return {
    async listCatalog() {
      return catalogSchema.parse(await call({ kind: 'query', path: 'catalog.list' }));
    },
    async searchPeople(query) {
      return peopleSearchResultSchema.parse(
        await call({ kind: 'query', path: 'people.search', input: { query } }),
      );
    },
    async listDevices() {
      return deviceListSchema.parse(await call({ kind: 'query', path: 'auth.devices' })).devices;
    },
    async signOutDevice(sessionId) {
      await call({ kind: 'mutation', path: 'auth.signOutDevice', input: { sessionId } });
    },
  };
}
