// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalStatus } from '../../../shared/sync/status.ts';
import { displayedStatus } from '../../sync/marks.ts';
import { SyncIndicator } from '../sync-state/SyncIndicator.tsx';
import { describeSync } from '../sync-state/sync-label.ts';
import {
  appServices,
  recordingBridge,
  scriptedEngine,
  withApp,
} from '../test-support/app-harness.tsx';
import { aConversation, aMessage, freshDatabase, ME, OTHER } from '../test-support/builders.ts';
import { type MessageActions, MessageBubble } from './MessageBubble.tsx';
import { MessageStatus } from './MessageStatus.tsx';

afterEach(cleanup);

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

describe('own message status', () => {
  it.each<[LocalStatus, string]>([
    ['pending', 'Pending'],
    ['sent', 'Sent'],
    ['delivered', 'Delivered'],
    ['read', 'Read'],
    ['failed', 'Failed'],
  ])('%s is named exactly "%s"', (status, name) => {
    render(<MessageStatus status={status} />);
    expect(screen.getByRole('img', { name }).getAttribute('aria-label')).toBe(name);
  });

  it('tells sent, delivered and read apart by shape: one circle, two outlined, two filled', () => {
    const { container } = render(
      <>
        <MessageStatus status="pending" />
        <MessageStatus status="sent" />
        <MessageStatus status="delivered" />
        <MessageStatus status="read" />
      </>,
    );
    const shapes = [...container.querySelectorAll('.message-status svg')].map(
      (svg) => svg.getAttribute('data-shape') ?? svg.querySelectorAll('circle, path').length,
    );
    expect(shapes).toEqual([2, '1-outlined', '2-outlined', '2-filled']);
    expect(new Set(shapes).size).toBe(4);
  });

  it('shows the status only on one’s own messages', () => {
    render(
      <MessageBubble
        message={aMessage({ senderId: 2 })}
        senderName="Bob"
        status="sent"
        isOwn={false}
        isFirstInGroup
        isLastInGroup
        isTarget={false}
        actions={noActions}
      />,
    );
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('[S3.5] shows one’s own synced message as far as the recipient’s watermarks go', () => {
    const conversation = aConversation({
      members: [{ userId: OTHER, deliveredUpTo: 8, readUpTo: 5 }],
    });
    const bubble = (serverId: number) => {
      const message = aMessage({ senderId: ME, serverId });
      return (
        <MessageBubble
          key={serverId}
          message={message}
          senderName="You"
          status={displayedStatus(message, conversation, ME)}
          isOwn
          isFirstInGroup
          isLastInGroup
          isTarget={false}
          actions={noActions}
        />
      );
    };
    render(<div>{[5, 8, 9].map(bubble)}</div>);
    expect(screen.getAllByRole('img').map((icon) => icon.getAttribute('aria-label'))).toEqual([
      'Read',
      'Delivered',
      'Sent',
    ]);
  });

  it('offers Retry and Discard on a failed message, with the reason', () => {
    const calls: string[] = [];
    const message = aMessage({
      senderId: ME,
      status: 'failed',
      serverId: null,
      failure: { code: 'NOT_FOUND', reason: 'no such user' },
    });
    render(
      <MessageBubble
        message={message}
        senderName="You"
        status="failed"
        isOwn
        isFirstInGroup
        isLastInGroup
        isTarget={false}
        actions={{
          ...noActions,
          onRetry: () => calls.push('retry'),
          onDiscard: () => calls.push('discard'),
          onCancelUpload: () => calls.push('cancelUpload'),
          onReply: () => calls.push('reply'),
          onOpenReply: () => calls.push('openReply'),
          onToggleReaction: () => calls.push('toggleReaction'),
        }}
      />,
    );
    expect(screen.getByRole('img', { name: 'Failed' })).toBeTruthy();
    expect(screen.getByText(/could not be created/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(calls).toEqual(['retry', 'discard']);
  });

  it('shows "edited" and "message deleted"', () => {
    render(
      <>
        <MessageBubble
          message={aMessage({ senderId: ME, isEdited: true, content: 'fixed typo' })}
          senderName="You"
          status="sent"
          isOwn
          isFirstInGroup
          isLastInGroup
          isTarget={false}
          actions={noActions}
        />
        <MessageBubble
          message={aMessage({ senderId: ME, isDeleted: true, content: '' })}
          senderName="You"
          status="sent"
          isOwn
          isFirstInGroup
          isLastInGroup
          isTarget={false}
          actions={noActions}
        />
      </>,
    );
    expect(screen.getByText('edited')).toBeTruthy();
    expect(screen.getByText('message deleted')).toBeTruthy();
    // A deleted message has nothing left to copy, edit or delete.
    expect(
      screen.getAllByRole('button', { name: /^More actions for message from You/ }),
    ).toHaveLength(1);
  });
});

describe('sync state', () => {
  const status = {
    connectivity: 'online' as const,
    pendingCount: 0,
    failedCount: 0,
    lastError: null,
    lastSyncedAt: 1,
  };

  it('says Offline and how many wait', () => {
    expect(describeSync({ ...status, connectivity: 'offline', pendingCount: 3 }, true).text).toBe(
      'Offline · 3 pending',
    );
  });

  it('trusts the platform’s offline signal before the engine notices', () => {
    expect(describeSync(status, false)).toEqual({ tone: 'offline', text: 'Offline' });
  });

  it('says Syncing… and counts failures', () => {
    expect(describeSync({ ...status, connectivity: 'syncing', failedCount: 1 }, true)).toEqual({
      tone: 'failed',
      text: 'Syncing… · 1 failed',
    });
  });

  it('is a live status region that follows the engine and the network', async () => {
    const { db } = freshDatabase();
    const engine = scriptedEngine();
    const bridge = recordingBridge();
    render(withApp(appServices(db, { engine, bridge }), <SyncIndicator />));
    expect(screen.getByRole('status').textContent).toBe('Online');
    act(() => engine.setStatus({ connectivity: 'offline', pendingCount: 3 }));
    expect((await screen.findByRole('status')).textContent).toBe('Offline · 3 pending');
    expect(screen.getByRole('link', { name: 'View outbox' })).toBeTruthy();
    db.close();
  });
});
