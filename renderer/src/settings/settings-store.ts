// Preferences kept on this device: whether notifications show message text.
import { useSyncExternalStore } from 'react';
import { z } from 'zod';

const KEY = 'timenest.settings';

const settingsSchema = z.object({ hidePreviews: z.boolean().default(false) });
export type Settings = z.infer<typeof settingsSchema>;

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): void;
  subscribe(listener: () => void): () => void;
}

export function createSettingsStore(storage: Storage): SettingsStore {
  const read = (): Settings => {
    try {
      const parsed = settingsSchema.safeParse(JSON.parse(storage.getItem(KEY) ?? '{}'));
      return parsed.success ? parsed.data : { hidePreviews: false };
    } catch {
      return { hidePreviews: false };
    }
  };
  let current = read();
  const listeners = new Set<() => void>();
  return {
    get: () => current,
    update(patch) {
      current = { ...current, ...patch };
      storage.setItem(KEY, JSON.stringify(current));
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useSettings(store: SettingsStore): Settings {
  return useSyncExternalStore(store.subscribe, store.get);
}
