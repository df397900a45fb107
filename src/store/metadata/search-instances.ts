import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { SearchFilter } from '../../domain/search/criteria.js';

/** A stored metadata search lives this long; mstrio reads its results right after storing it. */
export const SEARCH_INSTANCE_TTL_MS = 24 * 3600 * 1000;

export interface SearchInstance {
  id: string;
  userId: string;
  projectId: string;
  filter: SearchFilter;
}

/** Stored metadata searches, in the database so that any node answers the read that follows the store. */
export class SearchInstanceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Saves a search and forgets those older than the time to live. */
  async save(instance: SearchInstance, now: number): Promise<void> {
    await this.db
      .deleteFrom('search_instances')
      .where('created_at', '<', now - SEARCH_INSTANCE_TTL_MS)
      .execute();
    await this.db
      .insertInto('search_instances')
      .values({ id: instance.id, user_id: instance.userId, project_id: instance.projectId, criteria: JSON.stringify(instance.filter), created_at: now })
      .execute();
  }

  /** The search, if this user stored it. */
  async find(id: string, userId: string): Promise<SearchInstance | undefined> {
    const row = await this.db.selectFrom('search_instances').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return row && { id: row.id, userId: row.user_id, projectId: row.project_id, filter: JSON.parse(row.criteria) as SearchFilter };
  }
}
