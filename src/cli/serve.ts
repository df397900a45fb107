import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { startServer } from '../server.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run an environment server')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where the embedded database and packages live', './data')
    .option('--config <file>', 'a configOverride.properties file')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .action(async (opts: { port: string; host: string; dataDir: string; config?: string; tlsCert?: string; tlsKey?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${opts.port}`);
      if (!!opts.tlsCert !== !!opts.tlsKey) throw new Error('--tls-cert and --tls-key go together.');
      const config = loadConfig({ dataDir: opts.dataDir, configFile: opts.config });
      const https = opts.tlsCert && opts.tlsKey ? { cert: readFileSync(opts.tlsCert), key: readFileSync(opts.tlsKey) } : undefined;
      const server = await startServer(config, { port, host: opts.host }, { logger: { level: process.env.PACKSTORE_LOG_LEVEL ?? 'info' }, https });
      if (server.env.bootstrap.generatedAdminPassword) {
        // Printed once, at the first start only; it is stored as a scrypt hash.
        process.stderr.write(`\nAdministrator password (shown once): ${server.env.bootstrap.generatedAdminPassword}\n\n`);
      }
      server.app.log.info({ database: server.env.ctx.database.describe, environment: server.env.ctx.environment }, 'packstore ready');
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
