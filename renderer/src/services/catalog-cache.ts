// The services catalog as last loaded, kept per user so the page (and "Contact
// provider") works offline.
import { z } from 'zod';
import type { ServiceListing } from '../../../shared/model.ts';

const cachedSchema = z.object({
  fetchedAt: z.number(),
  listings: z.array(
    z.object({
      kind: z.enum(['service', 'request']),
      id: z.number(),
      title: z.string(),
      description: z.string(),
      hours: z.number(),
      owner: z.object({ userId: z.number(), displayName: z.string() }),
    }),
  ),
});
export type CachedCatalog = z.infer<typeof cachedSchema>;

const keyFor = (userId: number) => `timenest.catalog.${userId}`;

export function readCatalog(storage: Storage, userId: number): CachedCatalog | null {
  try {
    const parsed = cachedSchema.safeParse(JSON.parse(storage.getItem(keyFor(userId)) ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeCatalog(
  storage: Storage,
  userId: number,
  listings: ServiceListing[],
  now = Date.now(),
): CachedCatalog {
  const cached = { fetchedAt: now, listings };
  storage.setItem(keyFor(userId), JSON.stringify(cached));
  return cached;
}
