// @vitest-environment happy-dom
// [bidi] Text someone typed is rendered isolated wherever the app shows it, so a name with
// a right-to-left override (U+202E) cannot reorder the app's own words around it.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatHeader } from '../chat/ChatHeader.tsx';
import { type MessageActions, MessageBubble } from '../chat/MessageBubble.tsx';
import { ConversationItem } from '../conversations/ConversationItem.tsx';
import { decideNotification } from '../notifications/notification-policy.ts';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../notifications/notification-settings.ts';
import { appServices, withApp } from '../test-support/app-harness.tsx';
import { aConversation, aMessage, freshDatabase, ME, OTHER } from '../test-support/builders.ts';

afterEach(cleanup);

const SPOOF_NAME = 'Bob\u202Egnp.exe';
const SPOOF_TITLE = 'Lessons\u202E 0 hours';
const conversation = aConversation({
  otherDisplayName: SPOOF_NAME,
  contextTitle: SPOOF_TITLE,
  lastMessagePreview: 'hi\u202E there',
  lastMessageSenderId: OTHER,
});
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

/** The element that holds exactly `text`, which must be an isolating one. */
function expectIsolated(text: string) {
  const holders = screen.getAllByText(text, { normalizer: (s) => s });
  for (const holder of holders) {
    expect(holder.tagName).toBe('BDI');
    expect(holder.getAttribute('dir')).toBe('auto');
  }
}

describe('[bidi] user text in the UI is isolated', () => {
  it('the conversation list isolates the name, the context title and the preview', () => {
    const { db } = freshDatabase();
    render(
      withApp(
        appServices(db),
        <ConversationItem
          conversation={conversation}
          myUserId={ME}
          isActive={false}
          isOnline={false}
          now={new Date('2025-03-01T10:00:00.000Z')}
        />,
      ),
    );
    expectIsolated(SPOOF_NAME);
    expectIsolated(SPOOF_TITLE);
    expectIsolated('hi\u202E there');
    db.close();
  });

  it('the chat header isolates the name and the context title', () => {
    const { db } = freshDatabase();
    render(withApp(appServices(db), <ChatHeader conversation={conversation} isTyping={false} />));
    expectIsolated(SPOOF_NAME);
    expectIsolated(SPOOF_TITLE);
    db.close();
  });

  it('a message bubble isolates the message text', () => {
    render(
      <MessageBubble
        message={aMessage({ content: 'see \u202Eattachment.pdf' })}
        senderName="Bob"
        status="sent"
        isOwn={false}
        isFirstInGroup
        isLastInGroup
        isTarget={false}
        actions={noActions}
      />,
    );
    expectIsolated('see \u202Eattachment.pdf');
  });
});

describe('[bidi] notification strings isolate what someone else wrote', () => {
  it('the title wraps the name in FSI…PDI, with the override closed inside it', () => {
    const { title, body } = decideNotification(
      { message: aMessage({ content: 'hello' }), conversation },
      DEFAULT_NOTIFICATION_SETTINGS,
      { myUserId: ME, activeConvKey: null, isWindowFocused: false },
      Date.now(),
    );
    expect(title).toBe(`\u2068${SPOOF_NAME}\u202C\u2069 · \u2068${SPOOF_TITLE}\u202C\u2069`);
    expect(body).toBe('\u2068hello\u2069');
  });
});
