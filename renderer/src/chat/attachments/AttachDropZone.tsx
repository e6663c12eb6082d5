// The chat as a drop target: while files are dragged over it, it says "Drop files to
// send"; a drop hands them on. Text or links dragged from a page are left alone.
import { type DragEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { PaperclipIcon } from '../../components/icons.tsx';
import { isFileDrag } from './transfer-files.ts';

export function AttachDropZone({
  onFiles,
  isDisabled = false,
  children,
}: {
  onFiles(files: File[]): void;
  isDisabled?: boolean;
  children: ReactNode;
}) {
  const [isOver, setOver] = useState(false);
  // Entering a child fires enter on it before leave on its parent: count the depth.
  const depth = useRef(0);

  const accepts = (event: DragEvent) => !isDisabled && isFileDrag(event.dataTransfer);

  // A file dropped just beside the zone would otherwise be opened by the browser in place
  // of the app: outside it, a file drag shows "no drop" and its drop does nothing.
  useEffect(() => {
    const refuse = (event: globalThis.DragEvent) => {
      if (event.defaultPrevented || !event.dataTransfer || !isFileDrag(event.dataTransfer)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'none';
    };
    window.addEventListener('dragover', refuse);
    window.addEventListener('drop', refuse);
    return () => {
      window.removeEventListener('dragover', refuse);
      window.removeEventListener('drop', refuse);
    };
  }, []);

  const onDragEnter = (event: DragEvent<HTMLDivElement>) => {
    if (!accepts(event)) return;
    event.preventDefault();
    depth.current += 1;
    setOver(true);
  };
  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    if (!accepts(event)) return;
    // Cancelled: a drop is allowed here, as a copy.
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = (event: DragEvent<HTMLDivElement>) => {
    if (!accepts(event)) return;
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setOver(false);
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    depth.current = 0;
    setOver(false);
    if (!accepts(event)) return;
    event.preventDefault();
    const files = Array.from(event.dataTransfer.files);
    if (files.length > 0) onFiles(files);
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dragging files is a pointer gesture; the paperclip is its keyboard way
    <div
      className="drop-zone"
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      {children}
      {isOver && (
        <div className="drop-overlay" aria-hidden="true">
          <PaperclipIcon size={28} />
          <span>Drop files to send</span>
        </div>
      )}
    </div>
  );
}
