// A message's text with its links live. It stays one isolated run (a <bdi>, as all user
// text is); a link opens through the platform bridge, never by navigating the app.
import { Fragment, useMemo } from 'react';
import { splitMessageLinks } from './message-links.ts';

interface MessageTextProps {
  text: string;
  onOpenLink(href: string): void;
}

export function MessageText({ text, onOpenLink }: MessageTextProps) {
  const parts = useMemo(() => {
    let offset = 0;
    return splitMessageLinks(text).map((part) => {
      const key = offset;
      offset += part.text.length;
      return { key, part };
    });
  }, [text]);
  return (
    <bdi className="message-text" dir="auto">
      {parts.map(({ key, part }) =>
        part.kind === 'text' ? (
          <Fragment key={key}>{part.text}</Fragment>
        ) : (
          <a
            key={key}
            href={part.href}
            target="_blank"
            rel="noopener noreferrer"
            onClick={(event) => {
              event.preventDefault();
              onOpenLink(part.href);
            }}
          >
            {part.text}
          </a>
        ),
      )}
    </bdi>
  );
}
