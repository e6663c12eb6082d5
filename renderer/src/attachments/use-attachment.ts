// What the UI knows of one message's attachment on this device: its bytes if they are
// here (queued from here, or downloaded before), how far its upload has gone, and how
// to fetch the bytes from the server when they are not. Downloaded bytes are kept in
// IndexedDB, so an attachment opened once opens offline afterwards.
import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { SaveFileResult } from '../../../shared/platform/bridge.ts';
import type { LocalMessage } from '../../sync/db.ts';
import { fetchAttachment } from '../../sync/fetch-attachment.ts';
import { type UploadProgress, uploadProgress } from '../../sync/upload-progress.ts';
import { useApp } from '../app/app-context.tsx';

export type { UploadProgress } from '../../sync/upload-progress.ts';

export type AttachmentBytes =
  | { state: 'here'; blob: Blob }
  | { state: 'not-here' }
  | { state: 'downloading'; received: number; total: number }
  | { state: 'failed'; reason: string };

/** The bytes of a message's attachment on this device, and a way to fetch them. */
export function useAttachmentBytes(message: LocalMessage): {
  bytes: AttachmentBytes;
  download(): Promise<Blob | null>;
} {
  const { db, serverUrl, auth } = useApp();
  const { clientMsgId, convKey } = message;
  const stored = useLiveQuery(() => db.attachments.get(clientMsgId), [db, clientMsgId]);
  const [transfer, setTransfer] = useState<AttachmentBytes | null>(null);
  const fileUrl = message.attachment?.fileUrl ?? null;
  const size = message.attachment?.size ?? 0;

  const download = useCallback(async (): Promise<Blob | null> => {
    const here = await db.attachments.get(clientMsgId);
    if (here?.blob) return here.blob;
    if (!fileUrl) return null;
    setTransfer({ state: 'downloading', received: 0, total: size });
    try {
      const blob = await fetchAttachment(`${serverUrl}${fileUrl}`, auth, (received) =>
        setTransfer({ state: 'downloading', received, total: size }),
      );
      await db.transaction('rw', db.attachments, async () => {
        const row = await db.attachments.get(clientMsgId);
        await db.attachments.put({ ...(row ?? { clientMsgId, convKey }), blob });
      });
      setTransfer(null);
      return blob;
    } catch (error) {
      setTransfer({
        state: 'failed',
        reason: error instanceof Error ? error.message : 'the download failed',
      });
      return null;
    }
  }, [db, clientMsgId, convKey, fileUrl, size, serverUrl, auth]);

  // Each read of the row brings a new Blob object for the same bytes: keep the first, so
  // an image shown from it is not loaded again whenever the row changes.
  const held = useRef<Blob | null>(null);
  const blob = stored?.blob ?? null;
  if (!blob) held.current = null;
  else if (!held.current || held.current.size !== blob.size || held.current.type !== blob.type) {
    held.current = blob;
  }
  const bytes: AttachmentBytes = held.current
    ? { state: 'here', blob: held.current }
    : (transfer ?? { state: 'not-here' });
  return { bytes, download };
}

/** How far this device's upload of a pending message's file has gone; null when none
 * runs in this tab. */
export function useUploadProgress(clientMsgId: string): UploadProgress | null {
  return useSyncExternalStore(
    (listener) => uploadProgress.subscribe(clientMsgId, listener),
    () => uploadProgress.get(clientMsgId),
  );
}

/** An object URL for a blob, revoked when the blob changes or the component unmounts. */
export function useObjectUrl(blob: Blob | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) {
      setUrl(null);
      return;
    }
    const next = URL.createObjectURL(blob);
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [blob]);
  return url;
}

/** Saves a blob as a file where the user chooses, through the platform bridge: the
 * desktop's save dialog, or the browser's download. */
export function useSaveBlob(): (blob: Blob, fileName: string) => Promise<SaveFileResult> {
  const { bridge } = useApp();
  return useCallback(
    async (blob, fileName) =>
      bridge.saveFile({
        suggestedName: fileName,
        bytes: new Uint8Array(await blob.arrayBuffer()),
        ...(blob.type ? { mimeType: blob.type } : {}),
      }),
    [bridge],
  );
}
