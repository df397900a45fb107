import type { Command } from 'commander';
import { DEFAULT_PROFILE } from './profiles.js';
import { progressWanted } from './progress.js';
import { Session } from './session.js';
import { ClientError } from './http.js';
import { failureOf, type MigrationRecord } from './migrations.js';

/** Options every client command takes. */
export interface ClientOptions {
  profile: string;
  json?: boolean;
}

export function withClientOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'the saved login to use (see packstore login)', DEFAULT_PROFILE)
    .option('--json', 'print a machine-readable result on stdout (no progress output)');
}

/** Prints the result: JSON with --json, else the human text (if any). */
export function emit(options: { json?: boolean }, value: unknown, human: string | undefined): void {
  if (options.json) process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else if (human !== undefined) process.stdout.write(human.endsWith('\n') ? human : `${human}\n`);
}

export function showsProgress(options: { json?: boolean }): boolean {
  return progressWanted(options.json);
}

export function openSession(options: ClientOptions): Promise<Session> {
  return Session.open(options.profile);
}

/** A usage error: commander prints it and main maps it to exit code 2. */
export function usage(command: Command, message: string): never {
  command.error(`error: ${message}`, { exitCode: 2, code: 'packstore.usage' });
}

/** For repeatable options: commander calls it once per occurrence. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function oneOf<T extends string>(command: Command, option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) usage(command, `${option} must be one of ${allowed.join(', ')}; got ${value}`);
  return value as T;
}

/** Tab-separated rows with a header line, for people (scripts use --json). */
export function table(header: string[], rows: (string | number | boolean | undefined)[][]): string {
  return [header, ...rows].map((row) => row.map((cell) => (cell === undefined ? '' : String(cell))).join('\t')).join('\n');
}

/** Prints a migration that reached its end; one that ended in a failed state is an error (exit 1). */
export function reportRecord(options: { json?: boolean }, record: MigrationRecord, human: string, value: unknown = record): void {
  const failure = failureOf(record);
  if (failure) {
    if (options.json) emit(options, value, undefined);
    throw new ClientError(`${record.id}: ${failure}`);
  }
  emit(options, value, human);
}
