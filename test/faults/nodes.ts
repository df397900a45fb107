import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One Packstore node as a child process (`packstore serve`), killable with SIGKILL and restartable on its port. */
export class NodeProcess {
  private child?: ChildProcess;
  private stopping = false;
  readonly url: string;
  kills = 0;
  /** Exits nobody asked for (a crash of the server itself), with their code or signal. */
  readonly unexpectedExits: string[] = [];

  constructor(
    readonly name: string,
    private readonly port: number,
    private readonly dataDir: string,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(this.port), '--data-dir', this.dataDir], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...this.env,
        PACKSTORE_LOG_LEVEL: process.env.FAULT_LOG_LEVEL ?? 'warn',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    this.stopping = false;
    child.once('exit', (code, signal) => {
      if (!this.stopping) this.unexpectedExits.push(`${this.name} exited by itself with ${signal ?? `code ${code}`}; see ${this.logFile}`);
    });
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode} at start; see ${this.logFile}`);
      const ready = await fetch(`${this.url}/api/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ready) return;
      await sleep(100);
    }
    throw new Error(`${this.name} did not become ready; see ${this.logFile}`);
  }

  /** SIGKILL: no cleanup, no goodbye, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.stopping = true;
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  /** The end of the node's output, for a failure report. */
  logTail(chars = 3000): Promise<string> {
    return readFile(this.logFile, 'utf8').then(
      (text) => text.slice(-chars),
      () => '',
    );
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.stopping = true;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
