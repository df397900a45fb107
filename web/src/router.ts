import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console/';

export type Route =
  | { page: 'packages' }
  | { page: 'builder' }
  | { page: 'migrations' }
  | { page: 'migration'; id: string }
  | { page: 'not-found'; path: string };

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : '';
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'packages')) return { page: 'packages' };
  if (parts.length === 1 && parts[0] === 'builder') return { page: 'builder' };
  if (parts[0] === 'migrations' && parts.length === 1) return { page: 'migrations' };
  if (parts[0] === 'migrations' && parts.length === 2 && parts[1]) return { page: 'migration', id: parts[1] };
  return { page: 'not-found', path: pathname };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'packages':
      return `${BASE}packages`;
    case 'builder':
      return `${BASE}builder`;
    case 'migrations':
      return `${BASE}migrations`;
    case 'migration':
      // Migration ids are "<package>:<import>"; a colon is fine in a path segment.
      return `${BASE}migrations/${encodeURIComponent(route.id).replace(/%3A/g, ':')}`;
    case 'not-found':
      return route.path;
  }
}

const CHANGED = 'packstore:navigate';

export function navigate(href: string): void {
  if (href === window.location.pathname) return;
  window.history.pushState(null, '', href);
  window.dispatchEvent(new Event(CHANGED));
}

/** The current route, following history navigation (links, back and forward). */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGED, update);
    };
  }, []);
  return route;
}
