import { describe, expect, test } from 'vitest';
import type { SyncMessage } from '../../shared/sync/protocol.ts';
import { type LocalMessage, pendingSortKey, syncedSortKey } from './db.ts';
import { mergeMessage } from './message-merge.ts';

const ME = 1;
const OTHER = 2;

function copy(fields: Partial<SyncMessage> = {}): SyncMessage {
  return {
    messageId: 10,
    conversationId: 5,
    senderId: ME,
    messageType: 'text',
    content: 'server text',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    status: 'sent',
    isEdited: false,
    isDeleted: false,
    fileUrl: null,
    fileName: null,
    fileSize: null,
    attachment: null,
    replyTo: null,
    reactions: [],
    scheduledFor: null,
    clientMsgId: 'c1',
    version: 3,
    ...fields,
  };
}

const merge = (local: LocalMessage | undefined, c: SyncMessage, hasLocalChange = false) =>
  mergeMessage({
    local,
    copy: c,
    key: c.clientMsgId,
    convKey: 's5',
    userId: ME,
    hasLocalChange,
  });

describe('mergeMessage', () => {
  test('[S3.3] an older copy does not replace a newer one: the higher message version wins', () => {
    const edited = merge(undefined, copy({ content: 'edited', isEdited: true, version: 8 }));
    expect(merge(edited, copy({ content: 'old', version: 4 }))).toMatchObject({
      content: 'edited',
      isEdited: true,
      version: 8,
    });
    expect(merge(edited, copy({ content: 'newer', isEdited: true, version: 9 }))).toMatchObject({
      content: 'newer',
      version: 9,
      words: ['newer'],
    });
  });

  test('[§4a] a reply takes the server’s quote, and keeps quoting an original that never reached it as deleted', () => {
    const quote = {
      messageId: 4,
      senderId: OTHER,
      messageType: 'text' as const,
      preview: 'Is Tuesday fine?',
      fileName: null,
      isDeleted: false,
    };
    expect(merge(undefined, copy({ replyTo: quote })).replyTo).toEqual({
      ...quote,
      clientMsgId: null,
    });
    const discarded = {
      ...merge(undefined, copy()),
      replyTo: { ...quote, messageId: null, clientMsgId: null, preview: '', isDeleted: true },
    };
    expect(merge(discarded, copy({ version: 4 })).replyTo).toEqual(discarded.replyTo);
  });

  test('[S3.5] a synced message is stored as sent whatever the seed status column says', () => {
    // Delivered and read are read off the members' watermarks, never off the row.
    expect(merge(undefined, copy({ status: 'read' })).status).toBe('sent');
    expect(merge(undefined, copy({ status: 'delivered', senderId: OTHER })).status).toBe('sent');
  });

  test('[S3.5] someone else’s message is on the unread index; one’s own and deleted ones are not', () => {
    const theirs = merge(undefined, copy({ senderId: OTHER }));
    expect(theirs.othersKey).toBe(syncedSortKey(10));
    expect(merge(undefined, copy()).othersKey).toBeUndefined();
    const deleted = merge(
      theirs,
      copy({ senderId: OTHER, isDeleted: true, content: '', version: 4 }),
    );
    expect(deleted.othersKey).toBeUndefined();
  });

  test('[S3.7] a local edit still waiting keeps its content; the server copy is remembered', () => {
    const local: LocalMessage = {
      ...merge(undefined, copy()),
      content: 'mine',
      isEdited: true,
      words: ['mine'],
    };
    const merged = merge(local, copy({ version: 7 }), true);
    expect(merged).toMatchObject({ content: 'mine', isEdited: true, words: ['mine'], version: 7 });
    expect(merged.confirmed).toEqual({ content: 'server text', isEdited: false, isDeleted: false });
  });

  test('[S3.7] a delete from the server wins over a local edit still waiting, even an older copy', () => {
    const local: LocalMessage = {
      ...merge(undefined, copy({ version: 9 })),
      content: 'mine',
      isEdited: true,
    };
    expect(merge(local, copy({ isDeleted: true, content: '', version: 4 }), true)).toMatchObject({
      isDeleted: true,
      content: '',
      words: [],
      version: 9,
    });
  });

  test('[S3.6] a pending message becomes synced: server id, server order, the copy’s version', () => {
    const pending: LocalMessage = {
      ...merge(undefined, copy()),
      serverId: null,
      status: 'pending',
      sortKey: pendingSortKey(1),
      version: 0,
    };
    expect(merge(pending, copy({ messageId: 42, version: 1 }))).toMatchObject({
      clientMsgId: 'c1',
      serverId: 42,
      status: 'sent',
      sortKey: syncedSortKey(42),
      version: 1,
    });
  });

  test('[S3.2] a synced message whose edit was refused stays failed until retried or discarded', () => {
    const failed: LocalMessage = {
      ...merge(undefined, copy()),
      status: 'failed',
      failure: { code: 'NOT_FOUND', reason: 'y' },
    };
    expect(merge(failed, copy({ version: 9 }), true)).toMatchObject({
      status: 'failed',
      failure: { code: 'NOT_FOUND' },
    });
  });

  test('[S3.2] a message that never reached the server is not kept failed by a copy of it', () => {
    const unsent: LocalMessage = {
      ...merge(undefined, copy()),
      serverId: null,
      status: 'failed',
      failure: { code: 'NOT_FOUND', reason: 'y' },
    };
    expect(merge(unsent, copy({ version: 2 }))).toMatchObject({ status: 'sent', failure: null });
  });
});
