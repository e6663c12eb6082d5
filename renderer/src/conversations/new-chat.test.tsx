// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appServices,
  memoryNavigator,
  type ScriptedEngine,
  withApp,
} from '../test-support/app-harness.tsx';
import { freshDatabase } from '../test-support/builders.ts';
import { NewChatButton } from './NewChatButton.tsx';

afterEach(cleanup);

describe('[§4a] starting a chat with a person', () => {
  it('finds people as one types, opens a general chat with the one chosen, and closes', async () => {
    const services = appServices(freshDatabase().db, {});
    const searched: string[] = [];
    services.server = {
      ...services.server,
      searchPeople: async (query) => {
        searched.push(query);
        return [{ userId: 7, displayName: 'Ada Lovelace' }];
      },
    };
    const navigator = memoryNavigator();
    render(withApp(services, <NewChatButton />, navigator));
    const opener = screen.getByRole('button', { name: 'New chat' });
    fireEvent.click(opener);
    const box = screen.getByRole('searchbox', { name: 'Search people by name' });
    expect(document.activeElement).toBe(box);
    fireEvent.change(box, { target: { value: 'a' } });
    fireEvent.change(box, { target: { value: 'ada' } });
    fireEvent.click(await screen.findByRole('button', { name: 'Ada Lovelace' }));
    // One search for what was typed once the typing paused; none for a single letter.
    expect(searched).toEqual(['ada']);
    const engine = services.engine as ScriptedEngine;
    await waitFor(() => expect(navigator.history).toHaveLength(2));
    expect(engine.calls).toContainEqual([
      'openConversation',
      {
        otherUserId: 7,
        otherDisplayName: 'Ada Lovelace',
        conversationType: 'general',
        contextId: null,
        contextTitle: null,
      },
    ]);
    expect(navigator.history.at(-1)).toMatch(/^\/chat\/7\?conversation_id=/);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('closes on Escape with focus back on New chat', () => {
    render(withApp(appServices(freshDatabase().db, {}), <NewChatButton />));
    const opener = screen.getByRole('button', { name: 'New chat' });
    fireEvent.click(opener);
    fireEvent.keyDown(screen.getByRole('searchbox'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
