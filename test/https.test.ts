import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLI_FROM_SOURCES } from './support/cli.js';
import { dialects, createTestEnvironmentFiles, type TestEnvironmentFiles } from './support/env.js';
import { ADMIN_PASSWORD } from './support/server.js';
import { startServer, type RunningServer } from '../src/server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A self-signed certificate for localhost and 127.0.0.1, made with openssl for this run. */
function selfSigned(dir: string): { certFile: string; keyFile: string; cert: Buffer; key: Buffer } {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

/** An HTTPS request that trusts exactly the test certificate. */
function call(url: string, ca: Buffer, method: string, pathName: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(pathName, url), { method, headers, ca }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const LOGIN_FORM = new URLSearchParams({ loginMode: '1', username: 'Administrator', password: ADMIN_PASSWORD }).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

async function assertSecureSession(url: string, ca: Buffer): Promise<void> {
  const login = await call(url, ca, 'POST', '/api/auth/login', FORM, LOGIN_FORM);
  assert.equal(login.status, 204, login.body);
  const cookie = String(login.headers['set-cookie']);
  assert.match(cookie, /; HttpOnly/);
  assert.match(cookie, /; SameSite=Lax/);
  assert.match(cookie, /; Secure/);
  const token = String(login.headers['x-mstr-authtoken']);
  const sessions = await call(url, ca, 'GET', '/api/sessions', { 'X-MSTR-AuthToken': token });
  assert.equal(sessions.status, 200);
  assert.equal((JSON.parse(sessions.body) as { timeout: number }).timeout, 1800);
  const logout = await call(url, ca, 'POST', '/api/auth/logout', { 'X-MSTR-AuthToken': token });
  assert.equal(logout.status, 204);
  assert.match(String(logout.headers['set-cookie']), /Max-Age=0.*Secure|Secure.*Max-Age=0/);
}

const dir = mkdtempSync(path.join(tmpdir(), 'packstore-tls-'));
const tls = selfSigned(dir);
after(() => rmSync(dir, { recursive: true, force: true }));

for (const dialect of dialects()) {
  describe(`HTTPS [${dialect}]`, () => {
    let files: TestEnvironmentFiles;
    let server: RunningServer;
    before(async () => {
      files = await createTestEnvironmentFiles(dialect);
      server = await startServer(
        files.config,
        { port: 0, host: '127.0.0.1' },
        { env: { PACKSTORE_ADMIN_PASSWORD: ADMIN_PASSWORD }, https: { cert: tls.cert, key: tls.key } },
      );
    });
    after(async () => {
      await server.close();
      await files.dispose();
    });

    it('serves the API over TLS and marks the session cookie Secure', async () => {
      assert.match(server.url, /^https:\/\//);
      await assertSecureSession(server.url, tls.cert);
    });

    it('refuses a client that does not trust the certificate', async () => {
      await assert.rejects(
        new Promise((resolve, reject) => httpsRequest(new URL('/api/status', server.url), resolve).on('error', reject).end()),
        /self.signed|certificate/i,
      );
    });
  });
}

describe('packstore serve --tls-cert --tls-key', () => {
  it('starts an HTTPS server from the command line', async () => {
    const files = await createTestEnvironmentFiles('sqlite');
    const child = spawn(
      process.execPath,
      [...CLI_FROM_SOURCES, 'serve', '--port', '0', '--data-dir', files.dataDir, '--tls-cert', tls.certFile, '--tls-key', tls.keyFile],
      {
        env: { ...process.env, PACKSTORE_ADMIN_PASSWORD: ADMIN_PASSWORD, PACKSTORE_DATABASE_URL: files.config.databaseUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const found = /Server listening at (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (found?.[1]) resolve(found[1]);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      await assertSecureSession(url, tls.cert);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      await files.dispose();
    }
  });
});
