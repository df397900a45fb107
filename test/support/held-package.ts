import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestServer } from './server.js';
import { uploadAndImport } from './migrations.js';

/** An import whose stored package flows only as far as the test lets it. */
export interface HeldImport {
  id: string;
  /** Sends the rest of the package: the import can finish. */
  release(): void;
  /** Sends zeros instead of the rest: the package is damaged. */
  corrupt(): void;
  /** Drops the connection where the package was held: the storage failed mid-read. */
  cut(): void;
}

/**
 * An HTTP proxy in front of an S3 server that lets every call through, except that the next whole
 * read of a package (a GET of an `.mmp` key) stops after `heldAt` bytes until the test says.
 */
export interface HoldingProxy {
  url: string;
  holdNextRead(heldAt: number): void;
  readonly held: Omit<HeldImport, 'id'>;
  close(): Promise<void>;
}

export async function holdingProxy(targetUrl: string): Promise<HoldingProxy> {
  const target = new URL(targetUrl);
  let holdAt: number | undefined;
  let held: Omit<HeldImport, 'id'> = { release: () => undefined, corrupt: () => undefined, cut: () => undefined };
  const server = http.createServer((req, res) => {
    const hold = req.method === 'GET' && /\.mmp(\?|$)/.test(req.url ?? '') && !req.headers.range ? holdAt : undefined;
    if (hold !== undefined) holdAt = undefined;
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (hold === undefined) return void answer.pipe(res);
      const chunks: Buffer[] = [];
      let sent = 0;
      answer.on('data', (chunk: Buffer) => {
        const room = Math.max(0, hold - sent);
        if (room > 0) res.write(chunk.subarray(0, room));
        if (chunk.length > room) chunks.push(chunk.subarray(room));
        sent += chunk.length;
      });
      let ended = false;
      answer.on('end', () => {
        ended = true;
      });
      const sendRest = (edit: (chunk: Buffer) => Buffer) => {
        const rest = edit(Buffer.concat(chunks));
        if (ended) return void res.end(rest);
        res.write(rest);
        answer.on('data', (chunk: Buffer) => res.write(edit(chunk)));
        answer.on('end', () => res.end());
      };
      held = {
        release: () => sendRest((chunk) => chunk),
        corrupt: () => sendRest((chunk) => Buffer.alloc(chunk.length)),
        // A body shorter than its Content-Length: the reader sees the connection end early.
        cut: () => res.destroy(),
      };
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    holdNextRead(at: number) {
      holdAt = at;
    },
    get held() {
      return held;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Uploads `bytes` and imports them with the package's read held after `heldAt` bytes by `proxy`. */
export async function heldImport(s: TestServer, token: string, proxy: HoldingProxy, bytes: Buffer, heldAt: number): Promise<HeldImport> {
  const { id } = await uploadAndImport(s, token, bytes, {}, async () => proxy.holdNextRead(heldAt));
  return {
    id,
    release: () => proxy.held.release(),
    corrupt: () => proxy.held.corrupt(),
    cut: () => proxy.held.cut(),
  };
}
