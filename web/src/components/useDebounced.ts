import { useEffect, useState } from 'preact/hooks';

/** The value once it has stopped changing for `ms`: typing in a search box asks the server once, not per key. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
