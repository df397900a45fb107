/**
 * Upload and download one real, signed package through the API of a server run as a child process, next to
 * `openssl dgst -sha256` of the same file (and inflating it alone, which a checked upload cannot beat) and a plain node:http server that streams it (the download's
 * baseline, a child process too); the CLI's `files upload` and `transfer` of the same package; then the
 * package as a resumable (tus) upload whose connection is cut once, part-way. BENCH_SIZE_MB sets the size
 * (1024). The CLI runs from the compiled build (`npm run bench:transfer` builds it first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Upload } from 'tus-js-client';
import { withMallocTunable } from '../src/cli/process-memory.js';
import { writeLargePackage } from './large-package.js';
import { percentile } from './support/child-server.js';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1024);
const DOWNLOAD_RUNS = 5;
const PASSWORD = 'bench-admin-password';
const BOUNDARY = 'benchboundary7d1f';
const FILES = '/api/mstrServices/library/storage/sharedFileStore/files';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  return readFile(`/proc/${pid}/status`, 'utf8').then((status) => {
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  });
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function call(port: number, method: string, url: string, options: { headers?: http.OutgoingHttpHeaders; body?: Buffer | string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A multipart PUT whose file part streams from disk, framed as python-requests frames it. */
function uploadFile(port: number, url: string, token: string, file: string, size: number): Promise<Answer> {
  const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: url,
        headers: {
          'X-MSTR-AuthToken': token,
          'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
          'Content-Length': head.length + size + tail.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.write(head);
    const source = createReadStream(file, { highWaterMark: 1024 * 1024 });
    source.on('error', reject);
    source.pipe(req, { end: false });
    source.on('end', () => req.end(tail));
  });
}

/**
 * A download received in memory and let go (a file written by the client would time the disk, not the server),
 * hashed as it arrives when `check` is set.
 */
function downloadFile(port: number, url: string, token: string, check = false): Promise<{ bytes: number; sha256?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path: url, headers: { 'X-MSTR-AuthToken': token } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`download answered ${res.statusCode}`));
      const hash = check ? createHash('sha256') : undefined;
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        hash?.update(chunk);
      });
      res.on('end', () => resolve({ bytes, sha256: hash?.digest('hex') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function opensslSha256(file: string): string {
  const result = spawnSync('openssl', ['dgst', '-sha256', '-r', file], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  const [digest] = result.stdout.split(' ');
  if (!digest) throw new Error(`openssl printed no digest: ${result.stdout}`);
  return digest;
}

/**
 * The floor of a checked upload: the server inflates every byte to check the entries against the manifest.
 * Timed in a process of its own with node:zlib, the library the server uses (faster here than gzip -dc).
 */
function inflateOnly(file: string): void {
  const script = `require('node:fs').createReadStream(process.argv[1], { highWaterMark: 1 << 20 }).pipe(require('node:zlib').createGunzip({ chunkSize: 1 << 16 })).resume()`;
  const result = spawnSync(process.execPath, ['-e', script, file]);
  if (result.status !== 0) throw new Error(`inflating failed: ${result.stderr.toString()}`);
}

async function waitForServer(port: number, child: ReturnType<typeof spawn>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await call(port, 'GET', '/api/status')).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}

const mbps = (bytes: number, seconds: number) => bytes / 1024 / 1024 / seconds;

/** Forgets the process's peak RSS (VmHWM), so that the next phase's peak is its own. */
const resetPeak = (pid: number) => writeFile(`/proc/${pid}/clear_refs`, '5');

/**
 * A tus upload with tus-js-client that cuts its own connection once `cutAt` bytes went out (an
 * abort drops the socket mid-PATCH), then starts again: it asks the server where it stands and
 * sends the rest from there. Returns the offset it resumed at.
 */
function resumableUpload(port: number, fileId: string, token: string, file: string, size: number, cutAt: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let cut = false;
    let resumedAt = -1;
    const upload: Upload = new Upload(createReadStream(file), {
      endpoint: `http://127.0.0.1:${port}${FILES}/${fileId}/uploads`,
      headers: { 'X-MSTR-AuthToken': token },
      uploadSize: size,
      retryDelays: [0, 1000, 3000, 5000, 10_000, 20_000],
      onBeforeRequest: (req) => {
        if (cut && req.getMethod() === 'PATCH') resumedAt = Number(req.getHeader('Upload-Offset'));
      },
      onProgress: (sent) => {
        if (cut || sent < cutAt) return;
        cut = true;
        void upload.abort().then(() => upload.start(), reject);
      },
      onError: reject,
      onSuccess: () => resolve(resumedAt),
    });
    upload.start();
  });
}

/**
 * The download's baseline: a minimal node:http server, in a process of its own like Packstore's, that streams
 * the file with fs.createReadStream (Node has no sendfile) to whoever asks. Prints its port.
 */
const PLAIN_SERVER = `
import http from 'node:http';
import { createReadStream, statSync } from 'node:fs';
const file = process.argv[1];
const size = statSync(file).size;
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  createReadStream(file, { highWaterMark: Number(process.env.PLAIN_HWM) }).pipe(res);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

async function plainServer(file: string): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PLAIN_SERVER, file], {
    env: { ...process.env, PLAIN_HWM: String(1024 * 1024) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return { port: Number(line.toString().trim()), stop: () => child.kill('SIGTERM') };
}

/** The compiled CLI, in a config home of its own; `marks` are the seconds at which stderr lines starting with the given prefixes appeared. */
function runCli(
  home: string,
  args: string[],
  markers: string[] = [],
  stopAt?: string,
): Promise<{ code: number | null; seconds: number; marks: Map<string, number>; output: string }> {
  const start = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - start) / 1e9;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/packstore.js'), ...args], {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: home, PACKSTORE_PASSWORD: PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const marks = new Map<string, number>();
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
    for (const marker of markers) if (!marks.has(marker) && `\n${output}`.includes(`\n${marker}`)) marks.set(marker, since());
    if (stopAt && marks.has(stopAt)) child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, seconds: since(), marks, output }));
  });
}

function startServer(port: number, dataDir: string): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port), '--data-dir', dataDir], {
    cwd: ROOT,
    // Started as `npm start` starts it (glibc's mmap threshold fixed).
    env: withMallocTunable({ ...process.env, PACKSTORE_ADMIN_PASSWORD: PASSWORD, PACKSTORE_LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function logIn(port: number): Promise<string> {
  const login = await call(port, 'POST', '/api/auth/login', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ loginMode: '1', username: 'Administrator', password: PASSWORD }).toString(),
  });
  return String(login.headers['x-mstr-authtoken']);
}

async function createFile(port: number, token: string, metadata: object): Promise<string> {
  const created = await call(port, 'POST', FILES, {
    headers: { 'X-MSTR-AuthToken': token, 'Content-Type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  if (created.status !== 200) throw new Error(`metadata answered ${created.status}: ${created.body.toString()}`);
  return (JSON.parse(created.body.toString()) as { id: string }).id;
}

const TUTORIAL = { id: 'B19DEDCC11D4E0EFC000EB9495D0F44F', name: 'MicroStrategy Tutorial' };

/**
 * Gives the source server a migration package holding the package, for `packstore transfer` to carry: the
 * uploaded file imported into its Tutorial. Returns the package id once the import has ended.
 */
async function sourcePackage(port: number, file: string, metadata: object, size: number): Promise<string> {
  const token = await logIn(port);
  const fileId = await createFile(port, token, metadata);
  const uploaded = await uploadFile(port, `${FILES}/${fileId}/binary`, token, file, size);
  if (uploaded.status !== 200) throw new Error(`the source's upload answered ${uploaded.status}: ${uploaded.body.toString()}`);
  const started = await call(port, 'POST', '/api/migrations', {
    headers: { 'X-MSTR-AuthToken': token, 'Content-Type': 'application/json', 'X-MSTR-ProjectID': TUTORIAL.id, Prefer: 'respond-async' },
    body: JSON.stringify({
      packageInfo: { storage: { sharedFileStore: { files: { id: fileId } } }, purpose: 'migration_from_shared_file_store' },
      importInfo: { environment: { id: `http://127.0.0.1:${port}/`, name: 'source' }, project: TUTORIAL },
    }),
  });
  if (started.status !== 201) throw new Error(`the source's import answered ${started.status}: ${started.body.toString()}`);
  const record = JSON.parse(started.body.toString()) as { id: string; packageInfo: { id: string } };
  for (;;) {
    const now = JSON.parse((await call(port, 'GET', `/api/migrations/${record.id}`, { headers: { 'X-MSTR-AuthToken': token } })).body.toString()) as {
      importInfo: { status: string };
    };
    if (!['pending', 'importing'].includes(now.importInfo.status)) return record.packageInfo.id;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'packstore-bench-'));
  const [port, sourcePort] = [await freePort(), await freePort()];
  const child = startServer(port, path.join(work, 'data'));
  const children = [child];
  try {
    const source = path.join(work, 'package.mmp');
    process.stdout.write(`Writing a signed package of about ${SIZE_MB} MiB...\n`);
    await writeLargePackage(source, SIZE_MB * 1024 * 1024);
    const size = (await stat(source)).size;
    await waitForServer(port, child);
    const pid = child.pid;
    if (pid === undefined) throw new Error('the server process has no pid');

    const hashing = await timed(async () => opensslSha256(source));
    const inflating = await timed(async () => inflateOnly(source));

    const token = await logIn(port);
    const metadata = {
      name: 'bench',
      type: 'migrations.packages',
      extension: 'mmp',
      size,
      sha256: hashing.value,
      extraInfo: { packageType: 'project', packagePurpose: 'migration_from_shared_file_store' },
    };
    const fileId = await createFile(port, token, metadata);
    const before = await memoryOf(pid);

    const uploading = await timed(() => uploadFile(port, `${FILES}/${fileId}/binary`, token, source, size));
    if (uploading.value.status !== 200) throw new Error(`upload answered ${uploading.value.status}: ${uploading.value.body.toString()}`);
    // Each server's first download is checked and not timed; then DOWNLOAD_RUNS of each, alternating which goes
    // first, and the medians are compared.
    const plain = await plainServer(source);
    const api = { port, url: `${FILES}/${fileId}/binary`, token, times: [] as number[] };
    const baseline = { port: plain.port, url: '/', token: '', times: [] as number[] };
    for (const server of [api, baseline]) {
      const checked = await downloadFile(server.port, server.url, server.token, true);
      if (checked.bytes !== size || checked.sha256 !== hashing.value) throw new Error('a download differs from the package');
    }
    for (let run = 0; run < DOWNLOAD_RUNS; run++) {
      for (const server of run % 2 === 0 ? [baseline, api] : [api, baseline]) {
        const downloading = await timed(() => downloadFile(server.port, server.url, server.token));
        if (downloading.value.bytes !== size) throw new Error('a download is short');
        server.times.push(downloading.seconds);
      }
    }
    plain.stop();
    const after = await memoryOf(pid);
    const median = (times: number[]) =>
      percentile(
        [...times].sort((a, b) => a - b),
        50,
      );
    const plainDownload = { seconds: median(baseline.times) };
    const downloading = { seconds: median(api.times) };

    // The CLI: `files upload` (hash, then a tus upload), and `transfer` from a second server into this one.
    const home = path.join(work, 'cli');
    if ((await runCli(home, ['login', `http://127.0.0.1:${port}`, '--profile', 'bench'])).code !== 0) throw new Error('the CLI could not log in');
    await resetPeak(pid);
    const beforeCli = await memoryOf(pid);
    const cliUpload = await runCli(home, ['files', 'upload', source, '--name', 'bench cli', '--profile', 'bench', '--json']);
    if (cliUpload.code !== 0) throw new Error(`packstore files upload failed: ${cliUpload.output}`);
    const afterCli = await memoryOf(pid);

    const resumableId = await createFile(port, token, { ...metadata, name: 'bench resumable' });
    await resetPeak(pid);
    const beforeResumable = await memoryOf(pid);
    const resuming = await timed(() => resumableUpload(port, resumableId, token, source, size, Math.floor(size * 0.4)));
    const afterResumable = await memoryOf(pid);
    const listed = JSON.parse((await call(port, 'GET', `${FILES}?limit=10`, { headers: { 'X-MSTR-AuthToken': token } })).body.toString()) as {
      data: { id: string; existing: boolean; sha256: string }[];
    };
    const resumed = listed.data.find((f) => f.id === resumableId);
    if (!resumed?.existing || resumed.sha256 !== hashing.value) throw new Error('the resumable upload did not store the package');

    const sourceServer = startServer(sourcePort, path.join(work, 'source-data'));
    children.push(sourceServer);
    await waitForServer(sourcePort, sourceServer);
    const packageId = await sourcePackage(sourcePort, source, metadata, size);
    if ((await runCli(home, ['login', `http://127.0.0.1:${sourcePort}`, '--profile', 'source'])).code !== 0) throw new Error('the CLI could not log in');
    // Timed until the import starts: the import is not a transfer.
    const transferring = await runCli(
      home,
      ['transfer', packageId, '--from', 'source', '--to', 'bench', '--project', TUTORIAL.name],
      ['1/4', '3/4', '4/4'],
      '4/4',
    );
    const [hashStart, streamStart, streamEnd] = ['1/4', '3/4', '4/4'].map((m) => transferring.marks.get(m));
    if (hashStart === undefined || streamStart === undefined || streamEnd === undefined) throw new Error(`packstore transfer failed: ${transferring.output}`);
    sourceServer.kill('SIGTERM');

    const rows: Array<[string, number]> = [
      ['openssl dgst -sha256', hashing.seconds],
      ['inflate only (node:zlib)', inflating.seconds],
      [`plain node:http download (median of ${DOWNLOAD_RUNS})`, plainDownload.seconds],
      ['upload through the API', uploading.seconds],
      [`download through the API (median of ${DOWNLOAD_RUNS})`, downloading.seconds],
      ['CLI files upload (all)', cliUpload.seconds],
      ['CLI transfer, 1/4 to 4/4', streamEnd - hashStart],
      ['CLI transfer, 3/4 stream', streamEnd - streamStart],
      ['tus upload, cut once', resuming.seconds],
    ];
    process.stdout.write(`\nPackage: ${(size / 1024 / 1024).toFixed(0)} MiB\n`);
    for (const [what, seconds] of rows)
      process.stdout.write(`${what.padEnd(42)} ${seconds.toFixed(2).padStart(7)} s ${mbps(size, seconds).toFixed(0).padStart(6)} MB/s\n`);
    const ratio = (baseline: number, measured: number) => (baseline / measured).toFixed(2);
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
    process.stdout.write(
      `\nupload / openssl hashing:   ${ratio(hashing.seconds, uploading.seconds)} (aim >= 0.5); / inflating alone ${ratio(inflating.seconds, uploading.seconds)} (the upload inflates the package to check it)\n`,
    );
    process.stdout.write(`download / plain server:    ${ratio(plainDownload.seconds, downloading.seconds)} (aim >= 0.9)\n`);
    process.stdout.write(
      `CLI files upload / openssl: ${ratio(hashing.seconds, cliUpload.seconds)} (the whole command: the client hashes the file first, then sends it with tus)\n`,
    );
    process.stdout.write(
      `CLI transfer / openssl:     ${ratio(hashing.seconds, streamEnd - hashStart)} (hash pass over the source's download, then the stream into the upload); its stream alone ${ratio(hashing.seconds, streamEnd - streamStart)}\n`,
    );
    process.stdout.write(
      `tus upload cut at 40%, resumed at ${mb(resuming.value)} MiB: / openssl hashing ${ratio(hashing.seconds, resuming.seconds)}, / the multipart upload ${ratio(uploading.seconds, resuming.seconds)} (the bytes are written twice: as parts, then as the file)\n`,
    );
    const growth = (from: { rss: number }, to: { hwm: number }) =>
      `before ${mb(from.rss)} MB, peak ${mb(to.hwm)} MB, growth ${mb(to.hwm - from.rss)} MB (aim < 100)`;
    process.stdout.write(`server RSS, API upload and download: ${growth(before, after)}\n`);
    process.stdout.write(`server RSS, CLI files upload:        ${growth(beforeCli, afterCli)}\n`);
    process.stdout.write(`server RSS, tus upload:              ${growth(beforeResumable, afterResumable)}\n`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(undefined) : c.once('exit', resolve)))));
    await rm(work, { recursive: true, force: true });
  }
}

await main();
