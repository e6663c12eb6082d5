// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LocalMessage, MessageAttachment } from '../../../sync/db.ts';
import type { AttachmentBytes, UploadProgress } from '../../attachments/use-attachment.ts';
import { aMessage, ME } from '../../test-support/builders.ts';
import { type MessageActions, MessageBubble } from '../MessageBubble.tsx';
import { imageBoxSize } from './MessageAttachment.tsx';

// What this device holds of the attachment, set by each test; the hooks read it.
const device = vi.hoisted(() => ({
  bytes: { state: 'not-here' } as AttachmentBytes,
  upload: null as UploadProgress | null,
  fetched: null as Blob | null,
  downloads: 0,
  saved: [] as string[],
}));

vi.mock('../../attachments/use-attachment.ts', () => {
  const download = async () => {
    device.downloads += 1;
    return device.fetched;
  };
  return {
    useAttachmentBytes: () => ({ bytes: device.bytes, download }),
    useUploadProgress: () => device.upload,
    useObjectUrl: (blob: Blob | null) => (blob ? 'blob:the-full-image' : null),
    useSaveBlob: () => async (_blob: Blob, fileName: string) => {
      device.saved.push(fileName);
      return 'saved';
    },
  };
});

const MB = 1024 * 1024;
const THUMBNAIL = 'data:image/webp;base64,UklGRg==';

function anAttachment(overrides: Partial<MessageAttachment> = {}): MessageAttachment {
  return {
    fileName: 'beach.jpg',
    size: 5 * MB,
    contentType: 'image/jpeg',
    width: 4000,
    height: 3000,
    thumbnail: THUMBNAIL,
    fileUrl: '/api/v1/attachments/0123456789abcdef0123456789abcdef',
    ...overrides,
  };
}

function anImageMessage(overrides: Partial<LocalMessage> = {}): LocalMessage {
  return aMessage({ messageType: 'image', content: '', attachment: anAttachment(), ...overrides });
}

function aFileMessage(overrides: Partial<LocalMessage> = {}): LocalMessage {
  const attachment = anAttachment({
    fileName: 'Lease 2026.pdf',
    size: 2.4 * MB,
    contentType: 'application/pdf',
    width: null,
    height: null,
    thumbnail: null,
  });
  return aMessage({ messageType: 'file', content: '', attachment, ...overrides });
}

const noActions: MessageActions = {
  onEdit() {},
  onDelete() {},
  onRetry() {},
  onDiscard() {},
  onCancelUpload() {},
  onReply() {},
  onOpenReply() {},
  onToggleReaction() {},
  onCopy() {},
  onOpenLink() {},
  onShowReceipts() {},
};

function renderBubble(
  message: LocalMessage,
  isOwn = message.senderId === ME,
  actions: MessageActions = noActions,
) {
  return render(
    <MessageBubble
      message={message}
      senderName={isOwn ? 'You' : 'Bob'}
      status="sent"
      isOwn={isOwn}
      isFirstInGroup
      isLastInGroup
      isTarget={false}
      actions={actions}
    />,
  );
}

beforeEach(() => {
  device.bytes = { state: 'not-here' };
  device.upload = null;
  device.fetched = null;
  device.downloads = 0;
  device.saved = [];
});
afterEach(cleanup);

describe('an image in the log', () => {
  it('has its final size before any pixel loads, from the sender’s width and height', () => {
    renderBubble(anImageMessage());
    const button = screen.getByRole('button', { name: 'Open image beach.jpg' });
    expect(button.style.width).toBe('320px');
    expect(button.style.aspectRatio).toBe('320 / 240');
  });

  it('fits 320×320, is at least 120 wide, and crops what is too thin to show', () => {
    expect(imageBoxSize(3000, 4000)).toEqual({ width: 240, height: 320 });
    expect(imageBoxSize(50, 40)).toEqual({ width: 120, height: 96 });
    expect(imageBoxSize(10_000, 100)).toEqual({ width: 320, height: 60 });
    expect(imageBoxSize(100, 10_000)).toEqual({ width: 120, height: 320 });
    expect(imageBoxSize(null, null)).toEqual({ width: 240, height: 180 });
  });

  it('shows the thumbnail, softened, until the image itself is on this device', () => {
    const { unmount } = renderBubble(anImageMessage());
    const preview = screen.getByRole('img', { name: 'beach.jpg' });
    expect(preview.getAttribute('src')).toBe(THUMBNAIL);
    expect(preview.classList.contains('is-preview')).toBe(true);
    unmount();
    device.bytes = { state: 'here', blob: new Blob(['jpeg']) };
    renderBubble(anImageMessage());
    const full = screen.getByRole('img', { name: 'beach.jpg' });
    expect(full.getAttribute('src')).toBe('blob:the-full-image');
    expect(full.classList.contains('is-preview')).toBe(false);
  });

  it('is named for screen readers by the image and its caption', () => {
    const message = anImageMessage({ senderId: 2, content: 'the view from here' });
    renderBubble(message);
    expect(
      screen.getByRole('article', { name: /^Bob, .*: Image beach\.jpg: the view from here$/ }),
    ).toBeTruthy();
    expect(screen.getByText('the view from here')).toBeTruthy();
  });
});

describe('a pending upload', () => {
  it('shows a progress bar named after the file, and how much has gone', () => {
    device.upload = { sent: 1.2 * MB, total: 5 * MB };
    renderBubble(anImageMessage({ senderId: ME, serverId: null }));
    const bar = screen.getByRole('progressbar', { name: 'Uploading beach.jpg' });
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    expect(bar.getAttribute('aria-valuenow')).toBe('24');
    expect(screen.getByText('1.2 of 5.0 MB')).toBeTruthy();
  });

  it('can be cancelled from beside its progress bar', () => {
    device.upload = { sent: 1.2 * MB, total: 5 * MB };
    const cancelled: string[] = [];
    const message = anImageMessage({ senderId: ME, serverId: null, status: 'pending' });
    renderBubble(message, true, {
      ...noActions,
      onCancelUpload: (m) => cancelled.push(m.clientMsgId),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Cancel uploading beach.jpg' }));
    expect(cancelled).toEqual([message.clientMsgId]);
  });

  it('shows no upload once the message is sent', () => {
    device.upload = { sent: 5 * MB, total: 5 * MB };
    renderBubble(anImageMessage({ senderId: ME }));
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});

describe('a file in the log', () => {
  it('is a card with its name and size, offering to download it', async () => {
    device.fetched = new Blob(['%PDF']);
    renderBubble(aFileMessage());
    expect(screen.getByTitle('Lease 2026.pdf')).toBeTruthy();
    expect(screen.getByText('2.4 MB')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Download Lease 2026.pdf' }));
    });
    expect(device.downloads).toBe(1);
    expect(device.saved).toEqual(['Lease 2026.pdf']);
  });

  it('offers to save a copy when the file is already on this device', async () => {
    device.bytes = { state: 'here', blob: new Blob(['%PDF']) };
    renderBubble(aFileMessage({ senderId: ME }));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save Lease 2026.pdf' }));
    });
    expect(device.downloads).toBe(0);
    expect(device.saved).toEqual(['Lease 2026.pdf']);
  });

  it('shows a download as it goes, and a failed one with why and a way to try again', async () => {
    device.bytes = { state: 'downloading', received: 1 * MB, total: 2.4 * MB };
    const { unmount } = renderBubble(aFileMessage());
    expect(screen.getByRole('progressbar', { name: 'Downloading Lease 2026.pdf' })).toBeTruthy();
    unmount();
    device.bytes = { state: 'failed', reason: 'the server could not be reached' };
    renderBubble(aFileMessage());
    expect(screen.getByRole('alert').textContent).toContain('the server could not be reached');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    });
    expect(device.downloads).toBe(1);
  });
});

describe('what can be done with an attachment message', () => {
  it('offers to edit the caption of one’s own image and to delete it, and nothing to copy without a caption', () => {
    renderBubble(anImageMessage({ senderId: ME }));
    fireEvent.click(screen.getByRole('button', { name: /^More actions/ }));
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual([
      'Reply',
      'React',
      'Edit caption',
      'Delete',
    ]);
  });

  it('shows only the tombstone once deleted', () => {
    renderBubble(anImageMessage({ senderId: ME, isDeleted: true }));
    expect(screen.getByText('message deleted')).toBeTruthy();
    expect(screen.queryByRole('img', { name: 'beach.jpg' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Open image/ })).toBeNull();
  });
});

describe('the image viewer', () => {
  it('opens as a dialog named after the file, fetching the image, and closes on Escape', async () => {
    device.fetched = new Blob(['jpeg']);
    renderBubble(anImageMessage());
    const opener = screen.getByRole('button', { name: 'Open image beach.jpg' });
    opener.focus();
    fireEvent.click(opener);
    const dialog = await screen.findByRole('dialog', { name: 'beach.jpg' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(device.downloads).toBe(1));
    expect(screen.getByRole('progressbar', { name: 'Loading beach.jpg' })).toBeTruthy();

    // Escape is the viewer's: it must not also take the user out of the conversation.
    const unhandled: string[] = [];
    const onWindowKey = (event: KeyboardEvent) => {
      if (!event.defaultPrevented) unhandled.push(event.key);
    };
    window.addEventListener('keydown', onWindowKey);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    window.removeEventListener('keydown', onWindowKey);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(unhandled).toEqual([]);
    expect(document.activeElement).toBe(opener);
  });

  it('shows the full image once it is here and saves it', async () => {
    device.bytes = { state: 'here', blob: new Blob(['jpeg']) };
    renderBubble(anImageMessage());
    fireEvent.click(screen.getByRole('button', { name: 'Open image beach.jpg' }));
    const dialog = await screen.findByRole('dialog', { name: 'beach.jpg' });
    const image = dialog.querySelector('img');
    expect(image?.getAttribute('src')).toBe('blob:the-full-image');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    });
    expect(device.saved).toEqual(['beach.jpg']);
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(device.downloads).toBe(0);
  });
});
