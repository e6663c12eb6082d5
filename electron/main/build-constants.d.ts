// Replaced at build time by electron.vite.config.ts (`define`), from SERVER_URL.
declare const __TIMENEST_SERVER_URL__: string | undefined;
