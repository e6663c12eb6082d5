// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublicUser } from '../../../shared/model.ts';
import { NewChatButton } from '../conversations/NewChatButton.tsx';
import {
  appServices,
  memoryNavigator,
  type ScriptedEngine,
  scriptedEngine,
  withApp,
} from '../test-support/app-harness.tsx';
import { freshDatabase, ME } from '../test-support/builders.ts';

afterEach(cleanup);

const ADA: PublicUser = { userId: 7, displayName: 'Ada Lovelace' };
const ALAN: PublicUser = { userId: 8, displayName: 'Alan Turing' };

function openNewGroup(engine: ScriptedEngine = scriptedEngine()) {
  const services = appServices(freshDatabase().db, { engine });
  services.server = { ...services.server, searchPeople: async () => [ADA, ALAN] };
  const navigator = memoryNavigator();
  render(withApp(services, <NewChatButton />, navigator));
  fireEvent.click(screen.getByRole('button', { name: 'New chat' }));
  fireEvent.click(screen.getByRole('button', { name: 'New group' }));
  const dialog = screen.getByRole('dialog', { name: 'New group' });
  return { dialog, engine, navigator };
}

function findPeople(dialog: HTMLElement) {
  fireEvent.change(within(dialog).getByRole('searchbox', { name: 'Search people by name' }), {
    target: { value: 'al' },
  });
}

describe('[§4a] creating a group', () => {
  it('keeps Create group disabled until the group has a name and two other people', async () => {
    const { dialog } = openNewGroup();
    const create = within(dialog).getByRole('button', { name: 'Create group' });
    expect(document.activeElement).toBe(
      within(dialog).getByRole('textbox', { name: 'Group name' }),
    );
    expect(create).toHaveProperty('disabled', true);
    expect(dialog.textContent).toContain('Add a group name and 2 more people.');

    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Group name' }), {
      target: { value: 'Lesson planning' },
    });
    findPeople(dialog);
    fireEvent.click(await within(dialog).findByRole('checkbox', { name: 'Ada Lovelace' }));
    expect(create).toHaveProperty('disabled', true);
    expect(dialog.textContent).toContain('Add 1 more person.');

    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Alan Turing' }));
    expect(create).toHaveProperty('disabled', false);

    // A chosen person's chip removes them again, and the form asks for one more.
    const chips = within(dialog).getByRole('list', { name: 'Chosen people' });
    fireEvent.click(within(chips).getByRole('button', { name: 'Remove Alan Turing' }));
    expect(create).toHaveProperty('disabled', true);
    expect(within(dialog).getByRole('checkbox', { name: 'Alan Turing' })).toHaveProperty(
      'checked',
      false,
    );

    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Alan Turing' }));
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Group name' }), {
      target: { value: '   ' },
    });
    expect(create).toHaveProperty('disabled', true);
    expect(dialog.textContent).toContain('Add a group name.');
  });

  it('creates the group with the chosen people, closes, and opens it', async () => {
    const { dialog, engine, navigator } = openNewGroup();
    fireEvent.change(within(dialog).getByRole('textbox', { name: 'Group name' }), {
      target: { value: '  Lesson planning ' },
    });
    findPeople(dialog);
    fireEvent.click(await within(dialog).findByRole('checkbox', { name: 'Ada Lovelace' }));
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Alan Turing' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create group' }));

    await waitFor(() => expect(navigator.history).toHaveLength(2));
    expect(engine.calls).toContainEqual([
      'createGroup',
      {
        title: 'Lesson planning',
        members: [ADA, ALAN],
        conversationType: 'general',
        contextId: null,
        contextTitle: null,
      },
    ]);
    expect(navigator.history.at(-1)).toBe(`/chat/${ME}?conversation_id=group-key`);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('says that finding people needs a connection while offline', () => {
    const engine = scriptedEngine();
    engine.setStatus({ connectivity: 'offline' });
    const { dialog } = openNewGroup(engine);
    expect(dialog.textContent).toContain('finding people needs a connection');
  });

  it('removes the last chosen person with Backspace in the empty search', async () => {
    const { dialog } = openNewGroup();
    findPeople(dialog);
    fireEvent.click(await within(dialog).findByRole('checkbox', { name: 'Ada Lovelace' }));
    const box = within(dialog).getByRole('searchbox', { name: 'Search people by name' });
    fireEvent.change(box, { target: { value: '' } });
    fireEvent.keyDown(box, { key: 'Backspace' });
    expect(within(dialog).queryByRole('list', { name: 'Chosen people' })).toBeNull();
  });

  it('closes on Escape with focus back on New chat', () => {
    const { dialog } = openNewGroup();
    act(() => {
      fireEvent.keyDown(dialog, { key: 'Escape' });
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'New chat' }));
  });
});
