// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatDatabase } from '../../sync/db.ts';
import { Composer } from '../chat/Composer.tsx';
import { freshDatabase } from '../test-support/builders.ts';
import { toLocalInputValue } from './schedule-time.ts';

let db: ChatDatabase | null = null;
afterEach(() => {
  cleanup();
  db?.close();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function renderComposer(scheduled: { text: string; dueAt: Date }[], sent: string[] = []) {
  db = freshDatabase().db;
  render(
    <Composer
      db={db}
      convKey="s10"
      editing={null}
      onSend={async (text) => void sent.push(text)}
      onSchedule={async (text, dueAt) => void scheduled.push({ text, dueAt })}
      onSaveEdit={async () => {}}
      onCancelEdit={() => {}}
    />,
  );
}

const box = () => screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement;
const sendLater = () => screen.getByRole('button', { name: 'Send later' });

async function typed(text: string) {
  await waitFor(() => expect(box().placeholder).toBe('Write a message'));
  fireEvent.change(box(), { target: { value: text } });
}

function openMenu() {
  fireEvent.click(sendLater());
  return screen.getByRole('menu', { name: 'Send later' });
}

async function customTime(value: string) {
  fireEvent.click(within(openMenu()).getByRole('menuitem', { name: 'Custom time…' }));
  const dialog = screen.getByRole('dialog', { name: 'Schedule message' });
  fireEvent.change(within(dialog).getByLabelText('Send at'), { target: { value } });
  await act(async () => {
    fireEvent.click(within(dialog).getByRole('button', { name: 'Schedule' }));
  });
  return dialog;
}

describe('[§4a] Send later in the composer', () => {
  it('is there beside Send, and only once there is something to send', async () => {
    renderComposer([]);
    await waitFor(() => expect(box().placeholder).toBe('Write a message'));
    expect(sendLater()).toHaveProperty('disabled', true);
    fireEvent.change(box(), { target: { value: 'Lesson reminder' } });
    expect(sendLater()).toHaveProperty('disabled', false);
    expect(sendLater().getAttribute('aria-haspopup')).toBe('menu');
  });

  it('offers in an hour, tomorrow morning and a custom time, moved through with the arrow keys', async () => {
    renderComposer([]);
    await typed('Lesson reminder');
    const menu = openMenu();
    const items = within(menu).getAllByRole('menuitem');
    expect(items.map((i) => i.textContent)).toEqual([
      'In 1 hour',
      expect.stringMatching(/^Tomorrow morning \(9:00/),
      'Custom time…',
    ]);
    expect(document.activeElement).toBe(items[0]);
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(items[1]);
    fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(sendLater());
  });

  it('"In 1 hour" schedules the text for an hour from now, empties the box and says when it goes', async () => {
    const scheduled: { text: string; dueAt: Date }[] = [];
    const sent: string[] = [];
    renderComposer(scheduled, sent);
    await typed('  See you at the lesson  ');
    const before = Date.now();
    const menu = openMenu();
    await act(async () => {
      fireEvent.click(within(menu).getByRole('menuitem', { name: 'In 1 hour' }));
    });
    await waitFor(() => expect(scheduled).toHaveLength(1));
    expect(scheduled[0]?.text).toBe('See you at the lesson');
    const dueMs = scheduled[0]?.dueAt.getTime() ?? 0;
    expect(dueMs).toBeGreaterThanOrEqual(before + HOUR);
    expect(dueMs).toBeLessThan(Date.now() + HOUR + 1000);
    expect(sent).toEqual([]);
    expect(box().value).toBe('');
    expect(
      screen.getAllByText(/^Scheduled for Today at|^Scheduled for Tomorrow at/),
    ).not.toHaveLength(0);
  });

  it('"Tomorrow morning" schedules for 9:00 tomorrow in the user’s time zone', async () => {
    const scheduled: { text: string; dueAt: Date }[] = [];
    renderComposer(scheduled);
    await typed('Good morning');
    const menu = openMenu();
    await act(async () => {
      fireEvent.click(within(menu).getByRole('menuitem', { name: /^Tomorrow morning/ }));
    });
    await waitFor(() => expect(scheduled).toHaveLength(1));
    const due = scheduled[0]?.dueAt ?? new Date(0);
    const tomorrow = new Date();
    tomorrow.setDate(tomorrow.getDate() + 1);
    expect([due.getDate(), due.getHours(), due.getMinutes()]).toEqual([tomorrow.getDate(), 9, 0]);
  });

  it('takes a custom time only in the future, and saying why', async () => {
    const scheduled: { text: string; dueAt: Date }[] = [];
    renderComposer(scheduled);
    await typed('Too early');
    const dialog = await customTime(toLocalInputValue(new Date(Date.now() - 5 * 60_000)));
    expect(within(dialog).getByRole('alert').textContent).toBe('Choose a time in the future.');
    expect(within(dialog).getByLabelText('Send at').getAttribute('aria-invalid')).toBe('true');
    expect(scheduled).toEqual([]);
    expect(box().value).toBe('Too early');
  });

  it('takes a custom time at most a year ahead', async () => {
    const scheduled: { text: string; dueAt: Date }[] = [];
    renderComposer(scheduled);
    await typed('Far away');
    const dialog = await customTime(toLocalInputValue(new Date(Date.now() + 400 * DAY)));
    expect(within(dialog).getByRole('alert').textContent).toBe(
      'Choose a time within a year from now.',
    );
    expect(scheduled).toEqual([]);
  });

  it('schedules for the custom time picked, read in the user’s time zone, and closes the dialog', async () => {
    const scheduled: { text: string; dueAt: Date }[] = [];
    renderComposer(scheduled);
    await typed('On Friday');
    const friday = new Date(Date.now() + 3 * DAY);
    friday.setHours(17, 30, 0, 0);
    await customTime(toLocalInputValue(friday));
    await waitFor(() => expect(scheduled).toEqual([{ text: 'On Friday', dueAt: friday }]));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(box().value).toBe('');
  });

  it('keeps the text when it could not be scheduled, and says why', async () => {
    db = freshDatabase().db;
    render(
      <Composer
        db={db}
        convKey="s10"
        editing={null}
        onSend={async () => {}}
        onSchedule={async () => {
          throw new Error('at most 100 scheduled messages may wait at once');
        }}
        onSaveEdit={async () => {}}
        onCancelEdit={() => {}}
      />,
    );
    await typed('One too many');
    const menu = openMenu();
    await act(async () => {
      fireEvent.click(within(menu).getByRole('menuitem', { name: 'In 1 hour' }));
    });
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'Not scheduled: at most 100 scheduled messages may wait at once.',
      ),
    );
    expect(box().value).toBe('One too many');
  });
});
