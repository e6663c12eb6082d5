// How far each running upload has gone, in memory: progress changes many times a second
// and means nothing after a restart (the server holds the real offset), so it is never
// written to the database.
export interface UploadProgress {
  sent: number;
  total: number;
}

const progress = new Map<string, UploadProgress>();
const listeners = new Map<string, Set<() => void>>();

function notify(clientMsgId: string): void {
  for (const listener of listeners.get(clientMsgId) ?? []) listener();
}

export const uploadProgress = {
  get: (clientMsgId: string): UploadProgress | null => progress.get(clientMsgId) ?? null,
  set(clientMsgId: string, next: UploadProgress): void {
    progress.set(clientMsgId, next);
    notify(clientMsgId);
  },
  clear(clientMsgId: string): void {
    if (progress.delete(clientMsgId)) notify(clientMsgId);
  },
  subscribe(clientMsgId: string, listener: () => void): () => void {
    const set = listeners.get(clientMsgId) ?? new Set();
    set.add(listener);
    listeners.set(clientMsgId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0) listeners.delete(clientMsgId);
    };
  },
};
