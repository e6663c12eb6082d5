import { afterEach, describe, expect, it } from 'vitest';
import type { ChatDatabase } from '../../sync/db.ts';
import { aMessage, freshDatabase, ME, OTHER } from '../test-support/builders.ts';
import { latestRange, reachesReadMark, unreadRange } from './message-range.ts';
import { firstUnreadMessage } from './message-rows.ts';

/** Three read messages, then a backlog from the other person with a reply of one's own
 * every 20 (from another device) and the first one deleted. */
async function withBacklog(db: ChatDatabase, backlog: number) {
  const read = [1, 2, 3].map((serverId) => aMessage({ serverId, senderId: OTHER }));
  const unread = Array.from({ length: backlog }, (_, i) =>
    aMessage({ serverId: 4 + i, senderId: i % 20 === 19 ? ME : OTHER, isDeleted: i === 0 }),
  );
  await db.messages.bulkAdd([...read, ...unread]);
  return { read, unread };
}

describe('the opening range of a conversation with unread messages', () => {
  let db: ChatDatabase;
  afterEach(() => db?.close());

  it('holds the first unread of a 300-message backlog and some read ones above it', async () => {
    db = freshDatabase().db;
    const { read, unread } = await withBacklog(db, 300);
    const opened = await unreadRange(db, 's10', 3);
    expect(opened.messages[0]).toEqual(read[0]);
    expect(opened.bounds.to).toBeNull();
    expect(firstUnreadMessage(opened.messages, ME, 3)).toBe(unread[1]!.clientMsgId);
  });

  it('opens a backlog too long to load whole around its first unread message', async () => {
    db = freshDatabase().db;
    const { unread } = await withBacklog(db, 800);
    const opened = await unreadRange(db, 's10', 3);
    expect(opened.messages.length).toBeLessThanOrEqual(51);
    expect(firstUnreadMessage(opened.messages, ME, 3)).toBe(unread[1]!.clientMsgId);
  });

  it('tells whether a page read from the newest back reaches the read mark', async () => {
    db = freshDatabase().db;
    await withBacklog(db, 300);
    expect(reachesReadMark(await latestRange(db, 's10', 50), 3)).toBe(false);
    expect(reachesReadMark(await latestRange(db, 's10', 310), 3)).toBe(true);
  });
});
