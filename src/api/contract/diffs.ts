import { Type, type Static } from 'typebox';
import { CommaList, Guid, Maybe, Open, WholeNumber } from './common.js';

/** The diff preview (issue 18): POST /api/migrations/diff and GET /api/migrations/diff/{id}. Packstore's own. */

export const DIFF_ACTIONS = ['create', 'replace', 'keep', 'copy', 'delete', 'move', 'skip'] as const;

export const DiffBody = Open({
  packageInfo: Open({
    id: Type.Optional(Type.String({ description: 'A migration id (<packageId>:<importId>): diff its package, or with undo its undo package.' })),
    storage: Maybe(Open({ sharedFileStore: Open({ files: Open({ id: Type.String({ description: "An uploaded file's id." }) }) }) })),
  }),
  importInfo: Maybe(Open({ project: Maybe(Open({ id: Guid("The target project (else X-MSTR-ProjectID; an undo uses its import's project).") })) })),
  undo: Type.Optional(Type.Boolean({ description: 'Diff what undoing the migration would restore (packageInfo.id must be a migration id).' })),
});
export type DiffBody = Static<typeof DiffBody>;

export const DiffIdParams = Type.Object({ id: Guid('The diff id.') });

export const DiffQuery = Type.Object({
  offset: Type.Optional(WholeNumber(0, Number.MAX_SAFE_INTEGER)),
  limit: Type.Optional(WholeNumber(0, 1000, 'Objects per page (100 when absent).')),
  action: Type.Optional(CommaList(`(${DIFF_ACTIONS.join('|')})`, `must be a comma list of ${DIFF_ACTIONS.join(', ')}`, 'Only these actions.')),
  type: Type.Optional(CommaList('\\d{1,6}', 'must be a comma list of object type numbers', 'Only these object types.')),
  q: Type.Optional(Type.String({ maxLength: 250, description: 'Part of the name, any case.' })),
});
export type DiffQuery = Static<typeof DiffQuery>;

export const DiffChange = Type.Object({
  field: Type.String({
    description:
      'name, description, folder, definition.<path>, acl[grant|deny:<trusteeId>], dependencies[<id>], owner, version, dateCreated, dateModified, hidden.',
  }),
  before: Type.Unknown({ description: 'null: the side does not have it.' }),
  after: Type.Unknown(),
});
export type DiffChange = Static<typeof DiffChange>;

export const DiffObject = Type.Object({
  id: Type.String(),
  type: Type.Integer(),
  name: Type.String(),
  action: Type.String({ description: DIFF_ACTIONS.join(', ') }),
  targetId: Type.Optional(Type.String({ description: 'keep_both: the id of the copy.' })),
  blocked: Type.Optional(Type.String({ description: 'Undo: why the undo would refuse (the object changed since the import).' })),
  changes: Type.Array(DiffChange),
});
export type DiffObject = Static<typeof DiffObject>;

export const DiffSummary = Type.Object({
  total: Type.Integer(),
  byAction: Type.Record(Type.String(), Type.Integer()),
  byType: Type.Record(Type.String(), Type.Integer()),
});

export const Diff = Type.Object({
  id: Type.String(),
  status: Type.String({ description: 'running (202), done or failed.' }),
  message: Type.Optional(Type.String()),
  projectId: Type.String(),
  source: Type.Object({ kind: Type.String(), id: Type.String(), undo: Type.Boolean() }),
  createdAt: Type.String(),
  summary: Type.Optional(DiffSummary),
  targetFingerprint: Type.Optional(Type.String({ description: 'sha256 of the target objects the diff read (id, version).' })),
  currentFingerprint: Type.Optional(Type.String()),
  stale: Type.Optional(Type.Boolean({ description: 'The target changed since the diff was taken.' })),
  total: Type.Optional(Type.Integer({ description: 'Objects matching the filter.' })),
  objects: Type.Optional(Type.Array(DiffObject)),
});
export type Diff = Static<typeof Diff>;
