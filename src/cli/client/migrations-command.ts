import type { Command } from 'commander';
import { ClientError, jsonOf } from './http.js';
import { formatBytes } from './progress.js';
import { downloadTo } from './download.js';
import { outputPath } from './files-command.js';
import {
  describeState,
  findPackage,
  follow,
  getMigration,
  listMigrations,
  MIGRATIONS,
  projectHeader,
  resolveProject,
  type MigrationRecord,
  type Named,
} from './migrations.js';
import { collect, emit, facts, oneOf, reportRecord, openSession, showsProgress, table, usage, withClientOptions, type ClientOptions } from './command-kit.js';
import type { Session } from './session.js';
import { buildContent, countsByType } from './package-content.js';
import { readObjectList } from './object-list.js';
import { deleteFile, listFiles } from './shared-files.js';
import { words } from '../../api/contract/labels.js';
import { registerDiff } from './diff-command.js';

const ACTIONS = ['use_existing', 'replace', 'keep_both', 'use_newer', 'use_older', 'force_replace', 'delete'] as const;
const CREATE_TYPES = ['project', 'configuration'] as const;
const MIGRATION_ID = /^[0-9A-F]{32}:[0-9A-F]{32}$/;
const GUID = /^[0-9A-F]{32}$/;

interface WaitOptions extends ClientOptions {
  wait: boolean;
}

function checkMigrationId(command: Command, id: string): void {
  if (!MIGRATION_ID.test(id)) usage(command, `<migrationId> must be <packageId>:<importId> (two 32-hex ids); got ${id}`);
}

/** A package id, alone or as the first half of the `PKG:IMP` migration id that other commands print. */
export function packageIdOf(command: Command, id: string): string {
  const packageId = MIGRATION_ID.test(id) ? id.slice(0, 32) : id;
  if (!GUID.test(packageId)) usage(command, `<packageId> must be 32 upper-case hex characters, or a <packageId>:<importId> migration id; got ${id}`);
  return packageId;
}

async function followOrReturn(session: Session, options: WaitOptions, id: string, verb: string): Promise<void> {
  const record = options.wait ? await follow(session, id, showsProgress(options)) : await getMigration(session, id);
  reportRecord(options, record, `${record.id}: ${verb}: ${describeState(record)}`);
}

interface ParsedObject {
  id: string;
  type: number;
}

function parseObjects(command: Command, values: string[]): ParsedObject[] {
  return values.map((value) => {
    const [, id, type] = /^([0-9A-Fa-f]{32}):(\d{1,4})$/.exec(value) ?? [];
    if (!id || !type) usage(command, `--object must be <id>:<type> (a 32-hex id and an object type number); got ${value}`);
    return { id: id.toUpperCase(), type: Number(type) };
  });
}

function parseTypes(command: Command, value: string): number[] {
  const types = value.split(',').map((t) => t.trim());
  if (!types.every((t) => /^\d{1,5}$/.test(t))) usage(command, `--with-dependencies takes object type numbers such as 12,4; got ${value}`);
  return types.map(Number);
}

interface CreateOptions extends WaitOptions {
  project: string;
  object: string[];
  objectsFrom?: string;
  search: string[];
  folder: string[];
  withDependencies?: boolean | string;
  includeDependents?: boolean;
  action: string;
  type: string;
  name?: string;
}

export function registerMigrations(program: Command): void {
  const migrations = program.command('migrations').description('migration packages: create, import, follow, diff, undo, delete');
  registerDiff(migrations);

  withClientOptions(migrations.command('ls').description('list migrations of every purpose')).action(async (options: ClientOptions) => {
    const session = await openSession(options);
    const list = await listMigrations(session);
    emit(
      options,
      list,
      table(
        ['ID', 'NAME', 'TYPE', 'PURPOSE', 'PACKAGE', 'IMPORT'],
        list.map((r) => [
          r.id,
          r.packageInfo.name,
          words(r.packageInfo.type),
          words(r.packageInfo.purpose),
          words(r.packageInfo.status),
          r.importInfo?.status && words(r.importInfo.status),
        ]),
        `No migrations on ${session.url}.`,
      ),
    );
  });

  withClientOptions(migrations.command('show <migrationId>').description('show one migration record')).action(
    async (id: string, options: ClientOptions, command: Command) => {
      checkMigrationId(command, id);
      const record = await getMigration(await openSession(options), id);
      emit(options, record, showRecord(record));
    },
  );

  withClientOptions(
    migrations
      .command('create')
      .description('create a package from objects of a project (waits until it is created)')
      .requiredOption('--project <nameOrId>', 'the source project')
      .option('--object <id:type>', 'an object to include, e.g. 8D679D5111D3E4981000E787EC6DE8A4:12 (repeatable)', collect, [])
      .option('--objects-from <file>', 'read <id>:<type> lines from a file (- for stdin; blank lines and # comments skipped)')
      .option('--search <idOrName>', 'include the results of a search object (repeatable)', collect, [])
      .option('--folder <path>', 'include a folder and everything below it, e.g. "Public Objects/Reports" (repeatable)', collect, [])
      .option('--with-dependencies [types]', 'include what the objects depend on: everything, or only these types (e.g. 12,4)')
      .option('--include-dependents', 'the same as --with-dependencies without types')
      .option('--action <action>', `conflict rule for the objects: ${ACTIONS.join(', ')}`, 'replace')
      .option('--type <type>', `package type: ${CREATE_TYPES.join(', ')}`, 'project')
      .option('--name <name>', 'the package name')
      .option('--no-wait', 'return as soon as the server accepted the request'),
  ).action(async (options: CreateOptions, command: Command) => {
    const action = oneOf(command, '--action', options.action, ACTIONS);
    const type = oneOf(command, '--type', options.type, CREATE_TYPES);
    const listed = options.objectsFrom ? await readObjectList(options.objectsFrom) : [];
    const objects = parseObjects(command, [...options.object, ...listed]);
    if (objects.length + options.search.length + options.folder.length === 0)
      usage(command, 'give at least one --object, --objects-from, --search or --folder');
    const withDependencies =
      options.includeDependents === true || options.withDependencies === true
        ? true
        : options.withDependencies
          ? parseTypes(command, options.withDependencies)
          : false;
    const session = await openSession(options);
    const project = type === 'project' ? await resolveProject(session, options.project) : undefined;
    const sources = { objects, searches: options.search, folders: options.folder, withDependencies };
    const content = project ? await buildContent(session, project, sources) : objects.map((o) => ({ ...o, includeDependents: withDependencies === true }));
    if (!options.json) process.stderr.write(`content: ${content.length} objects by type ${JSON.stringify(countsByType(content))}\n`);
    const created = await session.json('POST', `${MIGRATIONS}?unlockOnStart=True`, {
      headers: { ...projectHeader(project), Prefer: 'respond-async' },
      json: {
        packageInfo: {
          name: options.name ?? `Package ${new Date().toISOString()}`,
          environment: { id: `${session.url}/`, name: `${session.url}/` },
          tocView: {
            settings: { defaultAction: 'use_existing', aclOnReplacingObjects: 'use_existing', aclOnNewObjects: ['keep_acl_as_source_object'] },
            content: content.map((o) => ({ ...o, action })),
          },
          treeView: {},
          type,
        },
        importInfo: {},
      },
    });
    await followOrReturn(session, options, String(created.id), 'created');
  });

  withClientOptions(
    migrations
      .command('import <fileId>')
      .description('import an uploaded package file into a project (follows it to the end)')
      .requiredOption('--project <nameOrId>', 'the target project')
      .option('--no-wait', 'return as soon as the import started'),
  ).action(async (fileId: string, options: WaitOptions & { project: string }) => {
    const session = await openSession(options);
    const id = await startImport(session, fileId, await resolveProject(session, options.project));
    await followOrReturn(session, options, id, 'import');
  });

  withClientOptions(
    migrations
      .command('status <migrationId>')
      .description('show the state of a migration; --watch follows it to a final state')
      .option('--watch', 'keep a live status line until the work ends'),
  ).action(async (id: string, options: ClientOptions & { watch?: boolean }, command: Command) => {
    checkMigrationId(command, id);
    const session = await openSession(options);
    await followOrReturn(session, { ...options, wait: options.watch === true }, id, 'status');
  });

  withClientOptions(
    migrations
      .command('validate <migrationId>')
      .description('validate a package against a project of this environment')
      .option('--project <nameOrId>', 'the project to validate against'),
  ).action(async (id: string, options: ClientOptions & { project?: string }, command: Command) => {
    checkMigrationId(command, id);
    const session = await openSession(options);
    const project = options.project ? await resolveProject(session, options.project) : undefined;
    const record = await getMigration(session, id, 'all');
    try {
      await jsonOf(
        await session.send('PUT', `${MIGRATIONS}/${id}/validation`, { headers: { ...projectHeader(project), Prefer: 'respond-async' }, json: record }),
      );
    } catch (error) {
      if (error instanceof ClientError && error.isUnknownRoute)
        throw new ClientError(`validation is not supported by this server (${session.url})`, 404, error.code, error.ticketId);
      throw error;
    }
    await followOrReturn(session, { ...options, wait: true }, id, 'validation');
  });

  withClientOptions(
    migrations
      .command('undo <migrationId>')
      .description('undo an import (request, approve, then follow)')
      .requiredOption('--project <nameOrId>', 'the project the package was imported into')
      .option('--no-wait', 'return as soon as the undo was approved'),
  ).action(async (id: string, options: WaitOptions & { project: string }, command: Command) => {
    checkMigrationId(command, id);
    const session = await openSession(options);
    const project = await resolveProject(session, options.project);
    for (const status of ['requested', 'approved']) {
      await session.json('PATCH', `${MIGRATIONS}/${id}?migrationId=${id}`, {
        headers: { ...projectHeader(project), Prefer: 'respond-async' },
        json: { importInfo: { undoRequestStatus: status } },
      });
    }
    await followOrReturn(session, options, id, 'undo');
  });

  withClientOptions(
    migrations.command('rm <packageId>').description('delete a package, its migration records and the uploaded file it was imported from'),
  ).action(async (given: string, options: ClientOptions, command: Command) => {
    const id = packageIdOf(command, given);
    const session = await openSession(options);
    const removed = await removePackage(session, id);
    emit(options, { packageId: id, deleted: true, ...removed }, [`deleted package ${id}`, removed.fileNote].filter(Boolean).join('\n'));
  });

  withClientOptions(
    migrations
      .command('download <packageId>')
      .description('download a package binary; checks size and sha256, resumes a broken download')
      .option('-o, --output <path>', 'the file or folder to write to (default: <name>.mmp here)'),
  ).action(async (given: string, options: ClientOptions & { output?: string }, command: Command) => {
    const id = packageIdOf(command, given);
    const session = await openSession(options);
    const record = await findPackage(session, id);
    const storage = record.packageInfo.storage;
    if (storage?.size === undefined) throw new ClientError(`package ${id} has no binary: it is ${record.packageInfo.status ?? 'unknown'}`);
    const target = await outputPath(options.output, record.packageInfo.name ?? id);
    const got = await downloadTo(
      session,
      `${MIGRATIONS}/packages/${id}/binary`,
      target,
      { size: storage.size, sha256: storage.sha256 },
      showsProgress(options),
    );
    emit(options, { packageId: id, path: target, ...got }, `saved ${target} (${formatBytes(got.size)}, sha256 ${got.sha256})`);
  });
}

/**
 * The seed's order, as the console does it: the uploaded file an imported package came from (found by its
 * storage path), then the records. Says what it left when the file cannot go.
 */
async function removePackage(session: Session, id: string): Promise<{ fileId?: string; fileNote?: string }> {
  // A package the list does not know is left to the server's DELETE, which answers for it.
  const record = (await listMigrations(session)).find((r) => r.packageInfo.id === id);
  const path = record?.packageInfo.storage?.path;
  let fileId: string | undefined;
  let fileNote: string | undefined;
  if (record?.packageInfo.purpose === 'migration_from_shared_file_store' && path) {
    const file = (await listFiles(session)).find((f) => f.path === path);
    if (file) {
      try {
        await deleteFile(session, file.id);
        fileId = file.id;
        fileNote = `deleted its uploaded file ${file.name} (${file.id})`;
      } catch (error) {
        fileNote = `kept its uploaded file ${file.id}: ${error instanceof Error ? error.message : String(error)}`;
      }
    } else {
      fileNote = 'its uploaded file was already gone';
    }
  }
  await jsonOf(await session.send('DELETE', `${MIGRATIONS}?packageId=${id}`));
  return { ...(fileId ? { fileId } : {}), ...(fileNote ? { fileNote } : {}) };
}

/** `show` for people: the facts a person looks for, in words, one per line. */
function showRecord(record: MigrationRecord): string {
  const pkg = record.packageInfo;
  const imp = record.importInfo;
  const source = pkg.source;
  return facts([
    ['Migration', record.id],
    ['Name', pkg.name],
    ['Type', words(pkg.type)],
    ['Purpose', words(pkg.purpose)],
    ['Package', words(pkg.status)],
    ['Import', imp?.status && words(imp.status)],
    ['Import request', imp?.importRequestStatus && words(imp.importRequestStatus)],
    ['Undo request', imp?.undoRequestStatus && words(imp.undoRequestStatus)],
    ['Validation', record.validation?.status && words(record.validation.status)],
    ['Source', source ? `${source.environment.name || source.environment.id}` : pkg.environment?.name],
    ['Source package', source?.packageId],
    ['Source project', source?.project?.name ?? pkg.project?.name],
    ['Target', imp?.environment?.name],
    ['Target project', imp?.project?.name],
    ['Creator', pkg.creator?.name],
    ['Created', pkg.creationDate ?? undefined],
    ['Updated', imp?.lastUpdatedDate ?? pkg.lastUpdatedDate ?? undefined],
    ['Size', pkg.storage?.size === undefined ? undefined : formatBytes(pkg.storage.size)],
    ['Message', imp?.message || pkg.message],
  ]);
}

/** POST /api/migrations from a shared file (the seed's step 4); returns the migration id. */
export async function startImport(session: Session, fileId: string, project: Named): Promise<string> {
  const started = await session.json('POST', `${MIGRATIONS}?unlockOnStart=True`, {
    headers: { ...projectHeader(project), Prefer: 'respond-async' },
    json: {
      packageInfo: { storage: { sharedFileStore: { files: { id: fileId } } }, purpose: 'migration_from_shared_file_store', project },
      importInfo: { environment: { id: `${session.url}/`, name: `${session.url}/` }, project },
    },
  });
  if (typeof started.id !== 'string') throw new ClientError(`${session.url} started the import without returning its id`);
  return started.id;
}
