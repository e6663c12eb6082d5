import { describe, expect, test } from 'vitest';
import type { MessageView } from '../../shared/model.ts';
import type { LocalMessage } from './db.ts';
import { mergeMessage } from './message-merge.ts';

const ME = 1;
const OTHER = 2;

function view(fields: Partial<MessageView> = {}): MessageView {
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
    clientMsgId: 'c1',
    changeSeq: 3,
    ...fields,
  };
}

const merge = (local: LocalMessage | undefined, v: MessageView, hasLocalChange = false) =>
  mergeMessage({ local, view: v, key: v.clientMsgId, convKey: 's5', userId: ME, hasLocalChange });

describe('mergeMessage', () => {
  test('[S3.5] statuses only rise: an older or lower status never lowers the local one', () => {
    const read = merge(undefined, view({ status: 'read', changeSeq: 5 }));
    expect(merge(read, view({ status: 'delivered', changeSeq: 9 })).status).toBe('read');
    expect(merge(read, view({ status: 'sent', changeSeq: 2 })).status).toBe('read');
  });

  test('[S3.5] a read made here stays read when the server still says delivered', () => {
    const incoming = merge(undefined, view({ senderId: OTHER, status: 'delivered' }));
    expect(incoming.unreadConvKey).toBe('s5');
    const seen: LocalMessage = { ...incoming, status: 'read' };
    delete seen.unreadConvKey;
    const merged = merge(seen, view({ senderId: OTHER, status: 'delivered', changeSeq: 9 }));
    expect(merged.status).toBe('read');
    expect(merged.unreadConvKey).toBeUndefined();
  });

  test('[S3.3] an older server version does not replace a newer one', () => {
    const edited = merge(undefined, view({ content: 'edited', isEdited: true, changeSeq: 8 }));
    expect(merge(edited, view({ content: 'old', changeSeq: 4 }))).toMatchObject({
      content: 'edited',
      isEdited: true,
      changeSeq: 8,
    });
  });

  test('[S3.7] a local edit still waiting keeps its content; the server copy is remembered', () => {
    const local: LocalMessage = {
      ...merge(undefined, view()),
      content: 'mine',
      isEdited: true,
      words: ['mine'],
    };
    const merged = merge(local, view({ status: 'delivered', changeSeq: 7 }), true);
    expect(merged).toMatchObject({ content: 'mine', isEdited: true, status: 'delivered' });
    expect(merged.confirmed).toEqual({ content: 'server text', isEdited: false, isDeleted: false });
  });

  test('[S3.7] a delete from the server wins over a local edit still waiting', () => {
    const local: LocalMessage = { ...merge(undefined, view()), content: 'mine', isEdited: true };
    expect(merge(local, view({ isDeleted: true, content: '', changeSeq: 9 }), true)).toMatchObject({
      isDeleted: true,
      content: '',
      words: [],
    });
  });

  test('a pending message becomes synced: server id, server order, server status', () => {
    const pending: LocalMessage = {
      ...merge(undefined, view()),
      serverId: null,
      serverStatus: null,
      status: 'pending',
      sortKey: '2000',
      changeSeq: 0,
    };
    expect(merge(pending, view({ messageId: 42 }))).toMatchObject({
      serverId: 42,
      status: 'sent',
      sortKey: '10000000042',
    });
  });

  test('a synced message whose edit was refused stays failed until retried or discarded', () => {
    const failed: LocalMessage = {
      ...merge(undefined, view()),
      status: 'failed',
      failure: { code: 'X', reason: 'y' },
    };
    expect(merge(failed, view({ status: 'read', changeSeq: 9 }), true)).toMatchObject({
      status: 'failed',
      serverStatus: 'read',
      failure: { code: 'X' },
    });
  });
});
