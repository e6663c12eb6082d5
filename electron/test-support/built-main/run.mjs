// Runs the built main bundle (out/main/index.js) under plain Node with Electron stubbed,
// drives it through start-up, and prints what it did as one JSON line after MARKER:
// every Electron and electron-updater call with its arguments, the Content-Security-
// Policy its app:// handler serves, and its log. Usage: node run.mjs <bundle>
// (BUILT_MAIN_IS_PACKAGED=true to be an installed app, BUILT_MAIN_PLATFORM=win32 to be on
// Windows).
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

const MARKER = '@@built-main ';
const DEADLINE_MS = 10_000;

register('./hooks.mjs', import.meta.url);
// Electron sets this for the main process; here it names a folder with nothing in it.
process.resourcesPath = '/stub/resources';
// The platform the bundle believes it runs on; its platform branches follow it.
if (process.env.BUILT_MAIN_PLATFORM) {
  Object.defineProperty(process, 'platform', { value: process.env.BUILT_MAIN_PLATFORM });
}
const { calls } = await import('./recorder.mjs');

const logged = [];
const log = console.log;
console.log = (...args) => logged.push(args.map(String).join(' '));
console.error = console.log;

/** Waits until a call on `path` has been recorded; the bundle's start-up is asynchronous. */
async function recorded(path) {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const call = calls.find((c) => c.path === path);
    if (call) return call;
    if (Date.now() > deadline) throw new Error(`the main process never called ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function listenersOf(event) {
  return calls.filter((c) => c.path === 'app.on' && c.raw[0] === event).map((c) => c.raw[1]);
}

let contentSecurityPolicy = null;
let failure = null;

function report() {
  const result = {
    calls: calls.map(({ path, args }) => ({ path, args })),
    contentSecurityPolicy,
    logged,
    failure,
  };
  log(MARKER + JSON.stringify(result));
}

try {
  await import(pathToFileURL(process.argv[2]).href);
  // The page is loaded last in start(): everything it set up before is recorded by then.
  await recorded('new BrowserWindow.loadURL');
  const handle = calls.find((c) => c.path === 'protocol.handle' && c.raw[0] === 'app');
  if (handle) {
    const response = await handle.raw[1](new Request('app://timenest/index.html'));
    contentSecurityPolicy = response.headers.get('content-security-policy');
  }
  // Quitting stops the network poll, so the process ends once every started promise has
  // settled (an update check included): what it printed then is all it did.
  for (const listener of listenersOf('will-quit')) listener({ preventDefault() {} });
  process.once('beforeExit', report);
  // Something still scheduled (an interval nobody stops) would keep it alive for ever.
  setTimeout(() => {
    failure = `still running ${DEADLINE_MS} ms after quitting: a timer or handle outlived it`;
    report();
    process.exit(1);
  }, DEADLINE_MS).unref();
} catch (error) {
  const reason = error instanceof Error ? error.stack : String(error);
  failure = [reason, 'it logged:', ...logged].join('\n');
  report();
  process.exit(1);
}
