// The "New chat" button in the sidebar's header and the dialog it opens; focus returns
// to the button when the dialog closes.
import { useRef, useState } from 'react';
import { PlusIcon } from '../components/icons.tsx';
import { NewChatDialog } from './NewChatDialog.tsx';

export function NewChatButton() {
  const [isOpen, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <div className="new-chat-anchor">
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label="New chat"
        title="New chat"
        aria-expanded={isOpen}
        onClick={() => setOpen((open) => !open)}
      >
        <PlusIcon size={18} />
      </button>
      {isOpen && (
        <NewChatDialog
          onClose={() => {
            setOpen(false);
            button.current?.focus();
          }}
        />
      )}
    </div>
  );
}
