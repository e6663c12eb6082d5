// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalMessage, LocalReply } from '../../sync/db.ts';
import { aMessage, ME } from '../test-support/builders.ts';
import { formatClock } from '../time/format-time.ts';
import { type MessageActions, MessageBubble } from './MessageBubble.tsx';
import { messageLabel } from './message-label.ts';
import { quoteText } from './ReplyQuote.tsx';
import { whoReacted } from './reactions/reaction-summary.ts';

afterEach(cleanup);

function recordingActions() {
  const calls: string[] = [];
  const actions: MessageActions = {
    onEdit: (m: LocalMessage) => calls.push(`edit ${m.content}`),
    onDelete: (m: LocalMessage) => calls.push(`delete ${m.content}`),
    onRetry: () => calls.push('retry'),
    onDiscard: () => calls.push('discard'),
    onCancelUpload: () => calls.push('cancelUpload'),
    onReply: () => calls.push('reply'),
    onOpenReply: (reply) => calls.push(`openReply:${reply.messageId}`),
    onToggleReaction: (m: LocalMessage, emoji: string) => calls.push(`react ${emoji} ${m.content}`),
    onCopy: (m: LocalMessage) => calls.push(`copy ${m.content}`),
    onOpenLink: (href: string) => calls.push(`open ${href}`),
    onShowReceipts: (m: LocalMessage) => calls.push(`receipts ${m.content}`),
  };
  return { calls, actions };
}

function renderBubble(message: LocalMessage, isOwn: boolean, actions: MessageActions) {
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

describe('a message for screen readers', () => {
  it('is an article named after its sender, its time and its text', () => {
    const message = aMessage({ senderId: 2, content: 'see you\nthere' });
    renderBubble(message, false, recordingActions().actions);
    const time = formatClock(message.createdAt);
    expect(screen.getByRole('article', { name: `Bob, ${time}: see you there` })).toBeTruthy();
  });

  it('names a long message by its beginning and says when it was edited or deleted', () => {
    const base = { senderName: 'You', time: '10:42', isDeleted: false, isEdited: false };
    expect(messageLabel({ ...base, text: 'x'.repeat(500) })).toBe(
      `You, 10:42: ${'x'.repeat(160)}…`,
    );
    expect(messageLabel({ ...base, text: 'fixed', isEdited: true })).toBe(
      'You, 10:42: fixed (edited)',
    );
    expect(messageLabel({ ...base, text: '', isDeleted: true, isEdited: true })).toBe(
      'You, 10:42: message deleted',
    );
  });
});

describe('the per-message menu', () => {
  it('offers Reply, React, Copy text, Edit and Delete on one’s own message, behind one named button', () => {
    const { calls, actions } = recordingActions();
    const message = aMessage({ senderId: ME, content: 'hello' });
    renderBubble(message, true, actions);
    const time = formatClock(message.createdAt);
    const button = screen.getByRole('button', {
      name: `More actions for message from You at ${time}`,
    });
    expect(button.getAttribute('aria-haspopup')).toBe('menu');
    fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual([
      'Reply',
      'React',
      'Copy text',
      'Edit',
      'Delete',
    ]);
    expect(document.activeElement?.textContent).toBe('Reply');
    fireEvent.click(screen.getByRole('menuitem', { name: 'Edit' }));
    expect(calls).toEqual(['edit hello']);
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('offers only Reply, React and Copy text on someone else’s message', () => {
    const { calls, actions } = recordingActions();
    renderBubble(aMessage({ senderId: 2, content: 'theirs' }), false, actions);
    fireEvent.click(screen.getByRole('button', { name: /^More actions for message from Bob/ }));
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual([
      'Reply',
      'React',
      'Copy text',
    ]);
    fireEvent.click(screen.getByRole('menuitem', { name: 'Copy text' }));
    expect(calls).toEqual(['copy theirs']);
  });

  it('moves with the arrow keys and closes on Escape, focus back on its button', () => {
    renderBubble(aMessage({ senderId: ME }), true, recordingActions().actions);
    const button = screen.getByRole('button', { name: /^More actions/ });
    fireEvent.click(button);
    const menu = screen.getByRole('menu');
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement?.textContent).toBe('React');
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(document.activeElement?.textContent).toBe('Delete');
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('asks before deleting, with focus on the safe answer', () => {
    const { calls, actions } = recordingActions();
    renderBubble(aMessage({ senderId: ME, content: 'oops' }), true, actions);
    fireEvent.click(screen.getByRole('button', { name: /^More actions/ }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Delete' }));
    expect(screen.getByText('Delete for everyone?')).toBeTruthy();
    expect(document.activeElement?.textContent).toBe('Cancel');
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(calls).toEqual(['delete oops']);
  });
});

describe('links in a message', () => {
  it('opens a link through the platform, not by navigating, and leaves other schemes as text', () => {
    const { calls, actions } = recordingActions();
    renderBubble(
      aMessage({
        senderId: 2,
        content: 'docs at https://timenest.com/help or javascript:alert(1)',
      }),
      false,
      actions,
    );
    const link = screen.getByRole('link', { name: 'https://timenest.com/help' });
    expect(link.getAttribute('href')).toBe('https://timenest.com/help');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(link.closest('bdi')?.getAttribute('dir')).toBe('auto');
    expect(screen.getAllByRole('link')).toHaveLength(1);
    fireEvent.click(link);
    expect(calls).toEqual(['open https://timenest.com/help']);
  });
});

describe('[§4a] a reply in the log', () => {
  const quoted = (overrides: Partial<LocalReply> = {}): LocalReply => ({
    messageId: 41,
    clientMsgId: null,
    senderId: 2,
    messageType: 'text',
    preview: 'Is Tuesday fine?',
    fileName: null,
    isDeleted: false,
    ...overrides,
  });

  it('quotes its original’s sender and first line, and takes the log there when clicked', () => {
    const { calls, actions } = recordingActions();
    render(
      <MessageBubble
        message={aMessage({ senderId: ME, content: 'Tuesday works', replyTo: quoted() })}
        senderName="You"
        status="sent"
        isOwn
        isFirstInGroup
        isLastInGroup
        isTarget={false}
        actions={actions}
        quote={{ reply: quoted(), senderName: 'Bob' }}
      />,
    );
    const quote = screen.getByRole('button', {
      name: 'Reply to Bob: Is Tuesday fine?. Show the original',
    });
    fireEvent.click(quote);
    expect(calls).toEqual(['openReply:41']);
  });

  it('says when the original was deleted, and shows a photo by its kind', () => {
    expect(quoteText(quoted({ isDeleted: true, preview: '' }))).toBe('Original message deleted');
    expect(quoteText(quoted({ messageType: 'image', preview: '' }))).toBe('Photo');
    expect(quoteText(quoted({ messageType: 'file', preview: '', fileName: 'quote.pdf' }))).toBe(
      'quote.pdf',
    );
  });

  it('is offered from the menu', () => {
    const { calls, actions } = recordingActions();
    renderBubble(aMessage({ senderId: 2, content: 'theirs' }), false, actions);
    fireEvent.click(screen.getByRole('button', { name: /^More actions for message from Bob/ }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Reply' }));
    expect(calls).toEqual(['reply']);
  });
});

describe('[§4a] reactions on a message', () => {
  const people = { myUserId: ME, nameOf: (id: number) => (id === ME ? 'You' : 'Bob') };

  it('show each emoji with its count, pressed for one’s own, and toggle it', () => {
    const { calls, actions } = recordingActions();
    const message = aMessage({
      senderId: 2,
      content: 'lesson at 10',
      reactions: [
        { emoji: '👍', userIds: [2, ME] },
        { emoji: '🎉', userIds: [2] },
      ],
    });
    render(
      <MessageBubble
        message={message}
        senderName="Bob"
        status="sent"
        isOwn={false}
        isFirstInGroup
        isLastInGroup
        isTarget={false}
        actions={actions}
        people={people}
      />,
    );
    const mine = screen.getByRole('button', {
      name: '👍 2: You and Bob. Press to take yours back',
    });
    expect(mine.getAttribute('aria-pressed')).toBe('true');
    const theirs = screen.getByRole('button', { name: '🎉 1: Bob. Press to add yours' });
    expect(theirs.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(theirs);
    expect(calls).toEqual(['react 🎉 lesson at 10']);
  });

  it('are added from the menu with one of the usual six, and the picker closes on Escape', () => {
    const { calls, actions } = recordingActions();
    renderBubble(aMessage({ senderId: 2, content: 'theirs' }), false, actions);
    const menuButton = screen.getByRole('button', { name: /^More actions/ });
    fireEvent.click(menuButton);
    fireEvent.click(screen.getByRole('menuitem', { name: 'React' }));
    const picker = screen.getByRole('dialog', { name: 'React' });
    expect(document.activeElement?.getAttribute('aria-label')).toBe('React with 👍');
    fireEvent.click(screen.getByRole('button', { name: 'React with ❤️' }));
    expect(calls).toEqual(['react ❤️ theirs']);
    expect(screen.queryByRole('dialog', { name: 'React' })).toBeNull();
    fireEvent.click(menuButton);
    fireEvent.click(screen.getByRole('menuitem', { name: 'React' }));
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' });
    expect(screen.queryByRole('dialog', { name: 'React' })).toBeNull();
    expect(picker.isConnected).toBe(false);
  });
});

describe('who reacted, in words', () => {
  const nameOf = (id: number) => ['', 'You', 'Bob', 'Cleo', 'Dan', 'Eve'][id] ?? '?';
  it('names the user first as You, and counts the rest past three', () => {
    expect(whoReacted([2], ME, nameOf)).toBe('Bob');
    expect(whoReacted([2, ME], ME, nameOf)).toBe('You and Bob');
    expect(whoReacted([2, 3, ME], ME, nameOf)).toBe('You, Bob and Cleo');
    expect(whoReacted([2, 3, 4, 5], ME, nameOf)).toBe('Bob, Cleo and 2 others');
  });
});
