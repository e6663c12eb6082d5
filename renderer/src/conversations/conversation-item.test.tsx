// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalConversation } from '../../sync/db.ts';
import { appServices, withApp } from '../test-support/app-harness.tsx';
import {
  aConversation,
  aGroupConversation,
  freshDatabase,
  ME,
  OTHER,
} from '../test-support/builders.ts';
import { ConversationItem } from './ConversationItem.tsx';

afterEach(cleanup);

describe('a conversation row for screen readers', () => {
  it('is named by the text it shows, with its marks put into words', () => {
    const { db } = freshDatabase();
    render(
      withApp(
        appServices(db),
        <ConversationItem
          conversation={aConversation({
            otherDisplayName: 'Bob',
            unreadCount: 3,
            lastMessagePreview: 'see you',
            lastMessageSenderId: OTHER,
          })}
          myUserId={ME}
          isActive={false}
          isOnline
          now={new Date('2025-03-01T10:00:00.000Z')}
        />,
      ),
    );
    const row = screen.getByRole('link', { name: /^Bob\s*, online, 3 unread .*see you$/ });
    expect(row.getAttribute('aria-label')).toBeNull();
    db.close();
  });
});

describe('[§4a] a group in the list', () => {
  const now = new Date('2025-03-01T10:00:00.000Z');
  const row = (conversation: LocalConversation) => {
    const { db } = freshDatabase();
    render(
      withApp(
        appServices(db),
        <ConversationItem
          conversation={conversation}
          myUserId={ME}
          isActive={false}
          isOnline={false}
          now={now}
        />,
      ),
    );
    return screen.getByRole('link');
  };

  it('is named by its title, says how many are in it, and who wrote the last message', () => {
    const link = row(
      aGroupConversation({}, { lastMessagePreview: 'agenda?', lastMessageSenderId: OTHER }),
    );
    expect(link.textContent).toMatch(/^Lesson planning/);
    expect(link.textContent).toContain('3 members');
    expect(link.textContent).toContain('Bob Requester: agenda?');
    expect(link.getAttribute('href')).toBe(`/chat/${ME}?conversation_id=20`);
  });

  it('puts no name before a membership change, which says who made it itself', () => {
    // The device stores no sender for a system message as the list's last message.
    const link = row(
      aGroupConversation(
        {},
        { lastMessagePreview: 'Bob Requester added Dora', lastMessageSenderId: null },
      ),
    );
    expect(link.textContent).toContain('3 membersBob Requester added Dora');
    expect(link.textContent).not.toContain('Bob Requester: ');
  });
});
