import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';
import { hashToken, newSessionToken } from '../domain/tokens.js';
import { identityTokenState, type IdentityTokenState } from '../domain/identity-tokens.js';

export interface IdentityTokenPolicy {
  /** How long a token can be redeemed (auth.identityToken.lifetimeSeconds). */
  lifetimeMs: number;
  /** Whether a token can be redeemed once only (auth.identityToken.singleUse). */
  singleUse: boolean;
}

export interface IdentityTokenLookup {
  userId: string;
  state: IdentityTokenState;
}

/**
 * Identity tokens in the database, shared by every node, stored only as hashes. Redemption is one
 * conditional update, so two connections racing with one single-use token cannot both get a session.
 */
export class IdentityTokenRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: IdentityTokenPolicy,
  ) {}

  /** A new token for this user. */
  async create(userId: string, now = Date.now()): Promise<string> {
    const token = newSessionToken();
    await this.db
      .insertInto('identity_tokens')
      .values({ token_hash: hashToken(token), user_id: userId, created_at: now, expires_at: now + this.policy.lifetimeMs, redeemed_at: null })
      .execute();
    return token;
  }

  /** Whose token this is and what it can still do, without using it; undefined when unknown. */
  async inspect(token: string, now = Date.now()): Promise<IdentityTokenLookup | undefined> {
    const row = await this.db
      .selectFrom('identity_tokens')
      .select(['user_id', 'expires_at', 'redeemed_at'])
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) return undefined;
    return { userId: row.user_id, state: identityTokenState({ expiresAt: row.expires_at, redeemedAt: row.redeemed_at }, now, this.policy.singleUse) };
  }

  /** Uses the token: its user id, or undefined when it was no longer valid at this instant (expired, or used by a racer). */
  async redeem(token: string, now = Date.now()): Promise<string | undefined> {
    let update = this.db
      .updateTable('identity_tokens')
      .set((eb) => ({ redeemed_at: eb.fn.coalesce('redeemed_at', eb.val(now)) }))
      .where('token_hash', '=', hashToken(token))
      .where('expires_at', '>', now);
    if (this.policy.singleUse) update = update.where('redeemed_at', 'is', null);
    const row = await update.returning('user_id').executeTakeFirst();
    return row?.user_id;
  }

  /** Ends a token at once (its user is locked out). */
  async revoke(token: string): Promise<void> {
    await this.db.deleteFrom('identity_tokens').where('token_hash', '=', hashToken(token)).execute();
  }

  async purgeExpired(now = Date.now()): Promise<void> {
    await this.db.deleteFrom('identity_tokens').where('expires_at', '<=', now).execute();
  }
}
