import type { Command } from 'commander';
import { resolveProject } from './migrations.js';
import { metadataSearch } from './search-api.js';
import { collect, emit, openSession, table, usage, withClientOptions, type ClientOptions } from './command-kit.js';

interface SearchOptions extends ClientOptions {
  project: string;
  type: string[];
  modifiedSince?: string;
}

/** `packstore search <text>`: objects of a project whose name contains the text. */
export function registerSearch(program: Command): void {
  withClientOptions(
    program
      .command('search <text>')
      .description('find objects of a project by name, type and modification date')
      .requiredOption('--project <nameOrId>', 'the project to search')
      .option('--type <type>', 'an object type or subtype number, e.g. 12 or 776 (repeatable)', collect, [])
      .option('--modified-since <date>', 'only objects modified on or after this date, e.g. 2026-01-31 or 2026-01-31T08:00:00Z'),
  ).action(async (text: string, options: SearchOptions, command: Command) => {
    const types = options.type.flatMap((t) => t.split(',')).map((t) => t.trim());
    if (!types.every((t) => /^\d{1,5}$/.test(t))) usage(command, `--type takes object type numbers such as 12; got ${options.type.join(',')}`);
    const since = options.modifiedSince;
    if (since !== undefined && !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z)?$/.test(since))
      usage(command, `--modified-since must be a date such as 2026-01-31 or 2026-01-31T08:00:00Z; got ${since}`);
    const session = await openSession(options);
    const project = await resolveProject(session, options.project);
    const found = await metadataSearch(session, project, {
      name: text,
      types: types.map(Number),
      ...(since ? { modifiedSince: since.length === 10 ? `${since}T00:00:00Z` : since } : {}),
    });
    emit(
      options,
      found,
      table(
        ['ID', 'TYPE', 'SUBTYPE', 'NAME', 'MODIFIED'],
        found.map((o) => [o.id, o.type, o.subtype, o.name, o.dateModified]),
        'No objects found.',
      ),
    );
  });
}
