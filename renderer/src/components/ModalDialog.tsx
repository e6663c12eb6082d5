// A modal dialog over the window, as the image viewer is one: the native <dialog> opened
// with showModal, so the rest of the window is inert and focus stays inside. Named by its
// heading; Escape or Close closes it, and focus goes back to what opened it.
import {
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
  type SyntheticEvent,
  useEffect,
  useId,
  useRef,
} from 'react';
import { createPortal } from 'react-dom';
import { CloseIcon } from './icons.tsx';

interface ModalDialogProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  className?: string;
  /** What takes focus when it opens; the Close button otherwise. */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Where focus goes when it closes, if what opened it is gone by then (a popover's
   * button); what opened it otherwise. */
  returnFocus?: RefObject<HTMLElement | null>;
}

export function ModalDialog({
  title,
  onClose,
  children,
  className,
  initialFocus,
  returnFocus,
}: ModalDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  const focusFirst = useRef(initialFocus);
  const focusAfter = useRef(returnFocus);
  const titleId = useId();

  useEffect(() => {
    const focused = document.activeElement;
    const opener = focused instanceof HTMLElement && focused !== document.body ? focused : null;
    const element = dialog.current;
    if (element && !element.open && typeof element.showModal === 'function') element.showModal();
    (focusFirst.current?.current ?? closeButton.current)?.focus();
    return () => {
      if (element?.open) element.close();
      // Only now: while the dialog was open, the rest of the window could not take focus.
      (opener?.isConnected ? opener : focusAfter.current?.current)?.focus();
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

  return createPortal(
    <dialog
      ref={dialog}
      className={`modal${className ? ` ${className}` : ''}`}
      aria-modal="true"
      aria-labelledby={titleId}
      onKeyDown={onKeyDown}
      onCancel={onCancel}
    >
      <div className="modal-header">
        <h2 id={titleId} className="modal-title">
          {title}
        </h2>
        <button
          ref={closeButton}
          type="button"
          className="icon-button"
          aria-label="Close"
          title="Close (Esc)"
          onClick={() => close.current()}
        >
          <CloseIcon size={16} />
        </button>
      </div>
      <div className="modal-body">{children}</div>
    </dialog>,
    document.body,
  );
}
