// "Leave group", asked once more: after leaving, the history stays on this device and
// nothing more can be written in the group.
import { useEffect, useRef, useState } from 'react';

export function LeaveGroupButton({ onLeave }: { onLeave(): void }) {
  const [isConfirming, setConfirming] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (isConfirming) cancel.current?.focus();
    else if (wasConfirming.current) opener.current?.focus();
    wasConfirming.current = isConfirming;
  }, [isConfirming]);

  if (!isConfirming) {
    return (
      <button
        ref={opener}
        type="button"
        className="button secondary danger-text"
        onClick={() => setConfirming(true)}
      >
        Leave group
      </button>
    );
  }
  return (
    <div className="leave-confirm">
      <p>You will stop getting this group’s messages. What is already here stays.</p>
      <div className="inline-confirm">
        <button type="button" className="button danger small" onClick={onLeave}>
          Yes, leave
        </button>
        <button
          ref={cancel}
          type="button"
          className="button ghost small"
          onClick={() => setConfirming(false)}
        >
          Cancel
        </button>
      </div>
    </div>
  );
}
