/**
 * `npm run demo`: two environments on this machine (source :8080, target :8081), a package of
 * Tutorial objects made in the source, and the seed's flow run through the packstore CLI
 * (download, upload, import, status). Both servers keep running until Ctrl-C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoNotes, demoProblems, type DemoEnvironment } from './demo-checks.js';
import { errorLine } from './error-line.js';
import { withMallocTunable } from './process-memory.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(ROOT, 'src/cli/main.ts');
const DATA = process.env.PACKSTORE_DEMO_DATA ? path.resolve(process.env.PACKSTORE_DEMO_DATA) : path.join(ROOT, 'demo-data');
const PASSWORD = process.env.PACKSTORE_ADMIN_PASSWORD || 'packstore-demo-admin';
const PROJECT = 'MicroStrategy Tutorial';
const OBJECTS = ['8D679D5111D3E4981000E787EC6DE8A4:12', '8D679D3711D3E4981000E787EC6DE8A4:12'];
const PORTS_VARIABLE = 'PACKSTORE_DEMO_PORTS';

function demoPorts(): [number, number] {
  const raw = process.env[PORTS_VARIABLE];
  if (!raw) return [8080, 8081];
  const ports = raw.split(',').map((p) => Number(p.trim()));
  if (ports.length !== 2 || !ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536) || ports[0] === ports[1]) {
    throw new Error(`${PORTS_VARIABLE} must be two different ports, source first, e.g. 9080,9081; got ${raw}`);
  }
  return ports as [number, number];
}

const ENVIRONMENTS: DemoEnvironment[] = (['source', 'target'] as const).map((name, i) => {
  const port = i === 0 ? demoPorts()[0] : demoPorts()[1];
  return { name, port, profile: `demo-${name}`, url: `http://127.0.0.1:${port}`, dataDir: path.join(DATA, name) };
});

const cliEnv = { ...process.env, XDG_CONFIG_HOME: path.join(DATA, 'config'), PACKSTORE_PASSWORD: PASSWORD };
const servers: ChildProcess[] = [];

function say(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

function node(args: string[], env: NodeJS.ProcessEnv, stdout: 'inherit' | 'pipe'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, stdio: ['ignore', stdout, 'inherit'] });
}

/** Runs one CLI command, showing it; with `json` its --json result is returned. */
async function packstore(args: string[], json = false): Promise<Record<string, unknown>> {
  process.stdout.write(`$ packstore ${args.map((a) => (/[\s"]/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  const child = node(json ? [...args, '--json'] : args, cliEnv, json ? 'pipe' : 'inherit');
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`packstore ${args[0]} ${args[1] ?? ''} failed (exit ${code})`);
  return json ? (JSON.parse(out) as Record<string, unknown>) : {};
}

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/api/status`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not start; is the port free?`);
}

function stopAll(): void {
  for (const server of servers) server.kill('SIGTERM');
}

async function main(): Promise<void> {
  const problems = await demoProblems(ENVIRONMENTS, PORTS_VARIABLE);
  if (problems.length > 0) throw new Error(`cannot start:\n  ${problems.join('\n  ')}`);
  for (const note of await demoNotes(ENVIRONMENTS, cliEnv, 'PACKSTORE_ADMIN_PASSWORD')) process.stdout.write(`note: ${note}\n`);
  await mkdir(path.join(DATA, 'downloads'), { recursive: true });
  say(`starting two environments (administrator password: ${PASSWORD})`);
  for (const env of ENVIRONMENTS) {
    const server = node(
      ['serve', '--port', String(env.port), '--data-dir', env.dataDir],
      withMallocTunable({ ...process.env, PACKSTORE_ADMIN_PASSWORD: PASSWORD, PACKSTORE_LOG_LEVEL: 'warn' }),
      'inherit',
    );
    server.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(`the ${env.name} server stopped (exit ${code})\n`);
    });
    servers.push(server);
  }
  const [source, target] = ENVIRONMENTS.map((e) => e.url) as [string, string];
  await Promise.all([waitForServer(source), waitForServer(target)]);
  // A server that could not take its port has exited: whatever answers there is not ours.
  const stopped = ENVIRONMENTS.filter((_, i) => servers[i]?.exitCode !== null);
  if (stopped.length > 0) throw new Error(`the ${stopped.map((e) => e.name).join(' and ')} server stopped at start; see its message above`);

  say('logging in to both');
  await packstore(['login', source, '--profile', 'demo-source']);
  await packstore(['login', target, '--profile', 'demo-target']);

  say('creating a package of Tutorial objects in the source');
  const name = `Demo package ${new Date().toISOString().slice(0, 19).replace('T', ' ')}`;
  const created = await packstore(
    [
      'migrations',
      'create',
      '--profile',
      'demo-source',
      '--project',
      PROJECT,
      '--include-dependents',
      '--name',
      name,
      ...OBJECTS.flatMap((o) => ['--object', o]),
    ],
    true,
  );
  const packageId = (created.packageInfo as { id: string }).id;
  process.stdout.write(`package ${packageId} created\n`);

  say('step 1: download the package from the source');
  const saved = await packstore(['migrations', 'download', packageId, '--profile', 'demo-source', '-o', path.join(DATA, 'downloads')], true);
  process.stdout.write(`saved ${String(saved.path)} (${String(saved.size)} bytes, sha256 ${String(saved.sha256)})\n`);

  say('steps 2–3: upload it to the target (metadata, then the binary)');
  const file = await packstore(['files', 'upload', String(saved.path), '--profile', 'demo-target', '--name', name], true);
  process.stdout.write(`file ${String(file.id)}\n`);

  say('step 4: import it into the target project');
  const started = await packstore(['migrations', 'import', String(file.id), '--project', PROJECT, '--profile', 'demo-target', '--no-wait'], true);

  say('step 5: follow the import');
  await packstore(['migrations', 'status', String(started.id), '--watch', '--profile', 'demo-target']);

  say('done: both environments keep running');
  process.stdout.write(`source  ${source}/console\ntarget  ${target}/console\nlog in as Administrator with ${PASSWORD}; Ctrl-C stops both.\n`);
}

process.once('SIGINT', () => {
  stopAll();
  process.exit(0);
});
main().catch((error: unknown) => {
  process.stderr.write(errorLine(`demo: ${error instanceof Error ? error.message : String(error)}`));
  stopAll();
  process.exit(1);
});
