import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dialects } from './support/env.js';
import { expectLibraryError, serverPerSuite } from './support/server.js';
import { CLI_FROM_SOURCES } from './support/cli.js';
import { loadConfig, ConfigError } from '../src/config/load.js';

for (const dialect of dialects()) {
  describe(`operations: health and metrics [${dialect}]`, () => {
    const suite = serverPerSuite(dialect);

    it('liveness answers while the process runs; readiness checks database and storage', async () => {
      const live = await suite.s.request('GET', '/api/health/live');
      assert.equal(live.status, 200);
      assert.deepEqual(await live.json(), { status: 'live' });
      const ready = await suite.s.request('GET', '/api/health/ready');
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready', checks: { database: 'ok', storage: 'ok', jobs: 'ok' } });
    });

    it('readiness is 503 while the node drains, and every answer then closes its connection', async () => {
      const { lifecycle } = suite.s.server.env.ctx;
      lifecycle.draining = true;
      try {
        const ready = await suite.s.request('GET', '/api/health/ready');
        assert.equal(ready.headers.get('connection'), 'close');
        const body = await expectLibraryError(ready, 503, 'ERR016');
        assert.match(body.message, /shutting down/);
        assert.equal((await suite.s.request('GET', '/api/health/live')).status, 200, 'still alive');
      } finally {
        lifecycle.draining = false;
      }
    });

    it('metrics carry Node process metrics and a request-latency histogram by route and status', async () => {
      await suite.s.request('GET', '/api/health/live');
      const text = await (await suite.s.request('GET', '/metrics')).text();
      assert.match(text, /^process_resident_memory_bytes \d+/m);
      assert.match(text, /^nodejs_eventloop_lag_seconds /m);
      assert.match(text, /^packstore_http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/api\/health\/live",status="200"\} [1-9]/m);
      assert.match(text, /^# TYPE packstore_job_duration_seconds histogram/m);
    });
  });

  describe(`operations: metrics.allow [${dialect}]`, () => {
    const suite = serverPerSuite(dialect, { 'metrics.allow': '10.0.0.0/8, fd00::/8' });

    it('refuses a scraper outside the allowed ranges, loopback included', async () => {
      const body = await expectLibraryError(await suite.s.request('GET', '/metrics'), 403, 'ERR017');
      assert.match(body.message, /metrics\.allow/);
    });
  });
}

describe('operations: configuration', () => {
  const load = (overrides: Record<string, string>) => loadConfig({ dataDir: '/tmp/packstore-config-test', env: {}, overrides });

  it('reads port, host, TLS files, log level, trust-proxy, shutdown deadline and metrics ranges', () => {
    const config = load({
      'server.port': '9000',
      'server.host': '0.0.0.0',
      'server.tls.cert': '/etc/c.pem',
      'server.tls.key': '/etc/k.pem',
      'log.level': 'warn',
      'http.trustProxy': '10.0.0.1, 10.1.0.0/16',
      'shutdown.graceSeconds': '5',
      'metrics.allow': '::1',
    });
    assert.deepEqual(
      [config.port, config.host, config.tlsCert, config.tlsKey, config.logLevel, config.trustProxy, config.shutdownGraceSeconds, config.metricsAllow],
      [9000, '0.0.0.0', '/etc/c.pem', '/etc/k.pem', 'warn', ['10.0.0.1', '10.1.0.0/16'], 5, ['::1']],
    );
    assert.equal(load({ 'http.trustProxy': 'true' }).trustProxy, true);
    assert.equal(load({ 'http.trustProxy': '2' }).trustProxy, 2);
    const defaults = load({});
    assert.deepEqual(
      [defaults.port, defaults.host, defaults.logLevel, defaults.trustProxy, defaults.shutdownGraceSeconds],
      [8080, '127.0.0.1', 'info', false, 30],
    );
  });

  it('refuses invalid values, naming the key', () => {
    for (const [key, value] of [
      ['server.port', '70000'],
      ['log.level', 'loud'],
      ['http.trustProxy', 'proxy.example'],
      ['metrics.allow', '10.0.0.0/40'],
      ['metrics.allow', ' '],
    ] as const) {
      assert.throws(
        () => load({ [key]: value }),
        (error: Error) => error instanceof ConfigError && error.message.includes(key),
      );
    }
  });
});

describe('operations: the packstore command', () => {
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [...CLI_FROM_SOURCES, ...args], (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
    });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await run(['--version']);
    assert.deepEqual([result.code, result.stdout.trim()], [0, version]);
  });

  it('an unknown command names itself and shows the full help, server and client commands alike (exit 2)', async () => {
    const result = await run(['frobnicate']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'frobnicate'/);
    for (const command of ['serve', 'users', 'seed', 'audit', 'login', 'files', 'migrations', 'transfer'])
      assert.match(result.stderr, new RegExp(`^  ${command}\\b`, 'm'));
  });
});
