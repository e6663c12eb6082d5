// The update feed a release build was made with: electron-builder writes it from `publish`
// in electron-builder.yml to resources/app-update.yml, with the Windows signer's name when
// it signed the build. Read from there, no environment variable can redirect a packaged app.
import { join } from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import type { FileStore } from './file-store.ts';

export interface UpdateFeed {
  url: string;
  /** The certificate subjects a Windows installer must be signed by. electron-updater checks
   * downloads against this list, and checks nothing when it is empty. */
  publisherNames: string[];
}

const appUpdateConfig = z.object({
  provider: z.literal('generic'),
  url: z.url({ protocol: /^https$/ }),
  publisherName: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
});

export class UpdateFeedError extends Error {}

/** The feed in an app-update.yml; null when the build has none (`publish: null`). */
export function parseUpdateFeed(text: string | null): UpdateFeed | null {
  if (text === null) return null;
  let document: unknown;
  try {
    document = load(text);
  } catch (error) {
    throw new UpdateFeedError(
      `app-update.yml is not YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = appUpdateConfig.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new UpdateFeedError(
      `app-update.yml is not a generic https feed (${problems.join('; ')})`,
    );
  }
  const { url, publisherName } = parsed.data;
  return {
    url,
    publisherNames: publisherName === undefined ? [] : [publisherName].flat(),
  };
}

/** The packaged app's feed: resources/app-update.yml beside app.asar (process.resourcesPath). */
export async function readUpdateFeed(
  files: FileStore,
  resourcesPath: string,
): Promise<UpdateFeed | null> {
  const bytes = await files.read(join(resourcesPath, 'app-update.yml'));
  return parseUpdateFeed(bytes === null ? null : Buffer.from(bytes).toString('utf8'));
}
