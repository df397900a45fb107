import { useEffect, useState } from 'preact/hooks';
import type { DiffSource } from './api/diffs.js';

export const BASE = '/console/';

export type Route =
  | { page: 'packages' }
  | { page: 'builder' }
  | { page: 'migrations' }
  | { page: 'migration'; id: string }
  | { page: 'diff'; source: DiffSource }
  | { page: 'not-found'; path: string };

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : '';
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'packages')) return { page: 'packages' };
  if (parts.length === 1 && parts[0] === 'builder') return { page: 'builder' };
  if (parts[0] === 'migrations' && parts.length === 1) return { page: 'migrations' };
  if (parts[0] === 'migrations' && parts.length === 2 && parts[1]) return { page: 'migration', id: parts[1] };
  if (parts[0] === 'migrations' && parts[1] && parts[2] === 'diff' && (parts.length === 3 || (parts.length === 4 && parts[3] === 'undo')))
    return { page: 'diff', source: { kind: 'migration', id: parts[1], undo: parts.length === 4 } };
  if (parts[0] === 'packages' && parts.length === 3 && parts[1] && parts[2] === 'diff') return { page: 'diff', source: { kind: 'file', id: parts[1] } };
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
      return `${BASE}migrations/${segment(route.id)}`;
    case 'diff':
      return route.source.kind === 'file'
        ? `${BASE}packages/${segment(route.source.id)}/diff`
        : `${BASE}migrations/${segment(route.source.id)}/diff${route.source.undo ? '/undo' : ''}`;
    case 'not-found':
      return route.path;
  }
}

/** Migration ids are "<package>:<import>"; a colon is fine in a path segment. */
const segment = (id: string) => encodeURIComponent(id).replace(/%3A/g, ':');

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
