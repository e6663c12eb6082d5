// People a user can start a chat with: any other account, found by a word of its name
// (a prefix of the name or of one of its words), closest names first.
import type { PublicUser } from '../../shared/model.ts';
import { PEOPLE_SEARCH_LIMIT, peopleSearchInput } from '../../shared/people.ts';
import { guardPeopleSearch } from '../limits/policies.ts';
import { authedProcedure, router } from '../trpc.ts';

/** The text as a LIKE pattern that matches it literally. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export const peopleRouter = router({
  search: authedProcedure
    .input(peopleSearchInput)
    .query(async ({ ctx, input }): Promise<PublicUser[]> => {
      await guardPeopleSearch(ctx.services.limits, ctx.identity.userId);
      const prefix = literal(input.query);
      const rows = await ctx.services.sql.rows<{ user_id: number; display_name: string }>(
        `SELECT user_id, display_name FROM users
          WHERE user_id <> ? AND (display_name LIKE CONCAT(?, '%') OR display_name LIKE CONCAT('% ', ?, '%'))
          ORDER BY display_name LIKE CONCAT(?, '%') DESC, display_name, user_id
          LIMIT ${PEOPLE_SEARCH_LIMIT}`,
        [ctx.identity.userId, prefix, prefix, prefix],
      );
      return rows.map((r) => ({ userId: r.user_id, displayName: r.display_name }));
    }),
});
