import net from 'node:net';

export interface CuttingProxy {
  url: string;
  /** How many uploads it cut. */
  cuts: number;
  close(): Promise<void>;
}

export interface CutOptions {
  /** The uploads to cut: where a request line matching this starts (default: the multipart PUT of a binary). */
  upload?: RegExp;
  /** Cut this many uploads, then let everything through (default: every one). */
  maxCuts?: number;
}

/**
 * A loopback TCP proxy to `targetPort` that lets everything through except uploads: once a
 * connection sends an upload's request line, both sides are destroyed after `cutAfter` more bytes.
 */
export async function cuttingProxy(targetPort: number, cutAfter: number, options: CutOptions = {}): Promise<CuttingProxy> {
  const upload = options.upload ?? /PUT [^ ]*\/binary /;
  const maxCuts = options.maxCuts ?? Number.POSITIVE_INFINITY;
  const sockets = new Set<net.Socket>();
  const state = { cuts: 0 };
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let uploading = -1;
    client.on('data', (chunk: Buffer) => {
      if (uploading < 0) {
        const at = state.cuts < maxCuts ? chunk.toString('latin1').search(upload) : -1;
        if (at < 0) return void upstream.write(chunk);
        upstream.write(chunk.subarray(0, at));
        chunk = chunk.subarray(at);
        uploading = 0;
      }
      const room = cutAfter - uploading;
      upstream.write(chunk.subarray(0, Math.max(room, 0)));
      uploading += chunk.length;
      if (uploading >= cutAfter) {
        state.cuts++;
        client.destroy();
        upstream.destroy();
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('end', () => b.end());
      a.on('error', () => b.destroy());
      a.on('close', () => sockets.delete(a));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get cuts() {
      return state.cuts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
