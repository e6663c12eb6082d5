// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScheduledView as ServerView } from '../../../shared/scheduled.ts';
import type { LocalScheduled } from '../../sync/db.ts';
import { appServices, scriptedEngine, withApp } from '../test-support/app-harness.tsx';
import { aConversation, freshDatabase } from '../test-support/builders.ts';
import { ScheduledPage } from './ScheduledView.tsx';
import { toLocalInputValue } from './schedule-time.ts';

afterEach(cleanup);

const HOUR = 3_600_000;

function aScheduled(patch: Partial<LocalScheduled> = {}): LocalScheduled {
  const dueAt = new Date(Date.now() + 2 * HOUR).toISOString();
  const base = {
    clientMsgId: crypto.randomUUID(),
    convKey: 's10',
    content: 'Lesson at ten',
    dueAt,
    state: 'scheduled' as const,
    failure: null,
  };
  const confirmed: ServerView = {
    clientMsgId: base.clientMsgId,
    conversationId: 10,
    content: patch.content ?? base.content,
    dueAt: patch.dueAt ?? dueAt,
    state: patch.state ?? 'scheduled',
    messageId: null,
    sentAt: null,
    failure: null,
    updatedAt: new Date().toISOString(),
  };
  return { ...base, confirmed, ...patch };
}

/** The page with these rows, as the view reads them: soonest first. */
async function showScheduled(rows: LocalScheduled[]) {
  const { db } = freshDatabase();
  const engine = scriptedEngine();
  const conversation = aConversation();
  const entries = [...rows]
    .sort((a, b) => (a.dueAt < b.dueAt ? -1 : 1))
    .map((row) => ({ row, conversation }));
  render(withApp(appServices(db, { engine }), <ScheduledPage entries={entries} />));
  const list = await screen.findByRole('list', { name: 'Scheduled messages' });
  return { engine, list };
}

const itemSaying = (list: HTMLElement, text: string) => {
  const item = within(list)
    .getAllByRole('listitem')
    .find((li) => li.textContent?.includes(text));
  if (!item) throw new Error(`no scheduled message saying ${text}`);
  return item;
};

describe('[§4a] the Scheduled view', () => {
  it('lists scheduled messages, soonest first, with whom and when', async () => {
    const { list } = await showScheduled([
      aScheduled({ content: 'later one', dueAt: new Date(Date.now() + 5 * HOUR).toISOString() }),
      aScheduled({ content: 'sooner one', dueAt: new Date(Date.now() + HOUR).toISOString() }),
    ]);
    const items = within(list).getAllByRole('listitem');
    expect(items.map((i) => i.querySelector('.outbox-text')?.textContent)).toEqual([
      'sooner one',
      'later one',
    ]);
    expect(
      within(items[0] as HTMLElement).getByRole('link', { name: 'Bob Requester' }),
    ).toBeTruthy();
    expect(items[0]?.querySelector('time')?.textContent).toMatch(/^(Today|Tomorrow) at /);
    expect(screen.getByText('2 waiting to be sent')).toBeTruthy();
  });

  it('Edit changes the words in a labelled dialog, refusing blank ones', async () => {
    const row = aScheduled();
    const { engine, list } = await showScheduled([row]);
    fireEvent.click(
      within(itemSaying(list, 'Lesson at ten')).getByRole('button', { name: 'Edit' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Edit scheduled message' });
    const field = within(dialog).getByRole('textbox', { name: 'Message' });
    expect(document.activeElement).toBe(field);
    fireEvent.change(field, { target: { value: '   ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByRole('alert').textContent).toBe('Write something to send.');
    fireEvent.change(field, { target: { value: 'Lesson at eleven' } });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    });
    expect(engine.calls).toContainEqual([
      'changeScheduled',
      row.clientMsgId,
      { content: 'Lesson at eleven' },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('Reschedule takes a new time in the future', async () => {
    const row = aScheduled();
    const { engine, list } = await showScheduled([row]);
    fireEvent.click(
      within(itemSaying(list, 'Lesson at ten')).getByRole('button', { name: 'Reschedule' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Reschedule message' });
    const field = within(dialog).getByLabelText('Send at') as HTMLInputElement;
    expect(field.value).toBe(toLocalInputValue(new Date(row.dueAt)));
    fireEvent.change(field, { target: { value: toLocalInputValue(new Date(Date.now() - HOUR)) } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Reschedule' }));
    expect(within(dialog).getByRole('alert').textContent).toBe('Choose a time in the future.');
    const next = new Date(Date.now() + 30 * HOUR);
    next.setSeconds(0, 0);
    fireEvent.change(field, { target: { value: toLocalInputValue(next) } });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Reschedule' }));
    });
    expect(engine.calls).toContainEqual(['changeScheduled', row.clientMsgId, { dueAt: next }]);
  });

  it('Send now sends it at once', async () => {
    const row = aScheduled();
    const { engine, list } = await showScheduled([row]);
    fireEvent.click(
      within(itemSaying(list, 'Lesson at ten')).getByRole('button', { name: 'Send now' }),
    );
    await waitFor(() => expect(engine.calls).toContainEqual(['sendScheduledNow', row.clientMsgId]));
  });

  it('Cancel asks first, with focus on keeping it, then cancels and leaves focus on the page', async () => {
    const row = aScheduled();
    const { engine, list } = await showScheduled([row]);
    const item = itemSaying(list, 'Lesson at ten');
    fireEvent.click(within(item).getByRole('button', { name: 'Cancel' }));
    expect(within(item).getByText('Cancel this message? It will not be sent.')).toBeTruthy();
    expect(document.activeElement).toBe(within(item).getByRole('button', { name: 'Keep it' }));
    fireEvent.click(within(item).getByRole('button', { name: 'Keep it' }));
    expect(engine.calls.some(([name]) => name === 'cancelScheduled')).toBe(false);
    fireEvent.click(within(item).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(within(item).getByRole('button', { name: 'Cancel message' }));
    await waitFor(() => expect(engine.calls).toContainEqual(['cancelScheduled', row.clientMsgId]));
    // The item leaves the list: focus goes to the page's heading, not to nowhere.
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Scheduled' })),
    );
  });

  it('says a change came too late, offering only to dismiss it', async () => {
    const row = aScheduled({
      state: 'sent',
      failure: { code: 'ALREADY_SENT', reason: 'already sent: it can no longer be changed' },
    });
    const { engine, list } = await showScheduled([row]);
    const item = itemSaying(list, 'Lesson at ten');
    expect(within(item).getByText('Already sent — your change was not applied.')).toBeTruthy();
    expect(
      within(item)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Dismiss']);
    fireEvent.click(within(item).getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(engine.calls).toContainEqual(['dismissScheduled', row.clientMsgId]));
  });

  it('says why the server could not send one, which can be rescheduled or dismissed', async () => {
    const row = aScheduled({
      state: 'cancelled',
      failure: { code: 'NOT_SENT', reason: 'you are no longer a member of this group' },
    });
    const { list } = await showScheduled([row]);
    const item = itemSaying(list, 'Lesson at ten');
    expect(
      within(item).getByText('Not sent: you are no longer a member of this group.'),
    ).toBeTruthy();
    expect(
      within(item)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Reschedule', 'Dismiss']);
  });

  it('says when one has not reached the server yet', async () => {
    const { list } = await showScheduled([aScheduled({ confirmed: null })]);
    expect(
      within(itemSaying(list, 'Lesson at ten')).getByText(
        'Not on the server yet: it goes there when you are online.',
      ),
    ).toBeTruthy();
  });
});
