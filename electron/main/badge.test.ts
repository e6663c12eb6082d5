import { describe, expect, it } from 'vitest';
import { badgeLabel, planBadge, trayTooltip, unreadDescription } from './badge.ts';

describe('badgeLabel', () => {
  it('is empty when nothing is unread', () => {
    expect(badgeLabel(0)).toBe('');
  });

  it('shows small counts as they are', () => {
    expect(badgeLabel(7)).toBe('7');
    expect(badgeLabel(99)).toBe('99');
  });

  it('caps large counts at 99+', () => {
    expect(badgeLabel(100)).toBe('99+');
    expect(badgeLabel(1_000_000)).toBe('99+');
  });
});

describe('unreadDescription', () => {
  it('uses the singular for one message', () => {
    expect(unreadDescription(1)).toBe('1 unread message');
  });

  it('uses the plural and the exact number beyond the badge cap', () => {
    expect(unreadDescription(250)).toBe('250 unread messages');
  });
});

describe('trayTooltip', () => {
  it('is the product name when nothing is unread', () => {
    expect(trayTooltip(0)).toBe('TimeNest Chat');
  });

  it('adds the unread count', () => {
    expect(trayTooltip(3)).toBe('TimeNest Chat — 3 unread messages');
  });
});

describe('planBadge', () => {
  it('sets the dock badge count on macOS', () => {
    expect(planBadge(4, 'darwin')).toEqual({
      kind: 'badge-count',
      count: 4,
      trayTooltip: 'TimeNest Chat — 4 unread messages',
    });
  });

  it('sets the launcher badge count on Linux', () => {
    expect(planBadge(2, 'linux')).toMatchObject({ kind: 'badge-count', count: 2 });
  });

  it('clears the badge count with zero', () => {
    expect(planBadge(0, 'darwin')).toMatchObject({ kind: 'badge-count', count: 0 });
  });

  it('draws an overlay with a readable description on Windows', () => {
    expect(planBadge(120, 'win32')).toEqual({
      kind: 'taskbar-overlay',
      overlay: { label: '99+', description: '120 unread messages' },
      trayTooltip: 'TimeNest Chat — 120 unread messages',
    });
  });

  it('clears the Windows overlay when nothing is unread', () => {
    expect(planBadge(0, 'win32')).toMatchObject({ kind: 'taskbar-overlay', overlay: null });
  });
});
