import { formatLibraryDate } from '../dates.js';
import { formatMigrationId } from '../ids.js';
import type { ImportOfFile, ImportRecord, MigrationRecord, PackageRecord } from './records.js';

export type ShowContent = 'default' | 'tocview' | 'treeview' | 'all';

type Json = Record<string, unknown>;

/** Drops undefined keys: the Library omits what it does not know, and mstrio breaks on null objects and enums. */
function compact(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function tocView(pkg: PackageRecord): Json {
  const requested = new Map(pkg.request.content.map((row) => [row.id, row]));
  const content = pkg.toc
    ? pkg.toc.map((row) =>
        compact({
          id: row.id,
          name: row.name,
          version: row.version,
          type: row.type,
          subtype: row.subtype,
          action: row.action,
          // Known only for packages made here from a tocView; an uploaded package's manifest does not say.
          includeDependents: requested.get(row.id)?.includeDependents ?? (pkg.request.content.length > 0 ? false : undefined),
          explicitIncluded: row.explicitIncluded,
          level: row.level,
        }),
      )
    : pkg.request.content;
  return { settings: pkg.request.settings, content };
}

function packageView(pkg: PackageRecord, show: ShowContent): Json {
  return compact({
    id: pkg.id,
    name: pkg.name,
    replicated: pkg.replicated,
    type: pkg.type,
    purpose: pkg.purpose,
    creator: { id: pkg.creator.id, name: pkg.creator.name },
    creationDate: formatLibraryDate(new Date(pkg.createdAt)),
    lastUpdatedDate: formatLibraryDate(new Date(pkg.updatedAt)),
    environment: pkg.environment,
    // sha256 is ours, not the Library's: it lets a target that shares the storage verify the bytes (mstrio ignores it).
    storage: pkg.storage ? { size: pkg.storage.size, path: pkg.storage.path, sha256: pkg.storage.sha256 } : {},
    project: pkg.project,
    status: pkg.status,
    message: pkg.message,
    progress: pkg.progress,
    deleted: false,
    existing: pkg.storage !== undefined,
    certification: pkg.certification,
    // Ours, not the Library's (mstrio ignores it): where an uploaded package came from, as its header says.
    source: pkg.source,
    // A Packstore extension (mstrio ignores unknown keys): who signed the package, as last verified here.
    signature: pkg.signature,
    tocView: show === 'tocview' || show === 'all' ? tocView(pkg) : undefined,
    treeView: show === 'treeview' || show === 'all' ? (pkg.request.treeView ?? {}) : undefined,
  });
}

function importView(imp: ImportRecord): Json {
  return compact({
    id: imp.id,
    creator: imp.creator ?? {},
    creationDate: formatLibraryDate(new Date(imp.createdAt)),
    lastUpdatedDate: formatLibraryDate(new Date(imp.updatedAt)),
    environment: imp.environment,
    status: imp.status,
    importRequestStatus: imp.importRequestStatus,
    undoRequestStatus: imp.undoRequestStatus,
    progress: imp.progress,
    message: imp.message,
    undoStorage: imp.undoStorage ?? {},
    project: imp.project,
    deleted: false,
  });
}

function validationView(imp: ImportRecord): Json | undefined {
  const v = imp.validation;
  if (!v) return undefined;
  const updated = formatLibraryDate(new Date(v.updatedAt));
  // mstrio reads `lastUpdateDate` (sic); the docs say `lastUpdatedDate`. Send both.
  return {
    status: v.status,
    progress: v.progress,
    message: v.message,
    creationDate: formatLibraryDate(new Date(v.createdAt)),
    lastUpdateDate: updated,
    lastUpdatedDate: updated,
  };
}

/** GET /api/migrations/{id} and each item of GET /api/migrations. */
export function fullView(record: MigrationRecord, show: ShowContent = 'default'): Json {
  return compact({
    id: formatMigrationId({ packageId: record.package.id, importId: record.import.id }),
    packageInfo: packageView(record.package, show),
    importInfo: importView(record.import),
    validation: validationView(record.import),
    version: '2',
  });
}

/** The answer of POST, PATCH and PUT. */
export function shortView(record: MigrationRecord): Json {
  return compact({
    id: formatMigrationId({ packageId: record.package.id, importId: record.import.id }),
    packageInfo: { id: record.package.id, status: record.package.status, progress: record.package.progress },
    importInfo: {
      id: record.import.id,
      status: record.import.status,
      importRequestStatus: record.import.importRequestStatus,
      undoRequestStatus: record.import.undoRequestStatus,
      progress: record.import.progress,
    },
    validation: validationView(record.import),
  });
}

/** One entry of a shared file's `importedInto` (Packstore's own, in the file list). */
export function importedIntoView(imp: ImportOfFile): Json {
  return compact({
    migrationId: formatMigrationId({ packageId: imp.packageId, importId: imp.importId }),
    status: imp.status,
    project: imp.project,
    creationDate: formatLibraryDate(new Date(imp.createdAt)),
  });
}
