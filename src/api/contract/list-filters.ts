import { Type } from 'typebox';
import { CommaList } from './common.js';
import { PACKAGE_TYPES } from '../../domain/migrations/purposes.js';

/** Package types to keep: `type` on the migration list, `packageType` on the file list (whose `type` is the Library's file type). */
export const PackageTypeList = CommaList(
  `(${PACKAGE_TYPES.join('|')})`,
  `must list package types (${PACKAGE_TYPES.join(', ')})`,
  'Only packages of these types.',
);

/** The query parameters the package and migration lists share (issue 17). */
export const listFilterQuery = <S extends string[]>(sorts: readonly [...S]) => ({
  q: Type.Optional(Type.String({ maxLength: 250, description: 'Only records whose name or id holds this text (any case).' })),
  creator: Type.Optional(Type.String({ maxLength: 250, description: "Only records whose creator's name or id holds this text." })),
  from: Type.Optional(Type.String({ description: 'Made at or after: a Library or ISO date, or epoch milliseconds.' })),
  to: Type.Optional(Type.String({ description: 'Made at or before: a Library or ISO date, or epoch milliseconds.' })),
  sort: Type.Optional(Type.Enum(sorts, { description: `One of ${sorts.join(', ')}; a leading "-" sorts descending (${sorts[0]} when absent).` })),
});
