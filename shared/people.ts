// Finding someone to start a chat with, by the name they show (DESIGN §4a): only names,
// never e-mail addresses, and a few at a time.
import { z } from 'zod';
import { publicUserSchema } from './model.ts';
import { userText } from './user-text.ts';

export const PEOPLE_SEARCH_LIMIT = 20;

export const peopleSearchInput = z.strictObject({
  query: userText({ min: 2, max: 100 }),
});

export const peopleSearchResultSchema = z.array(publicUserSchema).max(PEOPLE_SEARCH_LIMIT);
