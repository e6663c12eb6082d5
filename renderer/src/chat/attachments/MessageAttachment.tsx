// A message's image or file inside its bubble. An image takes its final size before any
// pixel loads (from the width and height the sender measured), shows the bytes when they
// are on this device and the thumbnail that came with the message until then, and opens
// full size on click. A file is a card with its name, size and a button to save it. An
// upload or download in progress shows how far it has gone.
import { useState } from 'react';
import { isInlineImageType } from '../../../../shared/attachments.ts';
import type { MessageAttachment as Attachment, LocalMessage } from '../../../sync/db.ts';
import {
  type AttachmentBytes,
  useAttachmentBytes,
  useObjectUrl,
  useSaveBlob,
  useUploadProgress,
} from '../../attachments/use-attachment.ts';
import {
  CloseIcon,
  DownloadIcon,
  FileIcon,
  ImageIcon,
  RetryIcon,
} from '../../components/icons.tsx';
import { UserText } from '../../components/UserText.tsx';
import { formatFileSize } from './file-size.ts';
import { ImageViewer } from './ImageViewer.tsx';
import { TransferProgress } from './TransferProgress.tsx';

const BOX_MAX = 320;
const BOX_MIN_WIDTH = 120;
/** A panorama is cropped rather than shown as a sliver. */
const BOX_MIN_HEIGHT = 60;
/** For an image whose size the sender did not say (an older client). */
const BOX_UNKNOWN = { width: 240, height: 180 } as const;

/** The CSS size of an image in the log: its own aspect ratio within 320×320, scaled down
 * and never past 320 on a side, at least 120 wide (a tiny image is scaled up). */
export function imageBoxSize(
  width: number | null,
  height: number | null,
): { width: number; height: number } {
  if (!width || !height || width <= 0 || height <= 0) return BOX_UNKNOWN;
  let scale = Math.min(1, BOX_MAX / width, BOX_MAX / height);
  if (width * scale < BOX_MIN_WIDTH) scale = BOX_MIN_WIDTH / width;
  return {
    width: Math.round(width * scale),
    height: Math.min(BOX_MAX, Math.max(BOX_MIN_HEIGHT, Math.round(height * scale))),
  };
}

/** Whether a message's attachment is shown as an image (else as a file card). */
export function isShownAsImage(message: LocalMessage, attachment: Attachment): boolean {
  return message.messageType === 'image' && isInlineImageType(attachment.contentType);
}

type Download = () => Promise<Blob | null>;

function DownloadFailure({ reason, onRetry }: { reason: string; onRetry(): void }) {
  return (
    <div className="attachment-failure" role="alert">
      <span>Not downloaded: {reason}</span>
      <button type="button" className="attachment-link" onClick={onRetry}>
        <RetryIcon size={13} /> Try again
      </button>
    </div>
  );
}

function ImageAttachment({
  attachment,
  bytes,
  download,
}: {
  attachment: Attachment;
  bytes: AttachmentBytes;
  download: Download;
}) {
  const [isViewing, setViewing] = useState(false);
  const [brokenSrc, setBrokenSrc] = useState<string | null>(null);
  const fullUrl = useObjectUrl(bytes.state === 'here' ? bytes.blob : null);
  const src = fullUrl ?? attachment.thumbnail;
  const box = imageBoxSize(attachment.width, attachment.height);
  const { fileName } = attachment;
  return (
    <>
      <button
        type="button"
        className="attachment-image"
        aria-label={`Open image ${fileName}`}
        style={{ width: box.width, aspectRatio: `${box.width} / ${box.height}` }}
        onClick={() => setViewing(true)}
      >
        {src && src !== brokenSrc ? (
          <img
            src={src}
            alt={fileName}
            className={fullUrl ? undefined : 'is-preview'}
            decoding="async"
            draggable={false}
            onError={() => setBrokenSrc(src)}
          />
        ) : (
          <span className="image-placeholder">
            <ImageIcon size={28} />
          </span>
        )}
      </button>
      {bytes.state === 'downloading' && (
        <TransferProgress
          label={`Downloading ${fileName}`}
          done={bytes.received}
          total={bytes.total}
        />
      )}
      {bytes.state === 'failed' && !isViewing && (
        <DownloadFailure reason={bytes.reason} onRetry={() => void download()} />
      )}
      {isViewing && (
        <ImageViewer
          fileName={fileName}
          thumbnail={attachment.thumbnail}
          bytes={bytes}
          download={download}
          onClose={() => setViewing(false)}
        />
      )}
    </>
  );
}

function FileCard({
  attachment,
  bytes,
  download,
}: {
  attachment: Attachment;
  bytes: AttachmentBytes;
  download: Download;
}) {
  const [saveError, setSaveError] = useState<string | null>(null);
  const saveBlob = useSaveBlob();
  const { fileName } = attachment;
  const isHere = bytes.state === 'here';
  // Someone's other device may show the message before the server has every byte.
  const canFetch = isHere || attachment.fileUrl !== null;

  const save = async () => {
    setSaveError(null);
    const blob = bytes.state === 'here' ? bytes.blob : await download();
    if (!blob) return;
    try {
      await saveBlob(blob, fileName);
    } catch (error) {
      setSaveError(error instanceof Error ? error.message : 'it could not be saved');
    }
  };

  return (
    <div className="file-card">
      <span className="file-icon">
        <FileIcon size={22} />
      </span>
      <span className="file-about">
        <span className="file-name" title={fileName}>
          <UserText text={fileName} />
        </span>
        <span className="file-size">{formatFileSize(attachment.size)}</span>
      </span>
      {bytes.state !== 'downloading' &&
        (canFetch ? (
          <button
            type="button"
            className="file-action"
            aria-label={`${isHere ? 'Save' : 'Download'} ${fileName}`}
            title={isHere ? 'Save' : 'Download'}
            onClick={() => void save()}
          >
            <DownloadIcon size={17} />
          </button>
        ) : (
          <span className="file-waiting">Uploading…</span>
        ))}
      {bytes.state === 'downloading' && (
        <TransferProgress
          label={`Downloading ${fileName}`}
          done={bytes.received}
          total={bytes.total}
        />
      )}
      {bytes.state === 'failed' && (
        <DownloadFailure reason={bytes.reason} onRetry={() => void save()} />
      )}
      {saveError && (
        <div className="attachment-failure" role="alert">
          Not saved: {saveError}
        </div>
      )}
    </div>
  );
}

export function MessageAttachment({
  message,
  attachment,
  onCancelUpload,
}: {
  message: LocalMessage;
  attachment: Attachment;
  onCancelUpload(): void;
}) {
  const { bytes, download } = useAttachmentBytes(message);
  const upload = useUploadProgress(message.clientMsgId);
  return (
    <div className="attachment">
      {isShownAsImage(message, attachment) ? (
        <ImageAttachment attachment={attachment} bytes={bytes} download={download} />
      ) : (
        <FileCard attachment={attachment} bytes={bytes} download={download} />
      )}
      {message.status === 'pending' && upload && (
        <div className="transfer-row">
          <TransferProgress
            label={`Uploading ${attachment.fileName}`}
            done={upload.sent}
            total={upload.total}
          />
          <button
            type="button"
            className="icon-button"
            aria-label={`Cancel uploading ${attachment.fileName}`}
            title="Cancel upload"
            onClick={onCancelUpload}
          >
            <CloseIcon size={14} />
          </button>
        </div>
      )}
    </div>
  );
}
