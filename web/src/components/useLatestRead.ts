import { useCallback, useRef } from 'preact/hooks';

/**
 * Numbers a component's reads so that only the latest lands: a search typed on, new filters, or an action's
 * reload beside the poll can be answered out of order, and an older answer must not replace a newer one.
 * Calling the returned function starts a read; the function it gives back tells whether that read is still the latest.
 */
export function useLatestRead(): () => () => boolean {
  const reads = useRef(0);
  return useCallback(() => {
    const read = ++reads.current;
    return () => read === reads.current;
  }, []);
}
