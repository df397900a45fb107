import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerClientCommands } from './client/register.js';
import { registerServe } from './serve.js';
import { registerUsers } from './users.js';
import { registerSeed } from './seed.js';
import { registerAudit } from './audit.js';
import { errorLine } from './error-line.js';
import { registerKeys } from './keys.js';

/** The same relative path from src/cli (tsx) and from dist/cli (the compiled package). */
const PACKAGE_JSON = new URL('../../package.json', import.meta.url);
const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };

/**
 * Exit codes: 0 success, 1 failure, 2 usage. Every command module loads the server (Fastify,
 * database drivers) only inside its action, so `--help`, `--version` and client commands start fast.
 */
const program = new Command('packstore')
  .description('Packstore: move BI migration packages between environments')
  .version(version, '-V, --version', 'print the version')
  .exitOverride()
  .showHelpAfterError()
  // One error format everywhere: commander's own refusals read like every other failure.
  .configureOutput({ outputError: (text, write) => write(errorLine(text.replace(/^error: /, ''))) });

registerServe(program);
registerUsers(program);
registerSeed(program);
registerAudit(program);
registerKeys(program);
registerClientCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  process.stderr.write(errorLine(error instanceof Error ? error.message : String(error)));
  process.exit(1);
}
