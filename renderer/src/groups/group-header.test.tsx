// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatHeader, groupTypingText } from '../chat/ChatHeader.tsx';
import { appServices, scriptedEngine, withApp } from '../test-support/app-harness.tsx';
import { aGroupConversation, freshDatabase } from '../test-support/builders.ts';

afterEach(cleanup);

function renderHeader(isTyping = false, typingNames: string[] = []) {
  const opened: string[] = [];
  const engine = scriptedEngine();
  // Whatever the presence stream says about user 0, a group has no one other person.
  engine.getOnlineUsers = () => new Set([0]);
  render(
    withApp(
      appServices(freshDatabase().db, { engine }),
      <ChatHeader
        conversation={aGroupConversation()}
        isTyping={isTyping}
        typingNames={typingNames}
        onOpenGroupInfo={() => opened.push('info')}
      />,
    ),
  );
  return { header: screen.getByRole('banner'), opened };
}

describe('[§4a] a group’s chat header', () => {
  it('shows the title, how many are in it and who, with no online dot', () => {
    const { header } = renderHeader();
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Lesson planning');
    expect(header.textContent).toContain('3 members');
    expect(header.textContent).toContain('Bob Requester, Carol Provider');
    expect(header.querySelector('.presence-dot')).toBeNull();
  });

  it('opens the group’s info from its title and from Group info', () => {
    const { opened } = renderHeader();
    fireEvent.click(screen.getByRole('button', { name: 'Lesson planning' }));
    fireEvent.click(screen.getByRole('button', { name: 'Group info' }));
    expect(opened).toEqual(['info', 'info']);
  });

  it('says who is typing in a group, by name, and how many when it is more than two', () => {
    renderHeader(true, ['Bob Requester']);
    expect(screen.getByText('Bob Requester is typing')).toBeTruthy();
    expect(groupTypingText(['Ada', 'Ben'])).toBe('Ada and Ben are typing');
    expect(groupTypingText(['Ada', 'Ben', 'Cleo'])).toBe('3 people are typing');
  });
});
