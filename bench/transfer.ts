/**
 * Upload and download one package through the API of a server run as a child process, next to
 * `openssl dgst -sha256` and a plain copy of the same file; then the same package as a resumable
 * (tus) upload whose connection is cut once, part-way. BENCH_SIZE_MB sets the size (1024).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Upload } from 'tus-js-client';

const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 1024);
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

async function writeSource(file: string, megabytes: number): Promise<void> {
  const block = randomBytes(8 * 1024 * 1024);
  const out = createWriteStream(file);
  for (let written = 0; written < megabytes * 1024 * 1024; written += block.length) {
    const chunk = block.subarray(0, Math.min(block.length, megabytes * 1024 * 1024 - written));
    // Each block differs a little, so no layer can shortcut repeated content.
    chunk.writeUInt32LE(written >>> 0, 0);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
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

function downloadFile(port: number, url: string, token: string, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path: url, headers: { 'X-MSTR-AuthToken': token } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`download answered ${res.statusCode}`));
      pipeline(res, createWriteStream(target)).then(() => resolve(Number(res.headers['content-length'])), reject);
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

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'packstore-bench-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port), '--data-dir', path.join(work, 'data')], {
    cwd: ROOT,
    env: { ...process.env, PACKSTORE_ADMIN_PASSWORD: PASSWORD, PACKSTORE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const source = path.join(work, 'package.mmp');
    process.stdout.write(`Writing a ${SIZE_MB} MiB package...\n`);
    await writeSource(source, SIZE_MB);
    const size = (await stat(source)).size;
    await waitForServer(port, child);
    const pid = child.pid;
    if (pid === undefined) throw new Error('the server process has no pid');

    const hashing = await timed(async () => opensslSha256(source));
    const copying = await timed(() => copyFile(source, path.join(work, 'copy.mmp')));
    await rm(path.join(work, 'copy.mmp'));

    const login = await call(port, 'POST', '/api/auth/login', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ loginMode: '1', username: 'Administrator', password: PASSWORD }).toString(),
    });
    const token = String(login.headers['x-mstr-authtoken']);
    const metadata = {
      name: 'bench',
      type: 'migrations.packages',
      extension: 'mmp',
      size,
      sha256: hashing.value,
      environment: { id: 'http://bench', name: 'bench' },
      extraInfo: { packageType: 'project', packagePurpose: 'migration_from_shared_file_store' },
    };
    const created = await call(port, 'POST', FILES, {
      headers: { 'X-MSTR-AuthToken': token, 'Content-Type': 'application/json' },
      body: JSON.stringify(metadata),
    });
    if (created.status !== 200) throw new Error(`metadata answered ${created.status}: ${created.body.toString()}`);
    const fileId = (JSON.parse(created.body.toString()) as { id: string }).id;
    const before = await memoryOf(pid);

    const uploading = await timed(() => uploadFile(port, `${FILES}/${fileId}/binary`, token, source, size));
    if (uploading.value.status !== 200) throw new Error(`upload answered ${uploading.value.status}: ${uploading.value.body.toString()}`);
    const target = path.join(work, 'downloaded.mmp');
    const downloading = await timed(() => downloadFile(port, `${FILES}/${fileId}/binary`, token, target));
    const after = await memoryOf(pid);
    if (downloading.value !== size || opensslSha256(target) !== hashing.value) throw new Error('the download differs from the package');

    const second = await call(port, 'POST', FILES, {
      headers: { 'X-MSTR-AuthToken': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...metadata, name: 'bench resumable' }),
    });
    const resumableId = (JSON.parse(second.body.toString()) as { id: string }).id;
    await resetPeak(pid);
    const beforeResumable = await memoryOf(pid);
    const resuming = await timed(() => resumableUpload(port, resumableId, token, source, size, Math.floor(size * 0.4)));
    const afterResumable = await memoryOf(pid);
    const listed = JSON.parse((await call(port, 'GET', `${FILES}?limit=10`, { headers: { 'X-MSTR-AuthToken': token } })).body.toString()) as {
      data: { id: string; existing: boolean; sha256: string }[];
    };
    const resumed = listed.data.find((f) => f.id === resumableId);
    if (!resumed?.existing || resumed.sha256 !== hashing.value) throw new Error('the resumable upload did not store the package');

    const rows: Array<[string, number, number]> = [
      ['openssl dgst -sha256', hashing.seconds, mbps(size, hashing.seconds)],
      ['plain copy (fs.copyFile)', copying.seconds, mbps(size, copying.seconds)],
      ['upload through the API', uploading.seconds, mbps(size, uploading.seconds)],
      ['download through the API', downloading.seconds, mbps(size, downloading.seconds)],
      ['tus upload, cut once', resuming.seconds, mbps(size, resuming.seconds)],
    ];
    process.stdout.write(`\nPackage: ${SIZE_MB} MiB\n`);
    for (const [what, seconds, rate] of rows)
      process.stdout.write(`${what.padEnd(28)} ${seconds.toFixed(2).padStart(7)} s ${rate.toFixed(0).padStart(6)} MB/s\n`);
    const uploadRatio = hashing.seconds / uploading.seconds;
    const downloadRatio = copying.seconds / downloading.seconds;
    const growth = (after.hwm - before.rss) / 1024 / 1024;
    process.stdout.write(`\nupload / openssl hashing:   ${uploadRatio.toFixed(2)} (aim >= 0.5)\n`);
    process.stdout.write(`download / plain copy:      ${downloadRatio.toFixed(2)} (aim >= 0.8)\n`);
    const resumableGrowth = (afterResumable.hwm - beforeResumable.rss) / 1024 / 1024;
    process.stdout.write(
      `tus upload cut at 40%, resumed at ${(resuming.value / 1024 / 1024).toFixed(0)} MiB: / openssl hashing ${(hashing.seconds / resuming.seconds).toFixed(2)}, / the multipart upload ${(uploading.seconds / resuming.seconds).toFixed(2)} (the bytes are written twice: as parts, then as the file)\n`,
    );
    process.stdout.write(
      `server RSS during the tus upload: before ${(beforeResumable.rss / 1024 / 1024).toFixed(0)} MB, peak ${(afterResumable.hwm / 1024 / 1024).toFixed(0)} MB, growth ${resumableGrowth.toFixed(0)} MB (aim < 100)\n`,
    );
    process.stdout.write(
      `server RSS before transfers ${(before.rss / 1024 / 1024).toFixed(0)} MB, peak (VmHWM) ${(after.hwm / 1024 / 1024).toFixed(0)} MB, growth ${growth.toFixed(0)} MB (aim < 100)\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    await rm(work, { recursive: true, force: true });
  }
}

await main();
