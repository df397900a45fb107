import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';
import { hashToken, newSessionToken } from '../domain/tokens.js';

/** Touching a session on every request would write on every request; a few seconds of slack is harmless. */
const TOUCH_SLACK_MS = 5000;

/** Sessions live in the database so that any node accepts any token. */
export class SessionRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly idleTimeoutMs: number,
  ) {}

  async create(userId: string, now = Date.now()): Promise<string> {
    const token = newSessionToken();
    await this.db
      .insertInto('sessions')
      .values({ token_hash: hashToken(token), user_id: userId, created_at: now, last_active_at: now })
      .execute();
    return token;
  }

  /** The user id of a live session, renewing its idle timer; undefined when unknown or expired. */
  async resolve(token: string, now = Date.now()): Promise<string | undefined> {
    const tokenHash = hashToken(token);
    const row = await this.db.selectFrom('sessions').select(['user_id', 'last_active_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
    if (!row) return undefined;
    if (now - row.last_active_at > this.idleTimeoutMs) {
      await this.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
      return undefined;
    }
    if (now - row.last_active_at > TOUCH_SLACK_MS) {
      await this.db.updateTable('sessions').set({ last_active_at: now }).where('token_hash', '=', tokenHash).execute();
    }
    return row.user_id;
  }

  async renew(token: string, now = Date.now()): Promise<void> {
    await this.db.updateTable('sessions').set({ last_active_at: now }).where('token_hash', '=', hashToken(token)).execute();
  }

  async destroy(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
  }

  async purgeExpired(now = Date.now()): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where('last_active_at', '<', now - this.idleTimeoutMs)
      .execute();
  }
}
