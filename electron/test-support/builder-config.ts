// Loads electron-builder.yml the way electron-builder itself does (its own loader, with
// `extends` resolved) and validates it with electron-builder's own schema validator.
import { fileURLToPath } from 'node:url';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'electron-builder';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function loadBuilderConfig(file = 'electron-builder.yml'): Promise<Configuration> {
  return getConfig(REPO_ROOT, fileURLToPath(new URL(`../../${file}`, import.meta.url)), null);
}

export async function validateBuilderConfig(config: Configuration): Promise<void> {
  await validateConfiguration(config, new DebugLogger(false));
}
