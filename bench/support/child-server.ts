/**
 * What the benchmarks that drive a server in its own process share: calls over HTTP in the Library
 * shape, a login, the child's RSS and CPU time from /proc, and percentiles of latencies.
 */
import { readFile } from 'node:fs/promises';
import { withMallocTunable } from '../../src/cli/process-memory.js';
import { CLI_FROM_SOURCES } from '../../test/support/cli.js';
import { must } from '../../test/support/must.js';
import { startServeProcess, type ServeProcess } from '../../test/support/serve-process.js';

/** `packstore serve` from the sources in a process of its own, with the malloc setting `npm start` gives it. */
export function serveFromSources(dataDir: string, env: Record<string, string>): Promise<ServeProcess> {
  const args = [...CLI_FROM_SOURCES, 'serve', '--port', '0', '--data-dir', dataDir];
  return startServeProcess(process.execPath, args, withMallocTunable({ ...process.env, ...env }));
}

export type Call = (
  method: string,
  path: string,
  init?: { token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> },
) => Promise<Response>;

export function caller(url: string): Call {
  return (method, path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers['X-MSTR-AuthToken'] = init.token;
    if (init.json !== undefined) headers['Content-Type'] = 'application/json';
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    return fetch(url + path, { method, headers, body, duplex: 'half' } as RequestInit);
  };
}

export async function ok(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function login(call: Call, password: string): Promise<string> {
  const res = await call('POST', '/api/auth/login', { body: new URLSearchParams({ loginMode: '1', username: 'Administrator', password }) });
  await ok(res, 'login');
  return must(res.headers.get('x-mstr-authtoken'), 'a session token');
}

export async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 1024;
}

/** Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s. */
const TICKS_PER_SECOND = 100;

/** The user and system CPU time the process has used, in seconds (all its threads). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3: utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN);
}
