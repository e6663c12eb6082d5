// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatDatabase } from '../../sync/db.ts';
import { freshDatabase } from '../test-support/builders.ts';
import { Composer } from './Composer.tsx';

let db: ChatDatabase | null = null;
afterEach(() => {
  cleanup();
  db?.close();
});

function renderComposer(database: ChatDatabase, convKey: string, sent: string[] = []) {
  return render(
    <Composer
      db={database}
      convKey={convKey}
      editing={null}
      onSend={async (text) => void sent.push(text)}
      onSaveEdit={async () => {}}
      onCancelEdit={() => {}}
    />,
  );
}

const box = () => screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;

describe('composer drafts', () => {
  it('keeps what was typed across an unmount and a database restart', async () => {
    const device = freshDatabase();
    db = device.db;
    const first = renderComposer(db, 's10');
    await waitFor(() => expect(box().placeholder).toBe('Write a message'));
    fireEvent.change(box(), { target: { value: 'See you at 10' } });
    first.unmount();
    await waitFor(async () =>
      expect((await device.db.drafts.get('s10'))?.text).toBe('See you at 10'),
    );
    device.db.close();
    db = device.reopen();
    renderComposer(db, 's10');
    await waitFor(() => expect(box().value).toBe('See you at 10'));
  });

  it('keeps what is typed before the stored draft has loaded', async () => {
    db = freshDatabase().db;
    renderComposer(db, 's12');
    // Typed at once, as a fast user (or a test) does when the conversation opens.
    fireEvent.change(box(), { target: { value: 'typed right away' } });
    await waitFor(() => expect(box().placeholder).toBe('Write a message'));
    expect(box().value).toBe('typed right away');
  });

  it('keeps drafts apart per conversation', async () => {
    db = freshDatabase().db;
    await db.drafts.put({ convKey: 's11', text: 'for Carol', updatedAt: 1 });
    renderComposer(db, 's10');
    await waitFor(() => expect(box().placeholder).toBe('Write a message'));
    expect(box().value).toBe('');
    cleanup();
    renderComposer(db, 's11');
    await waitFor(() => expect(box().value).toBe('for Carol'));
  });
});

describe('composer keys and limits', () => {
  it('sends on Enter, not on Shift+Enter, and forgets the draft after sending', async () => {
    db = freshDatabase().db;
    const sent: string[] = [];
    renderComposer(db, 's10', sent);
    await waitFor(() => expect(box().placeholder).toBe('Write a message'));
    fireEvent.change(box(), { target: { value: 'line one' } });
    fireEvent.keyDown(box(), { key: 'Enter', shiftKey: true });
    expect(sent).toEqual([]);
    await act(async () => {
      fireEvent.keyDown(box(), { key: 'Enter' });
    });
    await waitFor(() => expect(sent).toEqual(['line one']));
    expect(box().value).toBe('');
    expect(await db.drafts.get('s10')).toBeUndefined();
  });

  it('shows a counter near the limit and offers to split text over it', async () => {
    db = freshDatabase().db;
    const sent: string[] = [];
    renderComposer(db, 's10', sent);
    await waitFor(() => expect(box().placeholder).toBe('Write a message'));
    fireEvent.change(box(), { target: { value: 'a'.repeat(9_500) } });
    expect(screen.getByText('9,500 / 10,000')).toBeTruthy();
    const long = `${'word '.repeat(2_500)}`.trim();
    fireEvent.change(box(), { target: { value: long } });
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Send as 2 messages' }));
    });
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent.join(' ')).toBe(long);
    expect(sent.every((part) => part.length <= 10_000)).toBe(true);
  });
});

describe('[§5 text] the composer sends what the server will store', () => {
  it('drops invisible control characters and sends NFC', async () => {
    db = freshDatabase().db;
    const sent: string[] = [];
    renderComposer(db, 's10', sent);
    await waitFor(() => expect(box().placeholder).toBe('Write a message'));
    fireEvent.change(box(), { target: { value: 'cafe\u0301\u0000 at\t10\u0007\r\nok? ' } });
    await act(async () => {
      fireEvent.keyDown(box(), { key: 'Enter' });
    });
    await waitFor(() => expect(sent).toEqual(['café at\t10\nok?']));
  });

  it('treats text of nothing but control characters as blank', async () => {
    db = freshDatabase().db;
    const sent: string[] = [];
    renderComposer(db, 's10', sent);
    await waitFor(() => expect(box().placeholder).toBe('Write a message'));
    fireEvent.change(box(), { target: { value: '\u0000\u0008 \u009B' } });
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('a send that fails shows why and gives the text back', async () => {
    db = freshDatabase().db;
    render(
      <Composer
        db={db}
        convKey="s10"
        editing={null}
        onSend={async () => {
          throw new Error('the message must not be empty');
        }}
        onSaveEdit={async () => {}}
        onCancelEdit={() => {}}
      />,
    );
    await waitFor(() => expect(box().placeholder).toBe('Write a message'));
    fireEvent.change(box(), { target: { value: 'keep me' } });
    await act(async () => {
      fireEvent.keyDown(box(), { key: 'Enter' });
    });
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'Not sent: the message must not be empty.',
      ),
    );
    expect(box().value).toBe('keep me');
  });
});

describe('[§4a] replying from the composer', () => {
  it('names the message being answered, takes focus, and Escape or ✕ stops replying', async () => {
    db = freshDatabase().db;
    const cancelled: string[] = [];
    render(
      <Composer
        db={db}
        convKey="s10"
        editing={null}
        onSend={async () => {}}
        onSaveEdit={async () => {}}
        onCancelEdit={() => {}}
        replyingTo={{ senderName: 'Bob', text: 'Is Tuesday fine?' }}
        onCancelReply={() => cancelled.push('cancel')}
      />,
    );
    expect(screen.getByText(/Replying to/).textContent).toBe('Replying to Bob: Is Tuesday fine?');
    await waitFor(() => expect(document.activeElement).toBe(box()));
    fireEvent.keyDown(box(), { key: 'Escape' });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel reply' }));
    expect(cancelled).toEqual(['cancel', 'cancel']);
  });
});
