import type { Kysely, Selectable } from 'kysely';
import type { Database, TrustedKeysTable } from './db/schema.js';
import type { VerificationKey } from '../domain/package-trust.js';

export interface TrustedKey extends VerificationKey {
  environmentName: string;
  addedAt: number;
  addedBy: string;
}

function toKey(row: Selectable<TrustedKeysTable>): TrustedKey {
  return {
    keyId: row.key_id,
    environmentId: row.environment_id,
    environmentName: row.environment_name,
    publicKey: row.public_key,
    addedAt: Number(row.added_at),
    addedBy: row.added_by,
  };
}

/** The public keys of source environments whose packages this environment trusts. */
export class TrustedKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The same keys, read through `db` (a transaction in progress). */
  on(db: Kysely<Database>): TrustedKeyRepository {
    return new TrustedKeyRepository(db);
  }

  /** Adds the keys; a key trusted already keeps its entry. Returns the keys that were new. */
  async add(keys: ReadonlyArray<Omit<TrustedKey, 'addedAt'>>, now = Date.now()): Promise<TrustedKey[]> {
    const added: TrustedKey[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (const key of keys) {
        const exists = await trx.selectFrom('trusted_keys').select('key_id').where('key_id', '=', key.keyId).executeTakeFirst();
        if (exists) continue;
        const row = {
          key_id: key.keyId,
          environment_id: key.environmentId,
          environment_name: key.environmentName,
          public_key: key.publicKey,
          added_at: now,
          added_by: key.addedBy,
        };
        await trx.insertInto('trusted_keys').values(row).execute();
        added.push(toKey(row));
      }
    });
    return added;
  }

  async list(): Promise<TrustedKey[]> {
    const rows = await this.db.selectFrom('trusted_keys').selectAll().orderBy('environment_id').orderBy('added_at').execute();
    return rows.map(toKey);
  }

  async find(keyId: string): Promise<TrustedKey | undefined> {
    const row = await this.db.selectFrom('trusted_keys').selectAll().where('key_id', '=', keyId).executeTakeFirst();
    return row && toKey(row);
  }

  /** Removes one key (by key id) or every key of an environment (by its id); returns how many went. */
  async remove(keyOrEnvironment: string): Promise<number> {
    const result = await this.db
      .deleteFrom('trusted_keys')
      .where((eb) => eb.or([eb('key_id', '=', keyOrEnvironment), eb('environment_id', '=', keyOrEnvironment)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
