// React access to the navigator: the current route, navigate(), and <Link>.
import {
  type AnchorHTMLAttributes,
  createContext,
  type MouseEvent,
  type ReactNode,
  use,
  useMemo,
  useSyncExternalStore,
} from 'react';
import type { Navigator } from './navigator.ts';
import { parseRoute, type Route } from './routes.ts';

const NavigatorContext = createContext<Navigator | null>(null);

export function RouterProvider({
  navigator,
  children,
}: {
  navigator: Navigator;
  children: ReactNode;
}) {
  return <NavigatorContext value={navigator}>{children}</NavigatorContext>;
}

export function useNavigator(): Navigator {
  const navigator = use(NavigatorContext);
  if (!navigator) throw new Error('useNavigator outside RouterProvider');
  return navigator;
}

export function useRoute(): Route {
  const navigator = useNavigator();
  const location = useSyncExternalStore(navigator.subscribe, navigator.location);
  return useMemo(() => parseRoute(location.pathname, location.search), [location]);
}

export function useNavigate(): Navigator['navigate'] {
  return useNavigator().navigate;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string; replace?: boolean };

export function Link({ to, replace, onClick, children, ...rest }: LinkProps) {
  const navigator = useNavigator();
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigator.navigate(to, { replace });
  };
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}
