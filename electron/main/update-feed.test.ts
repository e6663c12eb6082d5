import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryFileStore } from './test-support/memory-file-store.ts';
import { parseUpdateFeed, readUpdateFeed, UpdateFeedError } from './update-feed.ts';

// As electron-builder writes resources/app-update.yml for `publish: {provider: generic, url}`.
const SIGNED_WINDOWS_BUILD = `provider: generic
url: https://updates.timenest.example/desktop
updaterCacheDirName: timenest-chat-updater
publisherName:
  - TimeNest Ltd
`;

describe('parseUpdateFeed', () => {
  it('finds no feed in a build made with publish: null (no app-update.yml)', () => {
    expect(parseUpdateFeed(null)).toBeNull();
  });

  it('reads the feed and the Windows publisher of a signed build', () => {
    expect(parseUpdateFeed(SIGNED_WINDOWS_BUILD)).toEqual({
      url: 'https://updates.timenest.example/desktop',
      publisherNames: ['TimeNest Ltd'],
    });
  });

  it('accepts a single publisher name as well as a list', () => {
    const text = SIGNED_WINDOWS_BUILD.replace(
      'publisherName:\n  - TimeNest Ltd',
      "publisherName: 'TimeNest, Ltd'",
    );
    expect(parseUpdateFeed(text)?.publisherNames).toEqual(['TimeNest, Ltd']);
  });

  it('names no publisher for an unsigned build', () => {
    const text = 'provider: generic\nurl: https://updates.timenest.example/desktop\n';
    expect(parseUpdateFeed(text)?.publisherNames).toEqual([]);
  });

  it('rejects a feed that is not https, another provider, and text that is not YAML', () => {
    for (const text of [
      'provider: generic\nurl: http://updates.timenest.example/\n',
      'provider: github\nowner: timenest\nrepo: chat\n',
      'provider: generic\nurl: [https://a.example\n',
      '- just\n- a list\n',
    ]) {
      expect(() => parseUpdateFeed(text), text).toThrow(UpdateFeedError);
    }
  });
});

describe('readUpdateFeed', () => {
  const resources = join('/opt', 'TimeNest Chat', 'resources');

  it('reads app-update.yml from the resources folder', async () => {
    const files = createMemoryFileStore({
      [join(resources, 'app-update.yml')]: SIGNED_WINDOWS_BUILD,
    });
    await expect(readUpdateFeed(files, resources)).resolves.toMatchObject({
      url: 'https://updates.timenest.example/desktop',
    });
  });

  it('finds no feed when the build wrote no app-update.yml', async () => {
    await expect(readUpdateFeed(createMemoryFileStore(), resources)).resolves.toBeNull();
  });
});
