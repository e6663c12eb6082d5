// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { appServices, withApp } from '../test-support/app-harness.tsx';
import { aConversation, freshDatabase, ME, OTHER } from '../test-support/builders.ts';
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
