// A small history-API router: the current location as an external store, and navigate().
export interface AppLocation {
  pathname: string;
  search: string;
}

export interface Navigator {
  subscribe(listener: () => void): () => void;
  location(): AppLocation;
  navigate(to: string, options?: { replace?: boolean }): void;
}

export function createHistoryNavigator(win: Window): Navigator {
  const listeners = new Set<() => void>();
  let current: AppLocation = { pathname: win.location.pathname, search: win.location.search };
  const refresh = () => {
    const next = { pathname: win.location.pathname, search: win.location.search };
    if (next.pathname === current.pathname && next.search === current.search) return;
    current = next;
    for (const listener of listeners) listener();
  };
  win.addEventListener('popstate', refresh);
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    location: () => current,
    navigate(to, options) {
      if (options?.replace) win.history.replaceState(null, '', to);
      else win.history.pushState(null, '', to);
      refresh();
    },
  };
}
