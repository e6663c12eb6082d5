// An image at full size, over the whole window: a modal dialog named after the file, with
// Save and Close. It fetches the image if it is not on this device yet (showing the
// thumbnail meanwhile). Escape, Close or a click beside the image closes it, and focus
// goes back to what opened it.
import { type KeyboardEvent, type SyntheticEvent, useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import {
  type AttachmentBytes,
  useObjectUrl,
  useSaveBlob,
} from '../../attachments/use-attachment.ts';
import { CloseIcon, DownloadIcon, RetryIcon } from '../../components/icons.tsx';
import { UserText } from '../../components/UserText.tsx';
import { TransferProgress } from './TransferProgress.tsx';

interface ImageViewerProps {
  fileName: string;
  thumbnail: string | null;
  bytes: AttachmentBytes;
  download(): Promise<Blob | null>;
  onClose(): void;
}

export function ImageViewer({ fileName, thumbnail, bytes, download, onClose }: ImageViewerProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  const titleId = useId();
  const [saveError, setSaveError] = useState<string | null>(null);
  const saveBlob = useSaveBlob();
  const blob = bytes.state === 'here' ? bytes.blob : null;
  const url = useObjectUrl(blob);

  // Opened for the image: fetch it once; a failure waits for "Try again".
  const hasAsked = useRef(false);
  useEffect(() => {
    if (bytes.state !== 'not-here' || hasAsked.current) return;
    hasAsked.current = true;
    void download();
  }, [bytes.state, download]);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const element = dialog.current;
    // A modal dialog: the rest of the window is inert until it closes.
    if (element && !element.open && typeof element.showModal === 'function') element.showModal();
    closeButton.current?.focus();
    // A click on the dark space around the image, not on the image or the bar.
    const onClick = (event: MouseEvent) => {
      if (event.target === element || event.target === stage.current) close.current();
    };
    element?.addEventListener('click', onClick);
    return () => {
      element?.removeEventListener('click', onClick);
      if (element?.open) element.close();
      opener?.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Escape') return;
    // Handled here, so that the conversation's own Escape (back to the list) does not run.
    event.preventDefault();
    event.stopPropagation();
    close.current();
  };
  // The browser's own cancel (Escape it saw first, a back gesture): closed through React.
  const onCancel = (event: SyntheticEvent<HTMLDialogElement>) => {
    event.preventDefault();
    close.current();
  };

  const save = async () => {
    if (!blob) return;
    setSaveError(null);
    try {
      await saveBlob(blob, fileName);
    } catch (error) {
      setSaveError(error instanceof Error ? error.message : 'it could not be saved');
    }
  };

  return createPortal(
    <dialog
      ref={dialog}
      className="image-viewer"
      aria-modal="true"
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
      onCancel={onCancel}
    >
      <div className="viewer-bar">
        <h2 id={titleId} className="viewer-title">
          <UserText text={fileName} />
        </h2>
        <button
          type="button"
          className="viewer-button"
          disabled={!blob}
          onClick={() => void save()}
        >
          <DownloadIcon size={16} /> Save
        </button>
        <button
          ref={closeButton}
          type="button"
          className="viewer-button"
          aria-label="Close"
          title="Close (Esc)"
          onClick={() => close.current()}
        >
          <CloseIcon size={18} />
        </button>
      </div>
      {saveError && (
        <div className="viewer-message" role="alert">
          Not saved: {saveError}
        </div>
      )}
      <div ref={stage} className="viewer-stage">
        {url ? (
          <img className="viewer-image" src={url} alt={fileName} />
        ) : (
          <>
            {thumbnail && (
              <img className="viewer-image is-preview" src={thumbnail} alt={fileName} />
            )}
            <div className="viewer-status">
              {bytes.state === 'failed' ? (
                <div className="viewer-message" role="alert">
                  <span>Not downloaded: {bytes.reason}</span>
                  <button type="button" className="viewer-button" onClick={() => void download()}>
                    <RetryIcon size={15} /> Try again
                  </button>
                </div>
              ) : bytes.state === 'downloading' ? (
                <TransferProgress
                  label={`Downloading ${fileName}`}
                  done={bytes.received}
                  total={bytes.total}
                />
              ) : (
                <span className="spinner" role="progressbar" aria-label={`Loading ${fileName}`} />
              )}
            </div>
          </>
        )}
      </div>
    </dialog>,
    document.body,
  );
}
