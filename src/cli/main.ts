import { Command, CommanderError } from 'commander';
import { registerServe } from './serve.js';
import { registerUsers } from './users.js';
import { registerSeed } from './seed.js';
import { registerClientCommands } from './client/register.js';
import { registerAudit } from './audit.js';

/** Exit codes: 0 success, 1 failure, 2 usage. */
const program = new Command('packstore')
  .description('Packstore: move BI migration packages between environments')
  .exitOverride()
  .showHelpAfterError();

registerServe(program);
registerUsers(program);
registerSeed(program);
registerClientCommands(program);
registerAudit(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  process.stderr.write(`packstore: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
