// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReceiptDetails } from '../../../shared/groups.ts';
import type { MessageActions } from '../chat/MessageBubble.tsx';
import { MessageLog } from '../chat/MessageLog.tsx';
import { appServices, scriptedEngine, withApp } from '../test-support/app-harness.tsx';
import {
  aGroupConversation,
  aMember,
  aMessage,
  freshDatabase,
  ME,
  OTHER,
  THIRD,
} from '../test-support/builders.ts';
import { formatClock } from '../time/format-time.ts';
import { ReadByDialog } from './ReadByDialog.tsx';

afterEach(cleanup);

const FOURTH = 4;
const mine = aMessage({ senderId: ME, serverId: 50, content: 'Lesson at 10?' });
/** Bob read it, Carol has it, Dan has not got it yet. */
const conversation = aGroupConversation(
  {
    members: [
      aMember(ME, 'Me Myself', 'admin'),
      aMember(OTHER, 'Bob Requester'),
      aMember(THIRD, 'Carol Provider'),
      aMember(FOURTH, 'Dan Later'),
    ],
  },
  {
    members: [
      { userId: ME, deliveredUpTo: 50, readUpTo: 50 },
      { userId: OTHER, deliveredUpTo: 50, readUpTo: 50 },
      { userId: THIRD, deliveredUpTo: 51, readUpTo: 49 },
      { userId: FOURTH, deliveredUpTo: 10, readUpTo: 10 },
      // Someone who left: not counted among the members now.
      { userId: 99, deliveredUpTo: 60, readUpTo: 60 },
    ],
  },
);

function openReadBy(details: ReceiptDetails | null) {
  const engine = scriptedEngine();
  engine.receiptDetails = async () => details;
  render(
    withApp(
      appServices(freshDatabase().db, { engine }),
      <ReadByDialog message={mine} conversation={conversation} onClose={() => {}} />,
    ),
  );
  return screen.getByRole('dialog', { name: 'Read by' });
}

const rows = (dialog: HTMLElement) =>
  within(within(dialog).getByRole('list', { name: 'Members' }))
    .getAllByRole('listitem')
    .map((item) =>
      [...item.children]
        .filter((part) => part.getAttribute('aria-hidden') !== 'true')
        .map((part) => part.textContent)
        .join(': '),
    );

describe('[§3.5] receipts of one’s own message in a group', () => {
  it('lists each other member from this device’s marks, saying times need a connection', async () => {
    const dialog = openReadBy(null);
    expect(within(dialog).getByText('Read by 1 of 3')).toBeTruthy();
    expect(rows(dialog)).toEqual([
      'Bob Requester: Read',
      'Carol Provider: Delivered',
      'Dan Later: Not yet',
    ]);
    expect(await within(dialog).findByText('Times need a connection.')).toBeTruthy();
  });

  it('lists when each member read or got it, as the server tells', async () => {
    const readAt = '2025-03-01T09:05:00.000Z';
    const deliveredAt = '2025-03-01T09:01:00.000Z';
    const dialog = openReadBy({
      messageId: 50,
      members: [
        {
          userId: OTHER,
          displayName: 'Bob Requester',
          isDelivered: true,
          isRead: true,
          deliveredAt,
          readAt,
        },
        {
          userId: THIRD,
          displayName: 'Carol Provider',
          isDelivered: true,
          isRead: false,
          deliveredAt,
          readAt: null,
        },
        {
          userId: FOURTH,
          displayName: 'Dan Later',
          isDelivered: false,
          isRead: false,
          deliveredAt: null,
          readAt: null,
        },
      ],
    });
    await waitFor(() => expect(rows(dialog)[0]).toContain(formatClock(readAt)));
    const shown = rows(dialog);
    expect(shown[0]).toMatch(/^Bob Requester: Read .*/);
    expect(shown[1]).toMatch(/^Carol Provider: Delivered .*/);
    expect(shown[2]).toBe('Dan Later: Not yet');
    expect(within(dialog).queryByText('Times need a connection.')).toBeNull();
  });

  it('opens from "Read by k of n" in the menu of one’s own message in the log', async () => {
    const opened: string[] = [];
    const actions: MessageActions = {
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
      onShowReceipts: (message) => opened.push(message.content),
    };
    const { db } = freshDatabase();
    await db.conversations.add(conversation);
    await db.messages.add({ ...mine, convKey: conversation.key });
    render(
      withApp(
        appServices(db),
        <MessageLog conversation={conversation} jumpTo={null} actions={actions} />,
      ),
    );
    // The log's rows stay hidden from the accessibility tree until measured, which a test
    // DOM never does: found by their labels instead.
    const log = await screen.findByRole('log', { name: 'Messages' });
    await within(log).findByText('Lesson at 10?');
    const menuButton = log.querySelector<HTMLElement>(
      '[aria-label^="More actions for message from You"]',
    );
    if (!menuButton) throw new Error('no menu on one’s own message');
    fireEvent.click(menuButton);
    const item = within(log).getByText('Read by 1 of 3');
    expect(item.getAttribute('role')).toBe('menuitem');
    fireEvent.click(item);
    expect(opened).toEqual(['Lesson at 10?']);
    db.close();
  });
});
