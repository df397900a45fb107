import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { must } from './must.js';

/** `packstore serve` as a child process: its URL once it listens, its log, and its exit. */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote so far (JSON log lines on stdout, messages on stderr). */
  output(): string;
  /** Resolves once the output matches `pattern`; rejects if the process exits first. */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** The exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** Ends it if it still runs (SIGKILL: tests that want a graceful stop send SIGTERM themselves). */
  kill(): Promise<void>;
}

/** Starts `command args… serve --port 0 …` and waits until it listens. */
export async function startServeProcess(command: string, args: string[], env: Record<string, string | undefined>): Promise<ServeProcess> {
  const child = spawn(command, args, {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const waitForOutput = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(out)) return;
        listeners.delete(check);
        resolve();
      };
      listeners.add(check);
      check();
      void exited.then((code) => {
        listeners.delete(check);
        reject(new Error(`the server exited (${code}) before printing ${pattern}:\n${out}`));
      });
    });
  await waitForOutput(/Server listening at https?:\/\/\S+/);
  const url = must(/Server listening at (https?:\/\/[^\s"]+)/.exec(out)?.[1], 'the URL in the line the server printed');
  return {
    url,
    child,
    output: () => out,
    waitForOutput,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
