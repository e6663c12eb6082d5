// Preferences kept on this device (localStorage), validated field by field when read:
// a field written by an older or newer version that does not parse falls back to its
// default without resetting the others.
import { useSyncExternalStore } from 'react';
import { z } from 'zod';
import { ATTACHMENT_LIMITS } from '../../../shared/attachments.ts';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  type NotificationSettings,
  notificationSettingsSchema,
} from '../notifications/notification-settings.ts';

export const SETTINGS_KEY = 'timenest.settings';

const MB = 1024 * 1024;

/** The sizes a received file may have to be fetched by itself: none, small ones (a
 * photo), documents, anything the server accepts. */
export const AUTO_DOWNLOAD_LIMITS = [0, 5 * MB, 25 * MB, ATTACHMENT_LIMITS.maxBytes] as const;

export type Settings = NotificationSettings & {
  /** "Not now" on the banner that asks for notification permission. */
  isAccessBannerDismissed: boolean;
  /** "Got it" on the banner saying the session is kept in memory only. */
  isMemoryOnlyBannerDismissed: boolean;
  /** Received files up to this size are fetched when they arrive; larger ones on open. */
  autoDownloadMaxBytes: number;
};

export const DEFAULT_SETTINGS: Settings = {
  ...DEFAULT_NOTIFICATION_SETTINGS,
  isAccessBannerDismissed: false,
  isMemoryOnlyBannerDismissed: false,
  autoDownloadMaxBytes: 5 * MB,
};

const storedSchema = z.object({
  doNotDisturb: notificationSettingsSchema.shape.doNotDisturb.catch(
    DEFAULT_NOTIFICATION_SETTINGS.doNotDisturb,
  ),
  isSoundOn: notificationSettingsSchema.shape.isSoundOn.catch(
    DEFAULT_NOTIFICATION_SETTINGS.isSoundOn,
  ),
  preview: notificationSettingsSchema.shape.preview.catch(DEFAULT_NOTIFICATION_SETTINGS.preview),
  isAllMuted: notificationSettingsSchema.shape.isAllMuted.catch(
    DEFAULT_NOTIFICATION_SETTINGS.isAllMuted,
  ),
  isAccessBannerDismissed: z.boolean().catch(false),
  isMemoryOnlyBannerDismissed: z.boolean().catch(false),
  autoDownloadMaxBytes: z
    .number()
    .refine((bytes) => AUTO_DOWNLOAD_LIMITS.some((limit) => limit === bytes))
    .catch(DEFAULT_SETTINGS.autoDownloadMaxBytes),
  /** Written by versions that had one "hide message text" checkbox. */
  hidePreviews: z.boolean().optional().catch(undefined),
});

export function parseSettings(raw: unknown): Settings {
  const parsed = storedSchema.safeParse(raw);
  if (!parsed.success) return DEFAULT_SETTINGS;
  const { hidePreviews, ...settings } = parsed.data;
  const hasPreview = typeof raw === 'object' && raw !== null && 'preview' in raw;
  return hidePreviews && !hasPreview ? { ...settings, preview: 'name-only' } : settings;
}

/** The settings as stored now, for code outside React (the sync engine's downloads). */
export function readSettings(storage: Storage): Settings {
  try {
    return parseSettings(JSON.parse(storage.getItem(SETTINGS_KEY) ?? '{}'));
  } catch {
    return DEFAULT_SETTINGS;
  }
}

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): void;
  /** Reads storage again: another tab of the app changed the settings. */
  reload(): void;
  subscribe(listener: () => void): () => void;
}

export function createSettingsStore(storage: Storage): SettingsStore {
  const read = () => readSettings(storage);
  let current = read();
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  return {
    get: () => current,
    update(patch) {
      current = { ...current, ...patch };
      storage.setItem(SETTINGS_KEY, JSON.stringify(current));
      changed();
    },
    reload() {
      current = read();
      changed();
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
