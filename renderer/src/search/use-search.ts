// Offline search over what this device stores: conversations by person (a group by its
// title and its members) and context title, and every stored message through the `*words`
// index (prefix match on the rarest-looking token, then every token checked), ranked,
// with the conversation for each hit.
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import type { ChatDatabase, LocalConversation, LocalMessage } from '../../sync/db.ts';
import { messageMatches, rankConversations, rankMessages, tokenizeQuery } from './ranking.ts';

const CANDIDATES = 2000;
const SHOWN = 50;

export interface MessageHit {
  message: LocalMessage;
  conversation: LocalConversation;
}

export interface SearchResult {
  tokens: string[];
  conversations: LocalConversation[];
  messages: MessageHit[];
  /** More messages matched than were ranked; the query could be more specific. */
  isTruncated: boolean;
}

/** `myUserId`: whose own name does not make every group of theirs a match. */
export async function searchLocal(
  db: ChatDatabase,
  query: string,
  myUserId: number,
): Promise<SearchResult> {
  const tokens = tokenizeQuery(query);
  if (tokens.length === 0) return { tokens, conversations: [], messages: [], isTruncated: false };
  // The longest token is usually the most selective one to walk the index with.
  const probe = [...tokens].sort((a, b) => b.length - a.length)[0]!;
  const [allConversations, candidates] = await Promise.all([
    db.conversations.toArray(),
    db.messages
      .where('words')
      .startsWith(probe)
      .distinct()
      .filter((m) => messageMatches(m, tokens))
      .limit(CANDIDATES)
      .toArray(),
  ]);
  const byKey = new Map(allConversations.map((c) => [c.key, c]));
  const messages = rankMessages(candidates, tokens, query)
    .slice(0, SHOWN)
    .flatMap((message) => {
      const conversation = byKey.get(message.convKey);
      return conversation ? [{ message, conversation }] : [];
    });
  return {
    tokens,
    conversations: rankConversations(allConversations, tokens, myUserId).slice(0, 20),
    messages,
    isTruncated: candidates.length >= CANDIDATES,
  };
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function useSearch(
  db: ChatDatabase,
  query: string,
  myUserId: number,
): SearchResult | undefined {
  const settled = useDebounced(query.trim(), 120);
  return useLiveQuery(() => searchLocal(db, settled, myUserId), [db, settled, myUserId]);
}
