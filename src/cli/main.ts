import { Command, CommanderError } from 'commander';
import { registerClientCommands } from './client/register.js';

/** Commands that open a data dir or database: they load the server's code, which client commands do not need. */
const SERVER_COMMANDS = new Set(['serve', 'users', 'seed', 'audit']);

async function registerServerCommands(program: Command): Promise<void> {
  const [{ registerServe }, { registerUsers }, { registerSeed }, { registerAudit }] = await Promise.all([
    import('./serve.js'),
    import('./users.js'),
    import('./seed.js'),
    import('./audit.js'),
  ]);
  registerServe(program);
  registerUsers(program);
  registerSeed(program);
  registerAudit(program);
}

/** Exit codes: 0 success, 1 failure, 2 usage. */
const program = new Command('packstore')
  .description('Packstore: move BI migration packages between environments')
  .exitOverride()
  .showHelpAfterError();

const first = process.argv[2];
// Client commands start fast because the server (Fastify, database drivers) is loaded only when needed.
const clientCommand = first !== undefined && !first.startsWith('-') && first !== 'help' && !SERVER_COMMANDS.has(first);
if (!clientCommand) await registerServerCommands(program);
registerClientCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  process.stderr.write(`packstore: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
