import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { ByteRange } from '../src/store/blob/blob-store.js';
import { READ_BYTES, RESPONSE_BUFFERS } from '../src/store/blob/file-body.js';
import { LocalDiskBlobStore } from '../src/store/blob/local-disk.js';

/** Larger than loopback's socket buffers, so that a client that does not read leaves writes waiting in the server. */
const SIZE = 24 * 1024 * 1024 + 12_345;
const KEY = 'packages/big.mmp';

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Turns of the event loop until `ready()` holds: waits on the state, not on a clock. */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await new Promise((resolve) => setImmediate(resolve));
}

// A guard, not a measure: a send that stalls fails the run instead of hanging it.
describe('a stored file sent to an HTTP response', { timeout: 120_000 }, () => {
  let dir: string;
  let store: LocalDiskBlobStore;
  let content: Buffer;
  let server: http.Server;
  let port: number;
  /** The server's side of the latest request: its response and the body piped into it. */
  let latest: { res: http.ServerResponse; body: Readable } | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'packstore-file-body-'));
    store = new LocalDiskBlobStore(dir);
    content = randomBytes(SIZE);
    await store.put(KEY, Readable.from([content]));
    server = http.createServer(async (req, res) => {
      const [start, end] = (req.headers['x-range'] as string | undefined)?.split('-').map(Number) ?? [];
      const range: ByteRange | undefined = start === undefined || end === undefined ? undefined : { start, end };
      const body = await store.get(KEY, { range });
      latest = { res, body };
      if (req.headers['x-read-first']) {
        const [first] = (await once(body, 'data')) as [Buffer];
        body.pause();
        res.write(first);
      }
      body.pipe(res);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  function request(headers: Record<string, string> = {}): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, headers }, resolve).on('error', reject);
    });
  }

  async function readAll(res: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  it('sends every byte, in order, to a client that reads as fast as it can', async () => {
    const got = await readAll(await request());
    assert.equal(got.length, SIZE);
    assert.equal(sha256(got), sha256(content));
  });

  it('sends a range that starts and ends inside its read buffers', async () => {
    const start = 1024 * 1024 - 7;
    const end = 5 * 1024 * 1024 + 3;
    const got = await readAll(await request({ 'x-range': `${start}-${end}` }));
    assert.equal(sha256(got), sha256(content.subarray(start, end + 1)));
  });

  it('reuses a buffer only after the socket has taken its bytes: a client that stops reading gets them intact', async () => {
    const res = await request();
    res.pause();
    // The kernel's buffers are full and the server's socket holds every buffer the send has.
    await until(() => (latest?.res.socket?.writableLength ?? 0) >= RESPONSE_BUFFERS * READ_BYTES);
    const got = await readAll(res);
    assert.equal(sha256(got), sha256(content));
  });

  it('stops reading and closes the file when the client goes away mid-download', async () => {
    const res = await request();
    await once(res, 'readable');
    const body = latest?.body;
    assert.ok(body);
    const closed = once(body, 'close');
    res.destroy();
    await closed;
    assert.equal(body.destroyed, true);
    // The server goes on answering.
    const got = await readAll(await request({ 'x-range': '0-99' }));
    assert.deepEqual(got, content.subarray(0, 100));
  });

  it('fails, rather than ends short, when the file is cut while it is read', async () => {
    const key = 'packages/cut.mmp';
    await store.put(key, Readable.from([content.subarray(0, 3 * READ_BYTES)]));
    const body = await store.get(key);
    await truncate(path.join(dir, key), READ_BYTES + 10);
    const chunks: Buffer[] = [];
    await assert.rejects(async () => {
      for await (const chunk of body) chunks.push(chunk as Buffer);
    }, /the file ended at byte 1048586, before the 3145728 it had when opened/);
    assert.equal(Buffer.concat(chunks).length, READ_BYTES + 10);
  });

  it('reads as any stream when piped elsewhere, or once it has been read from', async () => {
    const piped = (await store.get(KEY, { range: { start: 10, end: 2_000_009 } })).pipe(new PassThrough());
    const chunks: Buffer[] = [];
    for await (const chunk of piped) chunks.push(chunk as Buffer);
    assert.equal(sha256(Buffer.concat(chunks)), sha256(content.subarray(10, 2_000_010)));

    // A first chunk read by hand, then the rest piped into the response: what the stream holds is not skipped.
    const got = await readAll(await request({ 'x-read-first': '1' }));
    assert.equal(sha256(got), sha256(content));
  });
});
