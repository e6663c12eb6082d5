// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachDropZone } from './AttachDropZone.tsx';

afterEach(cleanup);

function renderZone(isDisabled = false) {
  const dropped: string[][] = [];
  render(
    <AttachDropZone
      isDisabled={isDisabled}
      onFiles={(files) => dropped.push(files.map((file) => file.name))}
    >
      <p>the conversation</p>
    </AttachDropZone>,
  );
  return { dropped, chat: screen.getByText('the conversation') };
}

const carrying = (files: File[]) => ({ dataTransfer: { types: ['Files'], files } });
const photo = new File(['jpeg'], 'beach.jpg', { type: 'image/jpeg' });

describe('dropping files on the chat', () => {
  it('says "Drop files to send" while files are over it, and hands on what is dropped', () => {
    const { dropped, chat } = renderZone();
    fireEvent.dragEnter(chat, carrying([photo]));
    expect(screen.getByText('Drop files to send')).toBeTruthy();
    fireEvent.drop(chat, carrying([photo]));
    expect(dropped).toEqual([['beach.jpg']]);
    expect(screen.queryByText('Drop files to send')).toBeNull();
  });

  it('keeps the overlay while the drag moves between its children, and drops it on leaving', () => {
    const { chat } = renderZone();
    fireEvent.dragEnter(chat.parentElement as HTMLElement, carrying([photo]));
    fireEvent.dragEnter(chat, carrying([photo]));
    fireEvent.dragLeave(chat.parentElement as HTMLElement, carrying([photo]));
    expect(screen.getByText('Drop files to send')).toBeTruthy();
    fireEvent.dragLeave(chat, carrying([photo]));
    expect(screen.queryByText('Drop files to send')).toBeNull();
  });

  it('leaves text or a link dragged from a page alone', () => {
    const { dropped, chat } = renderZone();
    const text = { dataTransfer: { types: ['text/plain'], files: [] } };
    fireEvent.dragEnter(chat, text);
    expect(screen.queryByText('Drop files to send')).toBeNull();
    fireEvent.drop(chat, text);
    expect(dropped).toEqual([]);
  });

  it('takes no files where the conversation cannot be written in', () => {
    const { dropped, chat } = renderZone(true);
    fireEvent.dragEnter(chat, carrying([photo]));
    expect(screen.queryByText('Drop files to send')).toBeNull();
    fireEvent.drop(chat, carrying([photo]));
    expect(dropped).toEqual([]);
  });
});
