// A packaged app, as electron-builder made it (asar, fuses, its own executable), launched
// through Playwright's Electron support and taken through the desktop story: sign in,
// send, receive with a notification, open a deep link. Playwright attaches through the
// Node inspector, which the release fuses forbid, so the pipeline builds this one with
// electron-builder.e2e.yml: the release configuration with that one fuse left on.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from '@playwright/test';
import { signInSendReceiveAndOpenDeepLink } from '../support/desktop-app.ts';

const executable = process.env.TIMENEST_PACKAGED_APP;

test('packaged app: sign in, send, receive with a notification, open a deep link (skipped without TIMENEST_PACKAGED_APP)', async () => {
  if (!executable) {
    const reason =
      'no packaged app given: set TIMENEST_PACKAGED_APP to the executable electron-builder made';
    console.log(`skipped: ${reason}`);
    test.skip(true, reason);
    return;
  }
  const executablePath = resolve(executable);
  // A path that names nothing is a broken pipeline, not a reason to skip.
  if (!existsSync(executablePath))
    throw new Error(`TIMENEST_PACKAGED_APP names no file: ${executablePath}`);
  await signInSendReceiveAndOpenDeepLink({ executablePath, args: [] });
});
