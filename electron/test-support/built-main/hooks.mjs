// Module resolution hooks for running the built main bundle under plain Node: `electron`
// and `electron-updater` resolve to the recording stub beside this file.
const STUBS = {
  electron: new URL('./electron-stub.mjs', import.meta.url).href,
  'electron-updater': new URL('./electron-updater-stub.mjs', import.meta.url).href,
};

export async function resolve(specifier, context, nextResolve) {
  const stub = STUBS[specifier];
  if (stub !== undefined) return { url: stub, shortCircuit: true };
  return nextResolve(specifier, context);
}
