import { Type } from 'typebox';
import { Maybe, Open, QueryBoolean } from './common.js';
import { TocRow } from './migrations.js';

/** The older package-holder API (library-api-contract §5). Holder ids are decoded, and checked, by the domain. */

const HolderId = Type.String({ description: 'base64 of "<projectId>:<id>".' });
export const HolderIdParams = Type.Object({ id: HolderId });

export const Holder = Open({ id: Type.String(), status: Type.String({ description: 'EMPTY, PROCESSING, READY or FAILED.' }) });

export const HolderDetails = Open({
  id: Type.String(),
  status: Type.String(),
  type: Type.String(),
  settings: Open({}),
  content: Type.Optional(Type.Array(TocRow)),
});

export const HolderBody = Open({
  type: Maybe(Type.String({ description: 'project, configuration or project_security.' })),
  settings: Maybe(Open({})),
  content: Maybe(Type.Array(Open({}))),
});

export const ShowContentQuery = Type.Object({ showContent: Type.Optional(QueryBoolean("List the package's objects.")) });

export const HolderImportQuery = Type.Object({
  packageId: HolderId,
  generateUndo: Type.Optional(QueryBoolean('Write an undo package (false when absent).')),
});

export const HolderImport = Open({
  id: Type.String(),
  status: Type.String(),
  undoPackageCreated: Type.Boolean(),
  progress: Type.Number(),
  message: Type.Optional(Type.String()),
});
