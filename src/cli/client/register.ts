import type { Command } from 'commander';
import { registerLogin } from './login-command.js';
import { registerFiles } from './files-command.js';
import { registerMigrations } from './migrations-command.js';
import { registerTransfer } from './transfer-command.js';
import { registerSearch } from './search-command.js';
import { registerTrust } from './trust-command.js';

/** The commands that talk to running environments over HTTP. */
export function registerClientCommands(program: Command): void {
  registerLogin(program);
  registerFiles(program);
  registerMigrations(program);
  registerTransfer(program);
  registerSearch(program);
  registerTrust(program);
}
