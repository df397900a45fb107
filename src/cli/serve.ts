import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { exitGracefullyOnSignals } from './shutdown.js';
import { loggerOptions } from './log-format.js';
import { fixHeapGrowingFactor, mallocAdvice, runsOnGlibc } from './process-memory.js';

interface ServeOptions {
  port?: string;
  host?: string;
  dataDir: string;
  config?: string;
  tlsCert?: string;
  tlsKey?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run an environment server')
    .option('--port <port>', 'port to listen on (server.port, default 8080)')
    .option('--host <host>', 'address to listen on (server.host, default 127.0.0.1)')
    .option('--data-dir <dir>', 'where the embedded database and packages live', './data')
    .option('--config <file>', 'a configOverride.properties file')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM; server.tls.cert)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM; server.tls.key)')
    .action(async (opts: ServeOptions) => {
      fixHeapGrowingFactor();
      // Before any socket is open: a process report names each one.
      const advice = mallocAdvice(process.env, runsOnGlibc());
      // Options win over PACKSTORE_* variables and the properties file, and are checked like them.
      const overrides = { 'server.port': opts.port, 'server.host': opts.host, 'server.tls.cert': opts.tlsCert, 'server.tls.key': opts.tlsKey };
      const config = loadConfig({ dataDir: opts.dataDir, configFile: opts.config, overrides });
      if (!!config.tlsCert !== !!config.tlsKey) throw new Error('server.tls.cert and server.tls.key (--tls-cert, --tls-key) go together.');
      const https = config.tlsCert ? { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) } : undefined;
      // Loaded here, not at the top: `packstore --help` and the client commands never load the server.
      const { startServer } = await import('../server.js');
      const server = await startServer(
        config,
        { port: config.port, host: config.host },
        { logger: loggerOptions(config.logLevel, config.logFormat, process.stdout.isTTY === true), https },
      );
      if (server.env.bootstrap.generatedAdminPassword) {
        // Printed once, at the first start only; it is stored as a scrypt hash.
        process.stderr.write(`\nAdministrator password (shown once): ${server.env.bootstrap.generatedAdminPassword}\n\n`);
      }
      if (advice) server.app.log.warn(advice);
      server.app.log.info({ database: server.env.ctx.database.describe, environment: server.env.ctx.environment }, 'packstore ready');
      // Where a person goes next, on its own line whatever the log format.
      process.stderr.write(`Packstore console: ${(config.environmentId || server.url).replace(/\/$/, '')}/console/\n`);
      exitGracefullyOnSignals(server, config.shutdownGraceSeconds * 1000);
    });
}
