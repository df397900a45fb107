import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';
import { hashToken, newSessionToken } from '../domain/tokens.js';
import { WRITE_NOW, type WriteBehind } from './db/write-behind.js';

interface SessionRow {
  user_id: string;
  last_active_at: number;
}

/** Touching a session on every request would write on every request; a few seconds of slack is harmless. */
export const TOUCH_SLACK_MS = 5000;

/**
 * Sessions live in the database so that any node accepts any token. A session made while an import
 * holds SQLite's writer is answered from memory until its queued insert has run.
 */
export class SessionRepository {
  private readonly unwritten = new Map<string, SessionRow>();
  /** Sessions whose delete (a logout, an expiry) is queued: gone now, whatever the database says yet. */
  private readonly deleting = new Set<string>();
  /**
   * When a session was last touched by a write still queued: its stored row says older. Without it, every
   * request of a session past the slack would queue one more touch for as long as an import holds the writer.
   */
  private readonly touching = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly idleTimeoutMs: number,
    private readonly writes: WriteBehind = WRITE_NOW,
  ) {}

  async create(userId: string, now = Date.now()): Promise<string> {
    const token = newSessionToken();
    const tokenHash = hashToken(token);
    const row = { user_id: userId, last_active_at: now };
    this.unwritten.set(tokenHash, row);
    await this.writes.run(() =>
      this.db
        .insertInto('sessions')
        .values({ token_hash: tokenHash, user_id: userId, created_at: now, last_active_at: now })
        .execute()
        .finally(() => this.unwritten.delete(tokenHash)),
    );
    return token;
  }

  /** The user id of a live session, renewing its idle timer; undefined when unknown or expired. */
  async resolve(token: string, now = Date.now()): Promise<string | undefined> {
    const tokenHash = hashToken(token);
    if (this.deleting.has(tokenHash)) return undefined;
    const row =
      this.unwritten.get(tokenHash) ??
      (await this.db.selectFrom('sessions').select(['user_id', 'last_active_at']).where('token_hash', '=', tokenHash).executeTakeFirst());
    if (!row) return undefined;
    const lastActive = Math.max(row.last_active_at, this.touching.get(tokenHash) ?? 0);
    if (now - lastActive > this.idleTimeoutMs) {
      await this.forget(tokenHash);
      return undefined;
    }
    if (now - lastActive > TOUCH_SLACK_MS) await this.touch(tokenHash, now);
    return row.user_id;
  }

  renew(token: string, now = Date.now()): Promise<void> {
    return this.touch(hashToken(token), now);
  }

  destroy(token: string): Promise<void> {
    return this.forget(hashToken(token));
  }

  private async touch(tokenHash: string, now: number): Promise<void> {
    const unwritten = this.unwritten.get(tokenHash);
    if (unwritten) unwritten.last_active_at = now;
    this.touching.set(tokenHash, now);
    await this.writes.run(() =>
      this.db
        .updateTable('sessions')
        .set({ last_active_at: now })
        .where('token_hash', '=', tokenHash)
        .execute()
        .finally(() => {
          if (this.touching.get(tokenHash) === now) this.touching.delete(tokenHash);
        }),
    );
  }

  private async forget(tokenHash: string): Promise<void> {
    this.unwritten.delete(tokenHash);
    this.touching.delete(tokenHash);
    this.deleting.add(tokenHash);
    await this.writes.run(() =>
      this.db
        .deleteFrom('sessions')
        .where('token_hash', '=', tokenHash)
        .execute()
        .finally(() => this.deleting.delete(tokenHash)),
    );
  }

  /** The sweep: behind any renewal still queued, so a session renewed during an import is not swept for its stored row. */
  async purgeExpired(now = Date.now()): Promise<void> {
    await this.writes.run(() =>
      this.db
        .deleteFrom('sessions')
        .where('last_active_at', '<', now - this.idleTimeoutMs)
        .execute(),
    );
  }
}
