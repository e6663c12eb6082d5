import { afterEach, describe, expect, it } from 'vitest';
import type { ChatDatabase } from '../../sync/db.ts';
import {
  aConversation,
  aGroupConversation,
  aMessage,
  freshDatabase,
  ME,
} from '../test-support/builders.ts';
import { rankConversations, rankMessages, tokenizeQuery } from './ranking.ts';
import { buildSnippet } from './snippet.ts';
import { searchLocal } from './use-search.ts';

const highlighted = (parts: ReturnType<typeof buildSnippet>) =>
  parts.filter((p) => p.isMatch).map((p) => p.text);
const asText = (parts: ReturnType<typeof buildSnippet>) => parts.map((p) => p.text).join('');

describe('tokenizeQuery', () => {
  it('folds case and accents the way the index does', () => {
    expect(tokenizeQuery('Café  GUITAR!')).toEqual(['cafe', 'guitar']);
  });

  it('drops a token that another token already covers as a prefix', () => {
    expect(tokenizeQuery('gui guitar')).toEqual(['guitar']);
  });

  it('gives nothing for punctuation only', () => {
    expect(tokenizeQuery(' ?! ')).toEqual([]);
  });
});

describe('buildSnippet', () => {
  it('highlights every word the tokens prefix, keeping the original spelling', () => {
    const parts = buildSnippet('Guitar lessons: the guitarist brings a Café latte', [
      'guitar',
      'cafe',
    ]);
    expect(highlighted(parts)).toEqual(['Guitar', 'guitarist', 'Café']);
  });

  it('does not highlight a token found inside a word', () => {
    expect(highlighted(buildSnippet('an electric guitar', ['tric']))).toEqual([]);
  });

  it('cuts a long message around the first match with ellipses on word boundaries', () => {
    const content = `${'lorem ipsum '.repeat(30)}the bike repair is on Saturday ${'dolor sit '.repeat(30)}`;
    const parts = buildSnippet(content, ['repair'], 20);
    const text = asText(parts);
    expect(text.startsWith('…')).toBe(true);
    expect(text.endsWith('…')).toBe(true);
    expect(text).toContain('repair');
    expect(text.length).toBeLessThan(120);
    expect(text).not.toMatch(/… ?[a-z]{1,3}m /); // no half word right after the ellipsis
  });

  it('collapses line breaks so a snippet stays on one line', () => {
    expect(asText(buildSnippet('first line\n\nsecond line', ['second']))).toBe(
      'first line second line',
    );
  });
});

describe('rankMessages', () => {
  const older = aMessage({
    content: 'guitar lesson on Saturday',
    createdAt: '2025-03-01T10:00:00.000Z',
  });
  const newer = aMessage({
    content: 'a guitarist is coming',
    createdAt: '2025-03-02T10:00:00.000Z',
  });
  const phrase = aMessage({
    content: 'about the lesson: guitar lesson at 10',
    createdAt: '2025-02-01T10:00:00.000Z',
  });
  const unrelated = aMessage({ content: 'bike repair', createdAt: '2025-03-03T10:00:00.000Z' });
  const deleted = aMessage({ content: 'guitar', isDeleted: true });

  it('keeps only messages containing every token as a word prefix, never deleted ones', () => {
    const hits = rankMessages([older, newer, unrelated, deleted], tokenizeQuery('guit'), 'guit');
    expect(hits.map((m) => m.content)).toEqual([newer.content, older.content]);
  });

  it('ranks whole-word matches above prefix matches, then newer first', () => {
    const hits = rankMessages([older, newer], tokenizeQuery('guitar'), 'guitar');
    expect(hits.map((m) => m.content)).toEqual([older.content, newer.content]);
  });

  it('ranks the query as a phrase above the same words apart', () => {
    const apart = aMessage({
      content: 'lesson about a guitar',
      createdAt: '2025-03-05T10:00:00.000Z',
    });
    const hits = rankMessages([apart, phrase], tokenizeQuery('guitar lesson'), 'guitar lesson');
    expect(hits[0]).toBe(phrase);
  });
});

describe('rankConversations', () => {
  const bob = aConversation({
    key: 'a',
    otherDisplayName: 'Bob Requester',
    contextTitle: 'Guitar lessons',
    lastActivityAt: '2025-03-01T00:00:00Z',
  });
  const alice = aConversation({
    key: 'b',
    otherDisplayName: 'Alice Provider',
    contextTitle: 'Bob’s bike',
    lastActivityAt: '2025-03-02T00:00:00Z',
  });

  it('matches the person before the context title', () => {
    expect(rankConversations([alice, bob], ['bob'], ME).map((c) => c.key)).toEqual(['a', 'b']);
  });

  it('needs every token to match somewhere', () => {
    expect(rankConversations([alice, bob], ['bob', 'guitar'], ME).map((c) => c.key)).toEqual(['a']);
  });
});

describe('searchLocal over the stored messages [offline search]', () => {
  let db: ChatDatabase;
  afterEach(() => db?.close());

  it('finds a message by word prefixes through the words index, with its conversation', async () => {
    db = freshDatabase().db;
    await db.conversations.bulkAdd([
      aConversation({ key: 's10' }),
      aConversation({ key: 's11', serverId: 11, otherDisplayName: 'Carol' }),
    ]);
    await db.messages.bulkAdd([
      aMessage({ convKey: 's10', content: 'Saturday at 10 works for me' }),
      aMessage({ convKey: 's11', content: 'See you on saturday, Bob' }),
      aMessage({ convKey: 's11', content: 'Nothing to see here' }),
    ]);
    const result = await searchLocal(db, 'satur', ME);
    expect(result.messages.map((h) => h.conversation.key).sort()).toEqual(['s10', 's11']);
    const narrowed = await searchLocal(db, 'saturday bob', ME);
    expect(narrowed.messages.map((h) => h.message.content)).toEqual(['See you on saturday, Bob']);
    expect(narrowed.conversations.map((c) => c.key)).toEqual([]);
  });

  it('finds conversations by the other person and by the context title', async () => {
    db = freshDatabase().db;
    await db.conversations.bulkAdd([
      aConversation({ key: 's10', otherDisplayName: 'Bob Requester', contextTitle: 'Dog walking' }),
      aConversation({
        key: 's11',
        serverId: 11,
        otherDisplayName: 'Carol',
        contextTitle: 'Bike repair',
      }),
    ]);
    expect((await searchLocal(db, 'bike', ME)).conversations.map((c) => c.key)).toEqual(['s11']);
    expect((await searchLocal(db, 'bob', ME)).conversations.map((c) => c.key)).toEqual(['s10']);
  });
});

describe('[§4a] finding a group', () => {
  const group = aGroupConversation({}, { lastActivityAt: '2025-03-01T00:00:00Z' });
  const bob = aConversation({
    key: 's10',
    otherDisplayName: 'Bob Requester',
    contextTitle: 'Guitar lessons',
    lastActivityAt: '2025-03-02T00:00:00Z',
  });

  it('by its title', () => {
    expect(
      rankConversations([bob, group], tokenizeQuery('lesson plan'), ME).map((c) => c.key),
    ).toEqual(['s20']);
  });

  it('by a member’s name, after the person of that name', () => {
    expect(rankConversations([group, bob], tokenizeQuery('bob'), ME).map((c) => c.key)).toEqual([
      's10',
      's20',
    ]);
    expect(rankConversations([group], tokenizeQuery('carol'), ME).map((c) => c.key)).toEqual([
      's20',
    ]);
  });

  it('never by one’s own name', () => {
    expect(rankConversations([group], tokenizeQuery('myself'), ME)).toEqual([]);
  });
});
