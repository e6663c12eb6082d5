// Ordering of search results. Conversations match on the other person's name (a group's
// title and its members' names) and the context title; messages must contain every query token as a word prefix, and rank
// higher for whole-word matches and for the query appearing as a phrase, then by recency.
import type { LocalConversation, LocalMessage } from '../../sync/db.ts';
import { messageWords, queryWords } from '../../sync/words.ts';
import { foldText } from './snippet.ts';

/** Query text to tokens, folded like the index; a token that prefixes another adds
 * nothing (every match of "guitar" also matches "gui") and is dropped. */
export function tokenizeQuery(query: string): string[] {
  const words = queryWords(query);
  return words.filter((w) => !words.some((other) => other !== w && other.startsWith(w)));
}

function tokenScore(words: readonly string[], token: string): number {
  if (words.includes(token)) return 2;
  return words.some((w) => w.startsWith(token)) ? 1 : 0;
}

function foldedPhrase(text: string): string {
  return foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(' ');
}

/** The words a conversation is found by: who (the other person, or a group's title), a
 * group's other members, and what it is about. */
function conversationWords(conversation: LocalConversation, myUserId: number) {
  const { group } = conversation;
  return {
    name: messageWords(group ? group.title : conversation.otherDisplayName),
    members: group
      ? group.members
          .filter((m) => m.userId !== myUserId)
          .flatMap((m) => messageWords(m.displayName))
      : [],
    context: messageWords(conversation.contextTitle ?? ''),
  };
}

export function rankConversations(
  conversations: readonly LocalConversation[],
  tokens: readonly string[],
  myUserId: number,
): LocalConversation[] {
  if (tokens.length === 0) return [];
  const scored: Array<{ conversation: LocalConversation; score: number }> = [];
  for (const conversation of conversations) {
    const { name, members, context } = conversationWords(conversation, myUserId);
    let score = 0;
    let matchesAll = true;
    for (const token of tokens) {
      const inName = tokenScore(name, token);
      const inMembers = tokenScore(members, token);
      const inContext = tokenScore(context, token);
      if (inName === 0 && inMembers === 0 && inContext === 0) {
        matchesAll = false;
        break;
      }
      // A match on the person (or the group's title) weighs more than one on a member,
      // which weighs more than one on the context.
      score += inName * 3 + inMembers * 2 + inContext;
    }
    if (matchesAll) scored.push({ conversation, score });
  }
  return scored
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.conversation.lastActivityAt.localeCompare(a.conversation.lastActivityAt),
    )
    .map((s) => s.conversation);
}

export function messageMatches(message: LocalMessage, tokens: readonly string[]): boolean {
  if (message.isDeleted || tokens.length === 0) return false;
  return tokens.every((token) => message.words.some((w) => w.startsWith(token)));
}

export function rankMessages(
  messages: readonly LocalMessage[],
  tokens: readonly string[],
  query: string,
): LocalMessage[] {
  const phrase = foldedPhrase(query);
  return messages
    .filter((m) => messageMatches(m, tokens))
    .map((message) => {
      let score = tokens.reduce((sum, token) => sum + tokenScore(message.words, token), 0);
      if (tokens.length > 1 && foldedPhrase(message.content).includes(phrase)) score += 3;
      return { message, score };
    })
    .sort((a, b) => b.score - a.score || b.message.createdAt.localeCompare(a.message.createdAt))
    .map((s) => s.message);
}
