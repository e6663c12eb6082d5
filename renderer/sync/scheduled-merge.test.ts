import { describe, expect, test } from 'vitest';
import type { ScheduledView } from '../../shared/scheduled.ts';
import type { LocalScheduled } from './db.ts';
import { mergeScheduled, NOT_SENT } from './scheduled-merge.ts';

const view = (patch: Partial<ScheduledView> = {}): ScheduledView => ({
  clientMsgId: '0190a000-0000-7000-8000-000000000001',
  conversationId: 7,
  content: 'Lesson at 10',
  dueAt: '2025-01-10T09:00:00.000Z',
  state: 'scheduled',
  messageId: null,
  sentAt: null,
  failure: null,
  updatedAt: '2025-01-10T08:00:00.000Z',
  ...patch,
});

const row = (patch: Partial<LocalScheduled> = {}): LocalScheduled => ({
  clientMsgId: '0190a000-0000-7000-8000-000000000001',
  convKey: 's7',
  content: 'Lesson at 10',
  dueAt: '2025-01-10T09:00:00.000Z',
  state: 'scheduled',
  confirmed: view(),
  failure: null,
  ...patch,
});

const merge = (local: LocalScheduled | undefined, v: ScheduledView, hasWaitingChange = false) =>
  mergeScheduled({ local, view: v, convKey: 's7', hasWaitingChange });

describe('[§4a] a scheduled message’s server view on the device', () => {
  test('a newer view replaces what the device showed; an older one changes nothing', () => {
    const newer = view({ content: 'Lesson at 11', updatedAt: '2025-01-10T08:05:00.000Z' });
    const merged = merge(row(), newer);
    expect(merged).toMatchObject({ content: 'Lesson at 11', confirmed: newer });
    const older = view({ content: 'stale', updatedAt: '2025-01-10T07:00:00.000Z' });
    const local = row({ confirmed: newer, content: 'Lesson at 11' });
    expect(merge(local, older)).toBe(local);
  });

  test('[S3.1] while a change of this user waits, the row shows that change and only notes the server’s view', () => {
    const local = row({ content: 'my newer words' });
    const other = view({ content: 'from another device', updatedAt: '2025-01-10T08:05:00.000Z' });
    expect(merge(local, other, true)).toEqual({ ...local, confirmed: other });
  });

  test('a message sent leaves the list (it arrives as a message); so does one cancelled by the user', () => {
    expect(
      merge(row(), view({ state: 'sent', messageId: 4, updatedAt: '2025-01-10T09:00:00.000Z' })),
    ).toBeNull();
    expect(
      merge(row(), view({ state: 'cancelled', updatedAt: '2025-01-10T08:30:00.000Z' })),
    ).toBeNull();
    expect(merge(undefined, view({ state: 'sent', messageId: 4 }))).toBeNull();
  });

  test('nothing replaces sent: a view of it waiting, answered late, does not bring it back', () => {
    const sent = view({ state: 'sent', messageId: 4, updatedAt: '2025-01-10T09:00:00.000Z' });
    // The live stream told of the delivery while the change was on its way…
    const local = merge(row({ content: 'changed' }), sent, true);
    expect(local).toMatchObject({ confirmed: sent });
    // …and the push answer, older and same-millisecond alike, comes after.
    const answer = view({ updatedAt: '2025-01-10T09:00:00.000Z' });
    expect(merge(local ?? undefined, answer)).toBeNull();
  });

  test('one the server could not send at its time stays, cancelled, with the reason', () => {
    const failed = view({
      state: 'cancelled',
      failure: 'you are no longer a member of this group',
      updatedAt: '2025-01-10T09:00:00.000Z',
    });
    expect(merge(row(), failed)).toMatchObject({
      state: 'cancelled',
      failure: { code: NOT_SENT, reason: 'you are no longer a member of this group' },
    });
    // Another device of this user hears of it too.
    expect(merge(undefined, failed)).toMatchObject({ convKey: 's7', state: 'cancelled' });
  });

  test('a change that came too late keeps its notice when the sent view arrives', () => {
    const local = row({
      state: 'sent',
      failure: { code: 'ALREADY_SENT', reason: 'already sent: it can no longer be changed' },
    });
    const sent = view({ state: 'sent', messageId: 4, updatedAt: '2025-01-10T09:00:00.000Z' });
    expect(merge(local, sent)).toMatchObject({
      state: 'sent',
      failure: { code: 'ALREADY_SENT' },
      confirmed: sent,
    });
  });

  test('a refused change stays shown until the server moves on', () => {
    const refused = row({ failure: { code: 'VALIDATION_FAILED', reason: 'dueAt: too far' } });
    expect(merge(refused, view())).toBe(refused);
    expect(merge(refused, view({ updatedAt: '2025-01-10T08:10:00.000Z' }))).toMatchObject({
      failure: null,
    });
  });
});
