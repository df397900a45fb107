import { Type, type Static } from 'typebox';
import { MIGRATION_PURPOSES } from './purposes.js';
import { REPORT_SORTS } from '../../domain/migrations/report.js';
import { CommaList, Guid, Maybe, Named, Open, OptionalBody, PackageSource, Page, QueryBoolean, WholeNumber } from './common.js';
import { PackageSignatureRecord } from './signing.js';
import { listFilterQuery, PackageTypeList } from './list-filters.js';
import { MIGRATION_ORIGINS, MIGRATION_SORTS } from '../../domain/list-filters.js';

/** The Migrations API (library-api-contract §3). Deeper rules (conflict actions, states) are the domain's. */

/** The most outcomes one report page holds, and the page size when none is asked. */
export const REPORT_PAGE_MAX = 1000;

export const SHOW_CONTENT = ['default', 'tocview', 'treeview', 'all'] as const;

export const MigrationIdParams = Type.Object({
  id: Type.String({
    description: '<packageId>:<importId>, two 32-hex ids',
    pattern: '^[0-9A-F]{32}:[0-9A-F]{32}$',
    'x-message': 'must be <packageId>:<importId> (two 32-hex ids)',
  }),
});
export const PackageIdParams = Type.Object({ packageId: Guid('The package id.') });

/** One row of a package's table of contents. */
export const TocRow = Open({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  type: Type.Integer(),
  subtype: Type.Optional(Type.Integer()),
  version: Type.Optional(Type.String()),
  action: Type.Optional(Type.String()),
  explicitIncluded: Type.Optional(Type.Boolean()),
  includeDependents: Type.Optional(Type.Boolean()),
  level: Type.Optional(Type.String({ description: 'project_object, configuration_object or unknown.' })),
});
export type TocRow = Static<typeof TocRow>;

const Dated = {
  creationDate: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  lastUpdatedDate: Type.Optional(Type.Union([Type.String(), Type.Null()])),
};
const Storage = Open({
  size: Type.Optional(Type.Integer()),
  path: Type.Optional(Type.String()),
  sha256: Type.Optional(Type.String({ description: "Packstore's own: lets a target that shares the storage verify the bytes." })),
});

/** What a package and its import both report: their state, who made them, where and when. */
const Tracked = {
  status: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  progress: Type.Optional(Type.Number()),
  creator: Type.Optional(Type.Partial(Named)),
  ...Dated,
  environment: Type.Optional(Named),
  project: Type.Optional(Named),
};

export const PackageInfo = Open({
  id: Type.String(),
  name: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  purpose: Type.Optional(Type.String()),
  replicated: Type.Optional(Type.Boolean()),
  ...Tracked,
  storage: Type.Optional(Storage),
  source: Type.Optional(PackageSource),
  tocView: Type.Optional(Open({ settings: Type.Optional(Open({})), content: Type.Optional(Type.Array(TocRow)) })),
  /** A Packstore extension: who signed the package, as this environment last verified it. */
  signature: Type.Optional(PackageSignatureRecord),
});
export type PackageInfo = Static<typeof PackageInfo>;

export const ImportInfo = Open({
  id: Type.Optional(Type.String()),
  importRequestStatus: Type.Optional(Type.String()),
  undoRequestStatus: Type.Optional(Type.String()),
  ...Tracked,
  undoStorage: Type.Optional(Storage),
});
export type ImportInfo = Static<typeof ImportInfo>;

export const Validation = Open({
  status: Type.Optional(Type.String()),
  progress: Type.Optional(Type.Number()),
  message: Type.Optional(Type.String()),
  ...Dated,
});
export type Validation = Static<typeof Validation>;

/** A migration record: the full view (GET) and the short one (POST, PUT, PATCH) share this shape. */
export const Migration = Open({ id: Type.String(), packageInfo: PackageInfo, importInfo: Type.Optional(ImportInfo), validation: Type.Optional(Validation) });
export type Migration = Static<typeof Migration>;
export const MigrationPage = Page(Migration);

/** What an import or validation did (or would do) to one object: GET /api/migrations/{id}/report. */
export const ObjectOutcome = Open({
  id: Type.String(),
  type: Type.Integer(),
  name: Type.String(),
  conflict: Type.String(),
  action: Type.String(),
  targetId: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});
export type ObjectOutcome = Static<typeof ObjectOutcome>;
export const ReportSummary = Type.Object(
  {
    total: Type.Integer({ description: 'Objects in the report.' }),
    byAction: Type.Array(Type.Object({ action: Type.String(), count: Type.Integer() })),
    byType: Type.Array(Type.Object({ type: Type.Integer(), count: Type.Integer() })),
  },
  { description: 'Counts by action and by object type, of the whole report (the filters do not narrow it).' },
);
export type ReportSummary = Static<typeof ReportSummary>;
/** A page of outcomes: `total` counts those the filters match; `summary` is of the whole report. */
export const Report = Open({ total: Type.Integer(), data: Type.Array(ObjectOutcome), summary: ReportSummary });
export type Report = Static<typeof Report>;

export const ReportQuery = Type.Object({
  offset: Type.Optional(WholeNumber(0, Number.MAX_SAFE_INTEGER)),
  limit: Type.Optional(WholeNumber(1, REPORT_PAGE_MAX, `At most ${REPORT_PAGE_MAX} (${REPORT_PAGE_MAX} when absent).`)),
  action: Type.Optional(
    Type.String({
      pattern: '^[a-z_]{1,64}$',
      'x-message': 'must be an action such as create, replace, use_existing or keep_both',
      description: 'Only objects given this action.',
    }),
  ),
  type: Type.Optional(WholeNumber(-1, 1_000_000, 'Only objects of this type (a metadata type number).')),
  q: Type.Optional(Type.String({ maxLength: 250, description: 'Only objects whose name or id holds this text (any case).' })),
  sort: Type.Optional(
    Type.Enum([...REPORT_SORTS], { description: 'package (the default: the package\'s order), or a column; a leading "-" sorts descending.' }),
  ),
});
export type ReportQuery = Static<typeof ReportQuery>;

/** POST /api/migrations: a package from a tocView, an import of an uploaded file, or (with ?packageId=) a reuse. */
export const MigrationBody = OptionalBody(
  Open({
    packageInfo: Maybe(
      Open({ type: Maybe(Type.String()), purpose: Maybe(Type.String()), name: Maybe(Type.String()), tocView: Maybe(Open({})), storage: Maybe(Open({})) }),
    ),
    importInfo: Maybe(Open({})),
  }),
);
export type MigrationBody = Static<typeof MigrationBody>;

/** PUT …/{id} and …/{id}/validation: the source's record, replicated through the shared storage. */
export const ReplicatedBody = Open({ packageInfo: Open({}), importInfo: Maybe(Open({})) });

export const MigrationPatchBody = OptionalBody(Open({ packageInfo: Maybe(Open({})), importInfo: Maybe(Open({})), validation: Maybe(Open({})) }));
export type MigrationPatchBody = Static<typeof MigrationPatchBody>;

export const CertificationBody = OptionalBody(Open({}));
export const PackageEditBody = Open({});

export const ReuseQuery = Type.Object({ packageId: Type.Optional(Guid('Reuse this package: a new record for it.')) });
export const PackageIdQuery = Type.Object({ packageId: Guid('The package to delete, with its records.') });

/** The Library's list parameters, and Packstore's optional filters and sort (issue 17). */
export const ListQuery = Type.Object({
  'packageInfo.purpose': Type.Optional(Type.String({ description: `A comma list of ${MIGRATION_PURPOSES.join(', ')} (object_migration when absent).` })),
  offset: Type.Optional(WholeNumber(0, Number.MAX_SAFE_INTEGER)),
  limit: Type.Optional(WholeNumber(1, 1000)),
  ...listFilterQuery(MIGRATION_SORTS),
  type: Type.Optional(PackageTypeList),
  status: Type.Optional(
    CommaList(
      '[a-z_]{1,32}',
      'must list statuses such as imported, import_failed or created',
      "Only migrations whose import's or package's status is one of these.",
    ),
  ),
  origin: Type.Optional(
    Type.Enum([...MIGRATION_ORIGINS], {
      description: "created: made here from a tocView; uploaded: imported from a shared file; replicated: a source's record.",
    }),
  ),
});

export const ShowQuery = Type.Object({ showContent: Type.Optional(Type.String({ description: `One of ${SHOW_CONTENT.join(', ')} (any case).` })) });
export const GenerateUndoQuery = Type.Object({ generateUndo: Type.Optional(QueryBoolean('Write an undo package (true when absent).')) });
export const AutoSyncQuery = Type.Object({ autoSync: Type.Optional(QueryBoolean()) });

export const EditReply = Open({ id: Type.String(), status: Type.String(), progress: Type.Number() });
