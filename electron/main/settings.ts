// The shell's own settings — do not disturb, hidden previews, mute-all-until and muted
// conversations — kept as JSON in the user-data folder and validated on every load.
import { z } from 'zod';
import { conversationKeySchema, desktopSettingsSchema } from '../../shared/platform/bridge.ts';
import { type FileStore, readJsonFile, writeJsonFile } from './file-store.ts';

const storedSettingsSchema = z.object({
  ...desktopSettingsSchema.shape,
  mutedConversationKeys: z.array(conversationKeySchema).max(10_000),
});
export type StoredSettings = z.infer<typeof storedSettingsSchema>;

export const DEFAULT_SETTINGS: StoredSettings = {
  doNotDisturb: false,
  hideMessagePreviews: false,
  mutedUntil: null,
  mutedConversationKeys: [],
};

export const ONE_HOUR_MS = 60 * 60 * 1000;

export interface SettingsStore {
  current(): StoredSettings;
  update(patch: Partial<StoredSettings>): Promise<StoredSettings>;
  onChange(listener: (settings: StoredSettings) => void): () => void;
}

/** Each field is read on its own, so one bad or missing field (an older or newer
 * version wrote the file) resets only that field to its default. */
function mergeWithDefaults(raw: unknown): StoredSettings {
  if (typeof raw !== 'object' || raw === null) return DEFAULT_SETTINGS;
  const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [key, schema] of Object.entries(storedSettingsSchema.shape)) {
    const parsed = schema.safeParse((raw as Record<string, unknown>)[key]);
    if (parsed.success) merged[key] = parsed.data;
  }
  return storedSettingsSchema.parse(merged);
}

export async function loadSettingsStore(files: FileStore, path: string): Promise<SettingsStore> {
  let settings = mergeWithDefaults(await readJsonFile(files, path, z.unknown()));
  const listeners = new Set<(settings: StoredSettings) => void>();
  let writes = Promise.resolve();
  return {
    current: () => settings,
    async update(patch) {
      settings = storedSettingsSchema.parse({ ...settings, ...patch });
      const snapshot = settings;
      // Writes are chained so an older snapshot never lands after a newer one.
      writes = writes.then(() => writeJsonFile(files, path, snapshot));
      for (const listener of listeners) listener(snapshot);
      await writes;
      return snapshot;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function muteAllFor(durationMs: number, now: number): Partial<StoredSettings> {
  return { mutedUntil: now + durationMs };
}
