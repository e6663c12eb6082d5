// A stand-in for any Electron API: every property is another stand-in, every call and
// construction is recorded with its arguments and answers a stand-in. A few answers are
// real values, where the main process needs one to go on (see ANSWERS).
export const calls = [];
const stubs = new WeakSet();

/** Answers by call path, for the calls whose answer the main process reads. */
const ANSWERS = {
  'app.getPath': (name) => `/stub/${name}`,
  'app.getVersion': () => '0.0.0-stub',
  'app.requestSingleInstanceLock': () => true,
  'app.whenReady': () => Promise.resolve(),
  'net.isOnline': () => true,
  'new BrowserWindow.isDestroyed': () => false,
  'new BrowserWindow.isFocused': () => false,
};

/** A JSON-safe copy of a call's arguments, for the report. */
function copyOf(value, ancestors = new Set()) {
  if (stubs.has(value)) return '[stub]';
  if (typeof value === 'function') return '[function]';
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (ancestors.has(value)) return '[circular]';
  ancestors.add(value);
  const copy = Array.isArray(value)
    ? value.map((item) => copyOf(item, ancestors))
    : Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, copyOf(item, ancestors)]),
      );
  ancestors.delete(value);
  return copy;
}

export function stub(path) {
  const target = function stubbed() {};
  const proxy = new Proxy(target, {
    get(_target, property) {
      // Not a thenable, so `await stub` does not wait forever.
      if (property === 'then') return undefined;
      if (property === Symbol.toPrimitive) return () => 0;
      if (property === Symbol.iterator) return [][Symbol.iterator];
      if (typeof property === 'symbol') return undefined;
      if (path === 'app' && property === 'isPackaged') {
        return process.env.BUILT_MAIN_IS_PACKAGED === 'true';
      }
      return stub(`${path}.${property}`);
    },
    apply(_target, _this, args) {
      calls.push({ path, args: copyOf(args), raw: args });
      const answer = ANSWERS[path];
      return answer ? answer(...args) : stub(`${path}()`);
    },
    construct(_target, args) {
      calls.push({ path: `new ${path}`, args: copyOf(args), raw: args });
      return stub(`new ${path}`);
    },
  });
  stubs.add(proxy);
  return proxy;
}
