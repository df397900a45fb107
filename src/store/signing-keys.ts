import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';
import { newSigningKeyPair } from '../domain/package-trust.js';
import { openSecret, sealSecret, type SecretKeyring } from '../domain/secret-box.js';

/** Serialises key changes across nodes: a no-op update of the storage settings row holds its lock to commit. */
async function lockKeys(trx: Kysely<Database>): Promise<void> {
  await trx
    .updateTable('storage_config')
    .set((eb) => ({ id: eb.ref('id') }))
    .where('id', '=', 1)
    .execute();
}

export interface SigningKeyView {
  keyId: string;
  /** base64 SPKI DER. */
  publicKey: string;
  createdAt: number;
  /** When a rotation replaced it; undefined for the current key. */
  retiredAt?: number;
}

/**
 * This environment's Ed25519 signing keys. The private key of the current one is kept sealed with the secret
 * keyring (the same keys that seal storage secrets); a rotation drops it and keeps the public key, so every
 * package signed before still verifies. Creating and rotating take the storage settings row as a lock, so
 * nodes starting together make one key between them.
 */
export class SigningKeyRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ring: SecretKeyring,
  ) {}

  /** The same keys, read through `db` (a transaction in progress). */
  on(db: Kysely<Database>): SigningKeyRepository {
    return new SigningKeyRepository(db, this.ring);
  }

  /** Makes the first key unless there is a current one already. */
  async ensureCurrent(now = Date.now()): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockKeys(trx);
      const current = await trx.selectFrom('signing_keys').select('key_id').where('retired_at', 'is', null).executeTakeFirst();
      if (!current) await this.insertNew(trx, now);
    });
  }

  /** Retires the current key (its private half is erased) and makes a new one; returns the new key. */
  async rotate(now = Date.now()): Promise<SigningKeyView> {
    return this.db.transaction().execute(async (trx) => {
      await lockKeys(trx);
      await trx.updateTable('signing_keys').set({ retired_at: now, sealed_private_key: null }).where('retired_at', 'is', null).execute();
      return this.insertNew(trx, now);
    });
  }

  /** The key that signs now, with its private key opened. */
  async current(): Promise<{ keyId: string; privateKey: Buffer } | undefined> {
    const row = await this.db.selectFrom('signing_keys').select(['key_id', 'sealed_private_key']).where('retired_at', 'is', null).executeTakeFirst();
    if (!row?.sealed_private_key) return undefined;
    return { keyId: row.key_id, privateKey: Buffer.from(openSecret(row.sealed_private_key, this.ring), 'base64') };
  }

  /** Every key, the current one first, then the retired ones newest first. */
  async list(): Promise<SigningKeyView[]> {
    const rows = await this.db.selectFrom('signing_keys').select(['key_id', 'public_key', 'created_at', 'retired_at']).orderBy('created_at', 'desc').execute();
    const views = rows.map((row) => ({
      keyId: row.key_id,
      publicKey: row.public_key,
      createdAt: Number(row.created_at),
      ...(row.retired_at === null ? {} : { retiredAt: Number(row.retired_at) }),
    }));
    return [...views.filter((v) => v.retiredAt === undefined), ...views.filter((v) => v.retiredAt !== undefined)];
  }

  async find(keyId: string): Promise<SigningKeyView | undefined> {
    return (await this.list()).find((key) => key.keyId === keyId);
  }

  private async insertNew(trx: Kysely<Database>, now: number): Promise<SigningKeyView> {
    const pair = newSigningKeyPair();
    await trx
      .insertInto('signing_keys')
      .values({ key_id: pair.keyId, public_key: pair.publicKey, sealed_private_key: sealSecret(pair.privateKey, this.ring), created_at: now, retired_at: null })
      .execute();
    return { keyId: pair.keyId, publicKey: pair.publicKey, createdAt: now };
  }
}
