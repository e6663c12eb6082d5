// Choosing a reaction: the usual six at once, and every emoji (emoji-picker-react, with
// its search and recent emojis, loaded on first use) behind "More". A dialog: it opens
// with focus on the first emoji, Escape closes it, and focus goes back where it was.
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { QUICK_REACTIONS } from './reaction-summary.ts';

const EmojiPicker = lazy(() => import('emoji-picker-react'));

export function ReactionPicker({
  onPick,
  onClose,
}: {
  onPick(emoji: string): void;
  onClose(): void;
}) {
  const [isShowingAll, setShowingAll] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  const returnTo = useRef<Element | null>(null);

  useEffect(() => {
    returnTo.current = document.activeElement;
    dialog.current?.querySelector<HTMLElement>('button')?.focus();
    return () => {
      if (returnTo.current instanceof HTMLElement) returnTo.current.focus();
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      // The full picker takes Escape first to clear its search.
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      event.preventDefault();
      event.stopPropagation();
      onClose();
    };
    const onPointer = (event: MouseEvent) => {
      if (!dialog.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('mousedown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('mousedown', onPointer);
    };
  }, [onClose]);

  const pick = (emoji: string) => {
    onPick(emoji);
    onClose();
  };

  return (
    <div className="reaction-picker" role="dialog" aria-label="React" ref={dialog}>
      <div className="reaction-quick">
        {QUICK_REACTIONS.map((emoji) => (
          <button
            key={emoji}
            type="button"
            className="reaction-quick-button"
            aria-label={`React with ${emoji}`}
            onClick={() => pick(emoji)}
          >
            {emoji}
          </button>
        ))}
        {!isShowingAll && (
          <button type="button" className="button ghost small" onClick={() => setShowingAll(true)}>
            More…
          </button>
        )}
      </div>
      {isShowingAll && (
        <Suspense fallback={<p className="muted">Loading emojis…</p>}>
          <EmojiPicker
            autoFocusSearch
            emojiStyle="native"
            theme="auto"
            suggestedEmojisMode="recent"
            lazyLoadEmojis
            previewConfig={{ showPreview: false }}
            width="100%"
            height={360}
            onEmojiClick={(data) => pick(data.emoji)}
          />
        </Suspense>
      )}
    </div>
  );
}
