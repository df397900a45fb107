import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { dialects } from './support/env.js';
import { packageOfSize } from './support/packages.js';
import { serverPerSuite } from './support/server.js';
import { FILES, MULTIPART_TYPE, createFile, multipartBody, upload } from './support/shared-files.js';

/** Resolves with what the server sent once it closes the connection; rejects if it never does. */
function closed(socket: Socket, guardMs: number): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server kept the connection open'));
    }, guardMs);
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.on('error', () => undefined);
  });
}

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
  });
}

for (const dialect of dialects()) {
  describe(`slow clients [${dialect}]`, () => {
    const t = serverPerSuite(dialect, { 'http.headersTimeoutSeconds': '1', 'http.idleTimeoutSeconds': '1' });

    it('closes a slowloris connection that keeps sending header lines, with a 408 in the Library shape', async () => {
      const socket = await open(t.s.url);
      const done = closed(socket, 15_000);
      socket.write('GET /api/status HTTP/1.1\r\nHost: x\r\n');
      let n = 0;
      const drip = setInterval(() => socket.writable && socket.write(`X-Drip-${n++}: y\r\n`), 200);
      const reply = await done.finally(() => clearInterval(drip));
      assert.match(reply, /^HTTP\/1\.1 408 /);
      assert.match(reply, /"code":"ERR006"/);
    });

    it('closes a connection whose headers stop arriving', async () => {
      const socket = await open(t.s.url);
      const done = closed(socket, 15_000);
      socket.write('GET /api/status HTTP/1.1\r\nHost: x\r\n');
      await done;
    });

    it('closes an upload whose body stops arriving, and frees the file for the next upload', async () => {
      const bytes = await packageOfSize(5000);
      const file = await createFile(t.s, t.token, bytes);
      const body = multipartBody(bytes);
      const socket = await open(t.s.url);
      const done = closed(socket, 15_000);
      socket.write(
        `PUT ${FILES}/${file.id}/binary HTTP/1.1\r\nHost: x\r\nX-MSTR-AuthToken: ${t.token}\r\nContent-Type: ${MULTIPART_TYPE['Content-Type']}\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      socket.write(body.subarray(0, 1000));
      await done;
      let res = await upload(t.s, t.token, file.id, body);
      for (let i = 0; i < 100 && res.status === 409; i++) {
        await new Promise((r) => setTimeout(r, 50));
        res = await upload(t.s, t.token, file.id, body);
      }
      assert.equal(res.status, 200, await res.text());
    });

    it('lets a slow upload that keeps making progress run longer than every timeout', async () => {
      const bytes = await packageOfSize(12_000);
      const file = await createFile(t.s, t.token, bytes);
      const body = multipartBody(bytes);
      const socket = await open(t.s.url);
      const done = closed(socket, 30_000);
      socket.write(
        `PUT ${FILES}/${file.id}/binary HTTP/1.1\r\nHost: x\r\nX-MSTR-AuthToken: ${t.token}\r\nContent-Type: ${MULTIPART_TYPE['Content-Type']}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      );
      // 13 pieces, 300 ms apart: about 4 s in all, against a 1 s idle timeout and a 1 s header timeout.
      const pieces = 13;
      const size = Math.ceil(body.length / pieces);
      for (let i = 0; i < pieces; i++) {
        socket.write(body.subarray(i * size, (i + 1) * size));
        await new Promise((r) => setTimeout(r, 300));
      }
      const reply = await done;
      assert.match(reply, /^HTTP\/1\.1 200 /, reply.slice(0, 300));
    });
  });
}
