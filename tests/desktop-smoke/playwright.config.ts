// The smoke test of a packaged desktop app (electron-builder's output, not node_modules'
// Electron). The release pipeline (.github/workflows/desktop.yml) runs it after packaging:
//   TIMENEST_PACKAGED_APP=<the app's executable> npx playwright test -c tests/desktop-smoke
// Without TIMENEST_PACKAGED_APP it reports one skipped test and why.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  outputDir: '../../test-results/desktop-smoke',
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
});
