// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalGroup } from '../../sync/db.ts';
import {
  appServices,
  type ScriptedEngine,
  scriptedEngine,
  withApp,
} from '../test-support/app-harness.tsx';
import {
  aGroupConversation,
  aMember,
  freshDatabase,
  ME,
  OTHER,
  THIRD,
} from '../test-support/builders.ts';
import { GroupInfoDialog } from './GroupInfoDialog.tsx';

afterEach(cleanup);

const AS_MEMBER: Partial<LocalGroup> = {
  members: [
    aMember(ME, 'Me Myself'),
    aMember(OTHER, 'Bob Requester', 'admin'),
    aMember(THIRD, 'Carol Provider'),
  ],
};

function openInfo(group: Partial<LocalGroup> = {}) {
  const engine: ScriptedEngine = scriptedEngine();
  const services = appServices(freshDatabase().db, { engine });
  services.server = {
    ...services.server,
    searchPeople: async () => [
      { userId: OTHER, displayName: 'Bob Requester' },
      { userId: 9, displayName: 'Dora Newcomer' },
    ],
  };
  const conversation = aGroupConversation(group);
  const closed: string[] = [];
  const groupOf = conversation.group;
  if (!groupOf) throw new Error('a group conversation has a group');
  render(
    withApp(
      services,
      <GroupInfoDialog
        convKey={conversation.key}
        serverId={conversation.serverId}
        group={groupOf}
        onClose={() => closed.push('closed')}
      />,
    ),
  );
  return { dialog: screen.getByRole('dialog', { name: 'Group info' }), engine, closed };
}

/** Each member's row as heard: the avatar's initials are hidden from screen readers. */
const memberRows = (dialog: HTMLElement) =>
  within(within(dialog).getByRole('list', { name: 'Members' }))
    .getAllByRole('listitem')
    .map((item) =>
      [...item.children]
        .filter((part) => part.getAttribute('aria-hidden') !== 'true')
        .map((part) => part.textContent)
        .join(' '),
    );

describe('[§4a] a group’s info', () => {
  it('shows a member the roster with roles and "You", and no admin actions', () => {
    const { dialog } = openInfo(AS_MEMBER);
    expect(memberRows(dialog)).toEqual(['You', 'Bob Requester Admin', 'Carol Provider']);
    expect(within(dialog).queryByRole('button', { name: 'Rename group' })).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Add members' })).toBeNull();
    expect(within(dialog).queryByRole('button', { name: /from the group$/ })).toBeNull();
    expect(within(dialog).getByRole('button', { name: 'Leave group' })).toBeTruthy();
  });

  it('lets an admin rename the group', async () => {
    const { dialog, engine } = openInfo();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Rename group' }));
    const field = within(dialog).getByRole('textbox', { name: 'Group name' });
    expect(field).toHaveProperty('value', 'Lesson planning');
    fireEvent.change(field, { target: { value: ' Lesson plans ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(engine.calls).toContainEqual([
        'changeGroup',
        's20',
        { type: 'rename', title: 'Lesson plans' },
      ]),
    );
    expect(within(dialog).queryByRole('textbox', { name: 'Group name' })).toBeNull();
  });

  it('lets an admin add someone found by name, leaving out who is already in', async () => {
    const { dialog, engine } = openInfo();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add members' }));
    const adding = within(dialog).getByRole('region', { name: 'Add members' });
    fireEvent.change(within(adding).getByRole('searchbox', { name: 'Search people by name' }), {
      target: { value: 'do' },
    });
    fireEvent.click(await within(adding).findByRole('checkbox', { name: 'Dora Newcomer' }));
    expect(within(adding).queryByRole('checkbox', { name: 'Bob Requester' })).toBeNull();
    fireEvent.click(within(adding).getByRole('button', { name: 'Add to group' }));
    await waitFor(() =>
      expect(engine.calls).toContainEqual(['changeGroup', 's20', { type: 'add', userIds: [9] }]),
    );
  });

  it('lets an admin remove a member after asking', async () => {
    const { dialog, engine } = openInfo();
    expect(within(dialog).queryByRole('button', { name: 'Remove Me Myself from the group' })).toBe(
      null,
    );
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Remove Carol Provider from the group' }),
    );
    expect(engine.calls.some(([name]) => name === 'changeGroup')).toBe(false);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Yes, remove' }));
    await waitFor(() =>
      expect(engine.calls).toContainEqual([
        'changeGroup',
        's20',
        { type: 'remove', userId: THIRD },
      ]),
    );
  });

  it('asks before leaving, then leaves and closes', async () => {
    const { dialog, engine, closed } = openInfo(AS_MEMBER);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Leave group' }));
    expect(engine.calls.some(([name]) => name === 'changeGroup')).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Yes, leave' }));
    await waitFor(() => expect(closed).toEqual(['closed']));
    expect(engine.calls).toContainEqual(['changeGroup', 's20', { type: 'leave' }]);
  });

  it('says why the server refused the last change', () => {
    const { dialog } = openInfo({
      changeFailure: { code: 'FORBIDDEN', reason: 'only admins can rename the group' },
    });
    expect(within(dialog).getByRole('alert').textContent).toContain(
      'only admins can rename the group',
    );
  });

  it('offers nothing to change once this user is no longer a member', () => {
    const { dialog } = openInfo({ leftUpTo: 40, members: AS_MEMBER.members?.slice(1) ?? [] });
    expect(dialog.textContent).toContain('You’re no longer a member of this group.');
    expect(within(dialog).queryByRole('button', { name: 'Leave group' })).toBeNull();
    expect(within(dialog).queryByRole('button', { name: 'Rename group' })).toBeNull();
  });
});
