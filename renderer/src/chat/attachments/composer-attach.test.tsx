// @vitest-environment happy-dom
import {
  act,
  cleanup,
  createEvent,
  fireEvent,
  render,
  screen,
  waitFor,
} from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatDatabase } from '../../../sync/db.ts';
import { freshDatabase } from '../../test-support/builders.ts';
import { Composer, type ComposerHandle } from '../Composer.tsx';
import type { Refusal } from './prepare-attachment.ts';

let db: ChatDatabase | null = null;
afterEach(() => {
  cleanup();
  db?.close();
});

interface Attached {
  names: string[];
  caption: string;
}

/** A composer whose attachments are recorded; files named in `refuse` are not sent. */
async function renderComposer(refuse: string[] = []) {
  db = freshDatabase().db;
  const attached: Attached[] = [];
  const handle = createRef<ComposerHandle>();
  const onAttach = async (files: File[], caption: string): Promise<Refusal[]> => {
    attached.push({ names: files.map((file) => file.name), caption });
    return files
      .filter((file) => refuse.includes(file.name))
      .map((file) => ({ fileName: file.name, reason: 'programs and scripts cannot be sent' }));
  };
  const view = render(
    <Composer
      ref={handle}
      db={db}
      convKey="s10"
      editing={null}
      onSend={async () => {}}
      onSaveEdit={async () => {}}
      onCancelEdit={() => {}}
      onAttach={onAttach}
    />,
  );
  await waitFor(() => expect(box().placeholder).toBe('Write a message'));
  const picker = view.container.querySelector<HTMLInputElement>('input[type="file"]');
  if (!picker) throw new Error('no file input');
  return { attached, handle, picker };
}

const box = () => screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
const aFile = (name: string, type = 'application/pdf') => new File(['x'], name, { type });

async function choose(picker: HTMLInputElement, files: File[]) {
  await act(async () => {
    fireEvent.change(picker, { target: { files } });
  });
}

describe('attaching files in the composer', () => {
  it('opens the file picker, for several files at once, from a button named "Attach files"', async () => {
    const { picker } = await renderComposer();
    let isOpened = false;
    picker.click = () => {
      isOpened = true;
    };
    fireEvent.click(screen.getByRole('button', { name: 'Attach files' }));
    expect(isOpened).toBe(true);
    expect(picker.multiple).toBe(true);
  });

  it('sends one file with what was typed as its caption, and empties the box', async () => {
    const { attached, picker } = await renderComposer();
    fireEvent.change(box(), { target: { value: 'the lease, signed' } });
    await choose(picker, [aFile('Lease.pdf')]);
    expect(attached).toEqual([{ names: ['Lease.pdf'], caption: 'the lease, signed' }]);
    expect(box().value).toBe('');
  });

  it('sends several files without a caption, leaving what was typed', async () => {
    const { attached, picker } = await renderComposer();
    fireEvent.change(box(), { target: { value: 'still writing' } });
    await choose(picker, [aFile('a.pdf'), aFile('b.pdf')]);
    expect(attached).toEqual([{ names: ['a.pdf', 'b.pdf'], caption: '' }]);
    expect(box().value).toBe('still writing');
  });

  it('names a refused file and why in an alert, and gives its caption back', async () => {
    const { picker } = await renderComposer(['setup.exe']);
    fireEvent.change(box(), { target: { value: 'install this' } });
    await choose(picker, [aFile('setup.exe', '')]);
    expect(screen.getByRole('alert').textContent).toBe(
      '“setup.exe” was not sent: programs and scripts cannot be sent.',
    );
    expect(box().value).toBe('install this');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('attaches a pasted screenshot, and pastes text that comes with a picture of it', async () => {
    const { attached } = await renderComposer();
    const screenshot = aFile('image.png', 'image/png');
    const clipboard = (text: string) => ({
      files: [screenshot],
      types: text ? ['Files', 'text/plain'] : ['Files'],
      getData: () => text,
    });
    const pasteOf = (text: string) => {
      const event = createEvent.paste(box());
      Object.defineProperty(event, 'clipboardData', { value: clipboard(text) });
      return event;
    };
    const withText = pasteOf('Q3 totals');
    fireEvent(box(), withText);
    expect(withText.defaultPrevented).toBe(false);
    const alone = pasteOf('');
    await act(async () => {
      fireEvent(box(), alone);
    });
    expect(alone.defaultPrevented).toBe(true);
    expect(attached).toEqual([{ names: ['image.png'], caption: '' }]);
  });

  it('attaches files dropped on the chat as the paperclip does', async () => {
    const { attached, handle } = await renderComposer();
    fireEvent.change(box(), { target: { value: 'from the trip' } });
    await act(async () => {
      handle.current?.attach([aFile('photo.pdf')]);
    });
    expect(attached).toEqual([{ names: ['photo.pdf'], caption: 'from the trip' }]);
  });
});
