import { Type, type Static } from 'typebox';
import { MIGRATION_PURPOSES } from './purposes.js';
import { CommaList, Maybe, Named, Open, PackageSource, WholeNumber } from './common.js';
import { PackageSignatureRecord } from './signing.js';
import { listFilterQuery, PackageTypeList } from './list-filters.js';
import { FILE_SORTS } from '../../domain/list-filters.js';

/** The Storage Service's shared file store (library-api-contract §2). The size limit and the hash are checked by the domain. */

export const FileIdParams = Type.Object({ fileId: Type.String({ description: 'A shared file id (an unknown or malformed one is 404).' }) });

export const SharedFileBody = Open({
  type: Type.Literal('migrations.packages'),
  extension: Type.Literal('mmp'),
  name: Maybe(Type.String()),
  size: Type.Integer({ minimum: 1, description: 'Bytes; at most storage.sharedFileStore.migrations.packages.maxSize.' }),
  sha256: Type.String({ description: 'The SHA-256 of the bytes to upload, 64 hex digits.' }),
  /** Optional: the package's header names its source environment. */
  environment: Maybe(Named),
  extraInfo: Maybe(
    Open({
      packageType: Maybe(Type.String({ description: 'Optional: the header says; one that contradicts the header is refused at upload.' })),
      packagePurpose: Maybe(Type.String({ description: MIGRATION_PURPOSES.join(', ') })),
    }),
  ),
});

export const SharedFile = Open({
  id: Type.String(),
  type: Type.String(),
  name: Type.String(),
  path: Type.String(),
  sha256: Type.String(),
  existing: Type.Boolean(),
  size: Type.Integer(),
  extension: Type.String(),
  creator: Named,
  environment: Named,
  creationDate: Type.String(),
  lastUpdatedDate: Type.String(),
  extraInfo: Open({ packageId: Type.String(), packageType: Type.String(), packagePurpose: Type.String() }),
  source: Type.Optional(PackageSource),
  warning: Type.Optional(
    Open(
      { code: Type.Literal('duplicate'), message: Type.String(), existingFileId: Type.String() },
      "Packstore's own: the same bytes are already stored as another file.",
    ),
  ),
  /** A Packstore extension: who signed the uploaded package (absent before the upload, or when it is not a package). */
  signature: Type.Optional(PackageSignatureRecord),
  importedInto: Type.Optional(
    Type.Array(Type.Object({ migrationId: Type.String(), status: Type.String(), project: Type.Optional(Named), creationDate: Type.String() }), {
      description: "Packstore's own: the imports made from this file, newest first (in the list, on files that were imported).",
    }),
  ),
});
export type SharedFile = Static<typeof SharedFile>;

export const FileListQuery = Type.Object({
  type: Type.Optional(Type.Literal('migrations.packages', { 'x-message': 'must be migrations.packages' })),
  offset: Type.Optional(WholeNumber(0, Number.MAX_SAFE_INTEGER)),
  limit: Type.Optional(WholeNumber(1, 1000)),
  ...listFilterQuery(FILE_SORTS),
  packageType: Type.Optional(PackageTypeList),
  purpose: Type.Optional(
    CommaList(`(${MIGRATION_PURPOSES.join('|')})`, `must list package purposes (${MIGRATION_PURPOSES.join(', ')})`, 'Only packages of these purposes.'),
  ),
});

/** The multipart upload: one part named `file` (checked while it streams, so not a body schema). */
export const UPLOAD_DESCRIPTION = 'multipart/form-data with one part named "file": the bytes whose size and SHA-256 the metadata declared.';
