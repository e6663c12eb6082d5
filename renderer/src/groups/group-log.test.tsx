// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatDatabase } from '../../sync/db.ts';
import { ChatView } from '../chat/ChatView.tsx';
import type { MessageActions } from '../chat/MessageBubble.tsx';
import { MessageLog } from '../chat/MessageLog.tsx';
import { appServices, withApp } from '../test-support/app-harness.tsx';
import {
  aGroupConversation,
  aMessage,
  freshDatabase,
  ME,
  OTHER,
  THIRD,
} from '../test-support/builders.ts';

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

const at = (minute: number) => `2025-03-01T09:${String(minute).padStart(2, '0')}:00.000Z`;

async function seed(db: ChatDatabase, conversation = aGroupConversation()) {
  await db.conversations.add(conversation);
  await db.messages.bulkAdd([
    aMessage({
      convKey: 's20',
      serverId: 30,
      senderId: ME,
      messageType: 'system',
      content: 'Me Myself added Carol Provider',
      createdAt: at(0),
    }),
    aMessage({
      convKey: 's20',
      serverId: 31,
      senderId: OTHER,
      content: 'hi all',
      createdAt: at(1),
    }),
    aMessage({
      convKey: 's20',
      serverId: 32,
      senderId: OTHER,
      content: 'agenda?',
      createdAt: at(2),
    }),
    aMessage({ convKey: 's20', serverId: 33, senderId: 77, content: 'bye', createdAt: at(3) }),
    aMessage({ convKey: 's20', serverId: 34, senderId: THIRD, content: 'hello', createdAt: at(4) }),
  ]);
  return conversation;
}

describe('[§4a] a group’s log', () => {
  it('shows a membership change as a notice, with no bubble and no menu', async () => {
    const { db } = freshDatabase();
    const conversation = await seed(db);
    render(
      withApp(
        appServices(db),
        <MessageLog conversation={conversation} jumpTo={null} actions={noActions} />,
      ),
    );
    const log = await screen.findByRole('log', { name: 'Messages' });
    const notice = await within(log).findByText('Me Myself added Carol Provider');
    expect(notice.closest('article')).toBeNull();
    expect(notice.closest('.bubble')).toBeNull();
    expect(
      within(log).queryByRole('button', { name: /^More actions for message from You/ }),
    ).toBeNull();
    db.close();
  });

  it('names the sender above the first message of each run, "Former member" when gone', async () => {
    const { db } = freshDatabase();
    const conversation = await seed(db);
    render(
      withApp(
        appServices(db),
        <MessageLog conversation={conversation} jumpTo={null} actions={noActions} />,
      ),
    );
    const log = await screen.findByRole('log', { name: 'Messages' });
    await within(log).findByText('hello');
    const shownNames = [...log.querySelectorAll('.sender-name')].map((n) => n.textContent);
    expect(shownNames).toEqual(['Bob Requester', 'Former member', 'Carol Provider']);
    // Each message is still named after its sender, whether or not the name shows.
    const senders = [...log.querySelectorAll('article')].map(
      (a) => a.getAttribute('aria-label')?.split(',')[0],
    );
    expect(senders).toEqual(['Bob Requester', 'Bob Requester', 'Former member', 'Carol Provider']);
    db.close();
  });

  it('replaces the composer with a notice once this user is no longer a member', async () => {
    const { db } = freshDatabase();
    const left = aGroupConversation({ leftUpTo: 34 });
    await seed(db, left);
    const services = appServices(db);
    // As a click in the list hands it over: the view opens without waiting for a read.
    services.recentConversations.set('20', left);
    render(
      withApp(
        services,
        <ChatView route={{ name: 'chat', userId: ME, conversationId: '20', messageId: null }} />,
      ),
    );
    const view = screen.getByRole('region', { name: 'Group Lesson planning' });
    expect(await within(view).findByText('You’re no longer a member of this group.')).toBeTruthy();
    expect(within(view).queryByRole('textbox')).toBeNull();
    expect(within(view).queryByRole('button', { name: /^Send/ })).toBeNull();
    // The history stays.
    expect(await within(view).findByText('agenda?')).toBeTruthy();
    db.close();
  });
});
