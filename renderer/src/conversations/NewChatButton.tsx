// The "New chat" button in the sidebar's header and what it opens: the New chat popover,
// and from it the New group dialog. Focus returns to the button when either closes.
import { useRef, useState } from 'react';
import { PlusIcon } from '../components/icons.tsx';
import { NewGroupDialog } from '../groups/NewGroupDialog.tsx';
import { NewChatDialog } from './NewChatDialog.tsx';

type Open = 'nothing' | 'chat' | 'group';

export function NewChatButton() {
  const [open, setOpen] = useState<Open>('nothing');
  const button = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen('nothing');
    button.current?.focus();
  };
  return (
    <div className="new-chat-anchor">
      <button
        ref={button}
        type="button"
        className="icon-button"
        aria-label="New chat"
        title="New chat"
        aria-expanded={open === 'chat'}
        onClick={() => setOpen((was) => (was === 'chat' ? 'nothing' : 'chat'))}
      >
        <PlusIcon size={18} />
      </button>
      {open === 'chat' && <NewChatDialog onClose={close} onNewGroup={() => setOpen('group')} />}
      {open === 'group' && <NewGroupDialog onClose={close} returnFocus={button} />}
    </div>
  );
}
