import { Type, type Static } from 'typebox';
import { CommaList, Guid, Maybe, Named, Open, OptionalBody, Paging, QueryBoolean } from './common.js';

/** Projects, objects, folders and searches: the metadata repository (library-api-contract §6). */

/** Where a project's folder tree starts: the console browses down from it. */
export { PROJECT_ROOT_FOLDER_ID } from '../../domain/objects.js';

export const MAX_NAME_LENGTH = 250;
const MAX_DESCRIPTION_LENGTH = 4000;
/** The most objects one page of a folder or a search holds. */
export const MAX_PAGE = 5000;

export const ObjectIdParams = Type.Object({ id: Guid('The object id.') });

export const ObjectTypeQuery = Type.Object({
  type: Type.Integer({
    minimum: 1,
    maximum: 99_999,
    description: 'The object type (EnumDSSXMLObjectTypes), e.g. 8 for a folder.',
    'x-message': 'must be a positive object type number',
  }),
});

const Name = Type.String({ description: `Trimmed, then 1 to ${MAX_NAME_LENGTH} characters.` });
const Description = Type.String({ maxLength: MAX_DESCRIPTION_LENGTH });
const Closed = <P extends Parameters<typeof Type.Object>[0]>(properties: P) => OptionalBody(Type.Object(properties, { additionalProperties: false }));

export const ObjectUpdateBody = Closed({ name: Maybe(Name), description: Maybe(Description), folderId: Maybe(Guid('Move the object into this folder.')) });
export type ObjectUpdateBody = Static<typeof ObjectUpdateBody>;
export const ObjectCopyBody = Closed({ name: Maybe(Name), folderId: Maybe(Guid('Copy into this folder.')) });
export const FolderBody = Type.Object({ name: Name, description: Maybe(Description), parent: Guid('The parent folder.') }, { additionalProperties: false });

/** Object types, as repeated keys or comma lists; 256 and above are subtypes. */
export const TypeList = CommaList('\\d{1,5}', 'must list object type numbers', 'Object types (256 and above: subtypes).');

export const FolderQuery = Type.Object({
  type: Type.Optional(TypeList),
  hidden: Type.Optional(QueryBoolean('false leaves hidden objects out; absent lists every child.')),
  ...Paging(MAX_PAGE),
});

export const MetadataObject = Open({
  id: Type.String(),
  name: Type.String(),
  type: Type.Integer(),
  subtype: Type.Integer(),
  extType: Type.Integer(),
  dateCreated: Type.String(),
  dateModified: Type.String(),
  version: Type.String(),
  acg: Type.Integer({ description: "The caller's effective rights." }),
  owner: Named,
  acl: Type.Array(Open({})),
  ancestors: Type.Optional(Type.Array(Open({}))),
  description: Type.Optional(Type.String()),
  hidden: Type.Optional(Type.Boolean()),
  projectId: Type.Optional(Type.String()),
});

export type MetadataObject = Static<typeof MetadataObject>;

export const ObjectList = Type.Array(MetadataObject);

export const Project = Open({
  id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  status: Type.Optional(Type.Integer()),
  alias: Type.Optional(Type.String()),
  dateCreated: Type.Optional(Type.String()),
  dateModified: Type.Optional(Type.String()),
  owner: Type.Optional(Named),
});
export type Project = Static<typeof Project>;

export const SearchResults = Open({ totalItems: Type.Integer(), result: ObjectList });

/** A stored metadata search (declared here, not in searches.ts, so that the console can read it without the search domain). */
export const StoredSearch = Open({ id: Type.String(), totalItems: Type.Integer() }, 'The stored search: read its results with searchId=id.');
export type StoredSearch = Static<typeof StoredSearch>;

export const ProjectList = Type.Array(Project);
