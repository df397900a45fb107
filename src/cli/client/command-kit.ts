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

/** A usage error: commander prints it in the one error format (see main) and main maps it to exit code 2. */
export function usage(command: Command, message: string): never {
  command.error(message, { exitCode: 2, code: 'packstore.usage' });
}

/** For repeatable options: commander calls it once per occurrence. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function oneOf<T extends string>(command: Command, option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) usage(command, `${option} must be one of ${allowed.join(', ')}; got ${value}`);
  return value as T;
}

type Cell = string | number | boolean | undefined;

/**
 * Rows under a header line, each column padded to its widest cell, for people (scripts use --json). An empty
 * list is said in words (`empty`), not shown as a lone header.
 */
export function table(header: string[], rows: Cell[][], empty: string): string {
  if (rows.length === 0) return empty;
  const lines = [header, ...rows].map((row) => row.map((cell) => (cell === undefined ? '' : oneLineCell(String(cell)))));
  const widths = header.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? '').length)));
  return lines.map((line) => line.map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')).join('\n');
}

/** A name with a line break or a tab would break the columns. */
function oneLineCell(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ');
}

/** `key: value` lines with the keys aligned, for `show`; rows without a value are left out. */
export function facts(rows: Array<[string, Cell]>): string {
  const shown = rows.filter(([, value]) => value !== undefined && value !== '');
  const width = Math.max(...shown.map(([key]) => key.length));
  return shown.map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${oneLineCell(String(value))}`).join('\n');
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
