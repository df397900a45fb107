import { Type } from 'typebox';
import { DEFINITION_FIELDS } from '../../domain/search/definition.js';
import { CommaList, Guid, Maybe, Open, OptionalBody, Paging, QueryBoolean, WholeNumber } from './common.js';
import { ObjectList, TypeList } from './objects.js';

export { StoredSearch } from './objects.js';

/** Quick search, metadata searches and search objects (search-api-contract §4). The criteria's rules are the domain's. */

const Flag = Type.Optional(QueryBoolean());
const Text = (description?: string) => Type.Optional(Type.String(description ? { description } : {}));
const Root = Type.Optional(Guid('Search below this folder.'));
/** EnumDSSXMLSearchTypes: 0 exactly … 5 (contains by default). */
const Pattern = Type.Optional(WholeNumber(0, 5, 'How the name matches (EnumDSSXMLSearchTypes; 4 contains).'));

export const QuickSearchQuery = (maxPage: number) =>
  Type.Object({
    name: Text('A part of the name.'),
    pattern: Pattern,
    type: Type.Optional(TypeList),
    root: Root,
    ...Paging(maxPage),
    getAncestors: Flag,
    'result.hidden': Flag,
    isCrossCluster: Flag,
    certifiedStatus: Text('ALL, CERTIFIED_ONLY, NOT_CERTIFIED_ONLY or OFF (any case).'),
    tenantIds: Type.Optional(CommaList('[0-9A-F]{32}', 'must be 32-hex ids')),
  });

/** mstrio joins the suggestion parameters into `key` with `?` (§4.7): the count may come inside it. */
export const SuggestionQuery = Type.Object({ key: Text('The start of a name (mstrio appends ?count=… to it).'), count: Text('1 to 100 suggestions.') });
export const Suggestions = Open({ suggestions: Type.Array(Open({ name: Type.String() })) });

export const ObjectsByIdQuery = Type.Object({ includeAncestors: Flag, showNavigationPath: Flag });
export const ObjectsByIdBody = Type.Object(
  { projectIdAndObjectIds: Type.Array(Open({ projectId: Guid(), objectIds: Type.Array(Guid()) })) },
  { additionalProperties: false },
);

export const SearchResults = Open({ totalItems: Type.Integer(), result: ObjectList });

/** A metadata search's criteria in the query (v1 and v2). */
export const MetadataSearchQuery = Type.Object({
  domain: Type.Optional(WholeNumber(1, 4, 'EnumDSSXMLSearchDomain: 2 the project, 4 the configuration.')),
  name: Type.Optional(Type.String({ maxLength: 250 })),
  pattern: Pattern,
  type: Type.Optional(TypeList),
  root: Root,
  usesObject: Text('<object id>;<type>: the objects that use it.'),
  usedByObject: Text('<object id>;<type>: the objects it uses.'),
  usesRecursive: Flag,
  usedByRecursive: Flag,
  usesOneOf: Flag,
  usedByOneOf: Flag,
  beginModificationTime: Text('A date such as 2021-04-04T06:33:32Z.'),
  endModificationTime: Text('A date such as 2021-04-04T06:33:32Z.'),
  scope: Text('rooted, standalone, managed or all.'),
  visibility: Text('visible or all.'),
});

/** v2's JSON body: the criteria that do not fit in a query (§4.2). */
const V2_BODY_FIELDS = ['includeSubfolders', 'dateFilterType', 'timeRange', 'descriptionQuery', 'ownerId', 'localeId', 'excludedFolders'] as const;
export const MetadataSearchBody = OptionalBody(
  Type.Object(Object.fromEntries(V2_BODY_FIELDS.map((f) => [f, Type.Optional(Type.Unknown())])), { additionalProperties: false }),
);

export const SearchIdQuery = (maxPage: number) =>
  Type.Object({ searchId: Type.String({ pattern: '^[0-9A-F]{32}$', 'x-message': 'must be the id a metadata search answered' }), ...Paging(maxPage) });
export const SearchTree = Open({ totalItems: Type.Integer(), folders: Type.Array(Open({})) });

/** A search object's criteria (type 39), named by DEFINITION_FIELDS; their rules are the domain's. */
const Criteria = Object.fromEntries(DEFINITION_FIELDS.map((f) => [f, Type.Optional(Type.Unknown())]));
export const SearchObjectBody = Type.Object(
  {
    name: Type.String(),
    description: Maybe(Type.String({ maxLength: 4000 })),
    location: Maybe(Guid('The folder to save it in (the project root when absent).')),
    lcidQuery: Type.Optional(Type.Unknown()),
    ...Criteria,
  },
  { additionalProperties: false },
);
export const SearchObjectPatchBody = Type.Object(
  {
    operationList: Type.Array(Open({ op: Type.Optional(Type.Unknown()), path: Type.Optional(Type.Unknown()), value: Type.Optional(Type.Unknown()) }), {
      minItems: 1,
      maxItems: 50,
    }),
  },
  { additionalProperties: false },
);
export const SearchObjectDefinition = Open({ id: Type.String(), name: Type.String(), description: Type.Optional(Type.String()) });
export const SearchObjectRunQuery = (maxPage: number) =>
  Type.Object({ ...Paging(maxPage), includeAncestors: Flag, includeAcl: Flag, 'result.subtypes': Type.Optional(WholeNumber(0, 99_999)) });
