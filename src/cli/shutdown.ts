import type { RunningServer } from '../server.js';

/**
 * SIGTERM or SIGINT drains the server (see RunningServer.drain) and exits: 0 when everything
 * finished, 1 when the deadline cut work off. A second signal exits at once, for an operator who
 * will not wait.
 */
export function exitGracefullyOnSignals(server: RunningServer, deadlineMs: number): void {
  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) {
      server.app.log.warn({ signal }, 'shutdown: second signal, exiting now');
      process.exit(1);
    }
    draining = true;
    server.app.log.info({ signal }, 'shutdown: signal received');
    server.drain(deadlineMs).then(
      (finished) => process.exit(finished ? 0 : 1),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
