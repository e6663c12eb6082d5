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

  it('writes after a pause in typing, only the latest text', async () => {
    db = freshDatabase().db;
    const put = vi.spyOn(db.drafts, 'put');
    const writer = createDraftWriter(db, 's10', 30);
    writer.update('H');
    writer.update('He');
    writer.update('Hello');
    expect(put).not.toHaveBeenCalled();
    await vi.waitFor(async () => expect((await db.drafts.get('s10'))?.text).toBe('Hello'));
    expect(put).toHaveBeenCalledTimes(1);
  });

  it('flush writes a pending change at once (leaving the conversation)', async () => {
    db = freshDatabase().db;
    const writer = createDraftWriter(db, 's10', 60_000);
    writer.update('left mid-sentence');
    await writer.flush();
    expect(await loadDraft(db, 's10')).toBe('left mid-sentence');
  });

  it('clear after sending drops both the pending change and the stored draft', async () => {
    db = freshDatabase().db;
    const writer = createDraftWriter(db, 's10', 60_000);
    writer.update('sent text');
    await writer.flush();
    writer.update('sent text!');
    await writer.clear();
    await writer.flush();
    expect(await db.drafts.get('s10')).toBeUndefined();
  });
});
