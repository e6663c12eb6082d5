// [§4a] Finding someone to start a chat with: by a word of their name, never oneself,
// never by e-mail, a few at a time, and a caller who keeps searching is slowed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, trpcClient } from '../support/clients.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ label: 'people' });
});
afterAll(async () => {
  await server?.dispose();
});

describe('[§4a] people search', () => {
  it('finds others by the start of a word of their name, never the caller', async () => {
    const [me, ada, adam, zed] = await Promise.all([
      createUser(server.url, 'Adaline Me'),
      createUser(server.url, 'Ada Lovelace'),
      createUser(server.url, 'Grace Adams'),
      createUser(server.url, 'Zed 100%_ Done'),
    ]);
    const search = (query: string) =>
      trpcClient(server.url, me.token).people.search.query({ query });
    // Names that start with it first, then names with a word that does.
    expect(await search('ada')).toEqual([
      { userId: ada.user.userId, displayName: 'Ada Lovelace' },
      { userId: adam.user.userId, displayName: 'Grace Adams' },
    ]);
    expect(await search('lace')).toEqual([]);
    // A pattern character is a character, not a wildcard.
    expect(await search('100%_')).toEqual([
      { userId: zed.user.userId, displayName: 'Zed 100%_ Done' },
    ]);
    expect(await search('1%')).toEqual([]);
    // An e-mail address finds nobody: only names are searched.
    expect(await search(ada.user.email)).toEqual([]);
  });

  it('refuses a one-letter query and a signed-out caller', async () => {
    const me = await createUser(server.url, 'Solo');
    await expect(
      trpcClient(server.url, me.token).people.search.query({ query: 'a' }),
    ).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
    await expect(
      trpcClient(server.url, 'not-a-token').people.search.query({ query: 'ada' }),
    ).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
  });
});
