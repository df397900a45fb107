import { useEffect, useRef } from 'preact/hooks';

/** Runs `load` now and then every `intervalMs` after the previous run ended, until unmounted. */
export function usePolling(load: () => Promise<void>, intervalMs: number): void {
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const tick = async () => {
      await latest.current();
      if (!stopped) timer = window.setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [intervalMs]);
}
