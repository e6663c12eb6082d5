// The desktop app end to end: launch the built app (out/main/index.js) in a real
// Electron and run the desktop story of tests/support/desktop-app.ts (sign in, send,
// receive with a notification, open a deep link through a second launch). Where no
// Electron binary exists it reports one skipped test and why.
//
// Before running: `npx electron-vite build` (SERVER_URL defaults to
// http://127.0.0.1:8787, which this test serves; set E2E_SERVER_URL when the app was
// built for another one) and a MySQL server as for the integration tests
// (TEST_DATABASE_URL). On Linux without a display, run under xvfb-run. The packaged app
// gets the same story in tests/desktop-smoke/.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { electronPackageDir, locateElectronBinary } from '../../electron/dev/electron-binary.ts';
import { signInSendReceiveAndOpenDeepLink } from '../support/desktop-app.ts';

const binary = locateElectronBinary(electronPackageDir());
const MAIN_ENTRY = join(process.cwd(), 'out/main/index.js');

test('desktop app: sign in, send, receive with a notification, open a deep link (skipped where no Electron binary is installed)', async () => {
  if (!binary.available) {
    // The list reporter shows a skip but not its reason; say it where CI logs show it.
    console.log(`skipped: ${binary.reason}`);
    test.skip(true, binary.reason);
    return;
  }
  test.setTimeout(180_000);
  if (!existsSync(MAIN_ENTRY))
    throw new Error('out/main/index.js is missing: run `npx electron-vite build` first');
  await signInSendReceiveAndOpenDeepLink({
    executablePath: binary.executablePath,
    args: [MAIN_ENTRY],
  });
});
