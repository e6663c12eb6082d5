// Finding people by name as one types (people.search on the server): one request once the
// typing pauses, none below two characters, and only the latest answer counts.
import { useEffect, useState } from 'react';
import type { PublicUser } from '../../../shared/model.ts';
import type { ServerClient } from '../server-client.ts';

const TYPING_PAUSE_MS = 250;

export type PeopleFound =
  | { state: 'idle' }
  | { state: 'searching' }
  | { state: 'found'; people: PublicUser[] }
  | { state: 'failed'; reason: string };

export function usePeopleSearch(server: ServerClient, query: string): PeopleFound {
  const [found, setFound] = useState<PeopleFound>({ state: 'idle' });
  useEffect(() => {
    const text = query.trim();
    if ([...text].length < 2) {
      setFound({ state: 'idle' });
      return;
    }
    let isCurrent = true;
    const timer = setTimeout(() => {
      setFound({ state: 'searching' });
      server
        .searchPeople(text)
        .then((people) => isCurrent && setFound({ state: 'found', people }))
        .catch((error: unknown) => {
          if (!isCurrent) return;
          const reason = error instanceof Error ? error.message : 'the search failed';
          setFound({ state: 'failed', reason });
        });
    }, TYPING_PAUSE_MS);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [query, server]);
  return found;
}
