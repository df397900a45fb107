import { useLayoutEffect, useRef } from 'preact/hooks';

/** The page the browser opened keeps the browser's own focus start, so Tab reaches the skip link first. */
let firstPage = true;

/**
 * Focuses the element (a page heading) when the page appears after sign-in or a navigation,
 * so a screen reader hears where it is and Tab goes on from there. A layout effect focuses it in the same
 * commit that inserts it: with a plain effect the heading was on screen, unfocused, for a frame, and a key
 * pressed in that frame went to the old focus.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useLayoutEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    ref.current?.focus();
  }, []);
  return ref;
}
