import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatDatabase } from '../../sync/db.ts';
import { freshDatabase } from '../test-support/builders.ts';
import { createDraftWriter, loadDraft, saveDraft } from './drafts.ts';

describe('drafts', () => {
  let db: ChatDatabase;
  afterEach(() => db?.close());

  it('survives closing and reopening the database, as after a restart', async () => {
    const device = freshDatabase();
    db = device.db;
    await saveDraft(db, 's10', 'half a thought');
    db.close();
    db = device.reopen();
    expect(await loadDraft(db, 's10')).toBe('half a thought');
  });

  it('keeps one draft per conversation', async () => {
    db = freshDatabase().db;
    await saveDraft(db, 's10', 'to Bob');
    await saveDraft(db, 's11', 'to Carol');
    expect(await loadDraft(db, 's10')).toBe('to Bob');
    expect(await loadDraft(db, 's11')).toBe('to Carol');
    expect(await loadDraft(db, 's12')).toBe('');
  });

  it('deletes the draft when the text is emptied', async () => {
    db = freshDatabase().db;
    await saveDraft(db, 's10', 'something');
    await saveDraft(db, 's10', '   ');
    expect(await db.drafts.count()).toBe(0);
  });

  it('writes each change at once, and changes made during a write collapse into the newest', async () => {
    db = freshDatabase().db;
    const put = vi.spyOn(db.drafts, 'put');
    const writer = createDraftWriter(db, 's10');
    writer.update('H');
    writer.update('He');
    writer.update('Hello');
    await writer.flush();
    expect(await loadDraft(db, 's10')).toBe('Hello');
    expect(put.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('a draft cleared while a write is in flight stays cleared', async () => {
    db = freshDatabase().db;
    const writer = createDraftWriter(db, 's10');
    writer.update('sent text');
    await writer.clear();
    expect(await db.drafts.get('s10')).toBeUndefined();
  });

  it('an older write that lands late never overwrites a newer draft', async () => {
    db = freshDatabase().db;
    let clock = 1_000;
    const closing = createDraftWriter(db, 's10', () => clock);
    const opened = createDraftWriter(db, 's10', () => clock);
    opened.update('newest words');
    await opened.flush();
    clock = 900;
    closing.update('older words');
    await closing.flush();
    expect(await loadDraft(db, 's10')).toBe('newest words');
    closing.update('');
    await closing.flush();
    expect(await loadDraft(db, 's10')).toBe('newest words');
  });

  it('keeps its stamps rising when the wall clock steps back', async () => {
    db = freshDatabase().db;
    let clock = 5_000;
    const writer = createDraftWriter(db, 's10', () => clock);
    writer.update('first');
    await writer.flush();
    clock = 1_000;
    writer.update('second');
    await writer.flush();
    expect(await loadDraft(db, 's10')).toBe('second');
  });
});
