import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../db/schema.js';
import { OBJECT_TYPE } from '../../domain/objects.js';
import { SEARCH_PATTERN, type DateRange, type SearchFilter, type SearchPattern } from '../../domain/search/criteria.js';
import type { AclKeyFilter } from '../../domain/search/visibility.js';
import { like, likeEscaped } from '../sql-like.js';

export interface ObjectSearch extends SearchFilter {
  projectId: string;
  /** The objects the caller may browse, decided per ACL (see browseFilter); absent: every object. */
  acl?: AclKeyFilter;
  offset: number;
  limit: number;
}

/** The name condition of a search pattern; every pattern ignores case. */
function nameCondition(name: string, pattern: SearchPattern): RawBuilder<SqlBool> {
  const column = sql.ref('objects.name');
  const needle = likeEscaped(name);
  switch (pattern) {
    case SEARCH_PATTERN.EXACTLY:
      return sql<SqlBool>`lower(${column}) = ${name.toLowerCase()}`;
    case SEARCH_PATTERN.BEGIN_WITH:
      return like(column, `${needle}%`);
    case SEARCH_PATTERN.END_WITH:
      return like(column, `%${needle}`);
    case SEARCH_PATTERN.BEGIN_WITH_PHRASE:
      return sql<SqlBool>`(${like(column, `${needle}%`)} or ${like(column, `% ${needle}%`)})`;
    case SEARCH_PATTERN.CONTAINS_ANY_WORD: {
      const words = name.split(/\s+/).filter((w) => w !== '');
      if (words.length === 0) return sql<SqlBool>`1 = 1`;
      return sql<SqlBool>`(${sql.join(
        words.map((w) => like(column, `%${likeEscaped(w)}%`)),
        sql` or `,
      )})`;
    }
    default:
      return like(column, `%${needle}%`);
  }
}

/** The ids of a folder and every folder below it. */
function folderTree(projectId: string, folderId: string): RawBuilder<string> {
  return sql<string>`(with recursive tree(id) as (
      select id from objects where project_id = ${projectId} and id = ${folderId}
      union
      select child.id from objects child join tree on child.folder_id = tree.id
      where child.project_id = ${projectId} and child.type = ${OBJECT_TYPE.FOLDER}
    ) select id from tree)`;
}

/**
 * The objects related to `id` along object_uses: `dependents` walk from used to user, otherwise
 * from user to used. UNION (not UNION ALL) stops at cycles.
 */
function related(projectId: string, id: string, recursive: boolean, dependents: boolean): RawBuilder<string> {
  const [from, to] = dependents ? [sql.ref('used_id'), sql.ref('object_id')] : [sql.ref('object_id'), sql.ref('used_id')];
  if (!recursive) return sql<string>`(select ${to} from object_uses where project_id = ${projectId} and ${from} = ${id})`;
  return sql<string>`(with recursive walk(id) as (
      select ${to} from object_uses where project_id = ${projectId} and ${from} = ${id}
      union
      select u.${to} from object_uses u join walk on u.${from} = walk.id where u.project_id = ${projectId}
    ) select id from walk where id <> ${id})`;
}

function inRange(column: 'objects.date_created' | 'objects.date_modified', range: DateRange): Expression<SqlBool>[] {
  const conditions: Expression<SqlBool>[] = [];
  if (range.from !== undefined) conditions.push(sql<SqlBool>`${sql.ref(column)} >= ${range.from}`);
  if (range.to !== undefined) conditions.push(sql<SqlBool>`${sql.ref(column)} <= ${range.to}`);
  return conditions;
}

/** Every condition of a search, the caller's browse rights included, as one filtered query over objects. */
export function searchQuery(db: Kysely<Database>, s: ObjectSearch) {
  const conditions: Expression<SqlBool>[] = [];
  if (s.name !== undefined && s.name !== '') conditions.push(nameCondition(s.name, s.pattern ?? SEARCH_PATTERN.CONTAINS));
  const types = s.type ?? [];
  const subtypes = s.subtype ?? [];
  if (types.length > 0 && subtypes.length > 0)
    conditions.push(sql<SqlBool>`(objects.type in (${sql.join(types)}) or objects.subtype in (${sql.join(subtypes)}))`);
  else if (types.length > 0) conditions.push(sql<SqlBool>`objects.type in (${sql.join(types)})`);
  else if (subtypes.length > 0) conditions.push(sql<SqlBool>`objects.subtype in (${sql.join(subtypes)})`);
  if (s.hidden !== undefined) conditions.push(sql<SqlBool>`objects.hidden = ${s.hidden ? 1 : 0}`);
  if (s.folderId !== undefined) {
    conditions.push(s.recursive ? sql<SqlBool>`objects.folder_id in ${folderTree(s.projectId, s.folderId)}` : sql<SqlBool>`objects.folder_id = ${s.folderId}`);
  }
  for (const excluded of s.excludedFolders ?? []) {
    conditions.push(sql<SqlBool>`(objects.folder_id is null or objects.folder_id not in ${folderTree(s.projectId, excluded)})`);
  }
  if (s.created) conditions.push(...inRange('objects.date_created', s.created));
  if (s.modified) conditions.push(...inRange('objects.date_modified', s.modified));
  if (s.ownerId !== undefined) conditions.push(sql<SqlBool>`objects.owner_id = ${s.ownerId}`);
  if (s.description !== undefined && s.description !== '') conditions.push(like(sql.ref('objects.description'), `%${likeEscaped(s.description)}%`));
  if (s.uses) conditions.push(sql<SqlBool>`objects.id in ${related(s.projectId, s.uses.id, s.uses.recursive, true)}`);
  if (s.usedBy) conditions.push(sql<SqlBool>`objects.id in ${related(s.projectId, s.usedBy.id, s.usedBy.recursive, false)}`);
  if (s.acl && 'only' in s.acl) {
    conditions.push(s.acl.only.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`objects.acl_key in (${sql.join(s.acl.only)})`);
  } else if (s.acl && s.acl.exclude.length > 0) {
    conditions.push(sql<SqlBool>`objects.acl_key not in (${sql.join(s.acl.exclude)})`);
  }
  return db
    .selectFrom('objects')
    .where('objects.project_id', '=', s.projectId)
    .$if(conditions.length > 0, (q) => q.where((eb) => eb.and(conditions)));
}
