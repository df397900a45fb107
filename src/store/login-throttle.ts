import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from './db/schema.js';
import { WRITE_NOW, type WriteBehind } from './db/write-behind.js';

interface ThrottleRow {
  attempts: number;
  window_start: number;
  last_success: number;
}

/** What a row will hold once its queued writes have run, and how many are still queued. */
interface Predicted {
  row: ThrottleRow | undefined;
  queued: number;
}

/** The row counting a login's attempts from every address: the ceiling against distributed guessing. */
const ALL_ADDRESSES = '*';
/**
 * Failed redemptions of identity tokens that name no user (unknown or malformed) count per address under
 * this key. Every other key is the SHA-256 hex of a login, so no login can share it; the token itself is
 * no key, or every guess would start a count of its own.
 */
const UNKNOWN_IDENTITY_TOKEN_KEY = 'identity-token:unknown';
/** The ceiling across addresses, as a multiple of the per-address limit. */
export const ALL_ADDRESSES_FACTOR = 10;

export interface ThrottlePolicy {
  /** Attempts allowed per (login, address) in one window (auth.login.maxFailures). */
  maxFailures: number;
  /** The window, which is also the longest a lockout lasts (auth.login.lockSeconds). */
  windowMs: number;
  /** How long after a successful login its address stays exempt from the ceiling across addresses. */
  knownAddressMs: number;
}

export type Admission = { allowed: true; knownAddress: boolean } | { allowed: false; retryAfterSeconds: number };

/**
 * Unknown names are counted like real users (so a lockout reveals nothing), under a hash: the
 * key has a fixed size whatever a caller sends, and the table keeps no attacker-chosen text.
 */
function loginKey(login: string): string {
  return createHash('sha256').update(login.trim().toLowerCase()).digest('hex');
}

/**
 * Failed-login throttling per (login, client address) in the database, shared by every node.
 * An attempt is reserved before the password is checked, by one atomic upsert that also returns
 * the new count: concurrent attempts can never check more passwords than the limit allows.
 * While an import holds SQLite's writer, the same statements are queued behind it (in order) and the
 * counts they will produce are computed here from the last commit and what is queued: one node, one truth.
 */
export class LoginThrottle {
  private readonly predicted = new Map<string, Predicted>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: ThrottlePolicy,
    private readonly writes: WriteBehind = WRITE_NOW,
  ) {}

  /** Reserves one attempt for this login from this address, or says how long to wait. */
  admit(login: string, address: string, now = Date.now()): Promise<Admission> {
    return this.admitKey(loginKey(login), address, now);
  }

  /** Reserves one attempt of an identity token that names no user, from this address (it has failed already). */
  admitUnknownIdentityToken(address: string, now = Date.now()): Promise<Admission> {
    return this.admitKey(UNKNOWN_IDENTITY_TOKEN_KEY, address, now);
  }

  private async admitKey(key: string, address: string, now: number): Promise<Admission> {
    const own = await this.reserve(key, address, now);
    if (own.attempts > this.policy.maxFailures) return this.refused(own.window_start, now);
    const knownAddress = own.last_success > now - this.policy.knownAddressMs;
    if (knownAddress) return { allowed: true, knownAddress };
    const all = await this.reserve(key, ALL_ADDRESSES, now);
    if (all.attempts > this.policy.maxFailures * ALL_ADDRESSES_FACTOR) return this.refused(all.window_start, now);
    return { allowed: true, knownAddress };
  }

  /** A right password: this address starts afresh and becomes known good; its attempt no longer counts. */
  async succeeded(login: string, address: string, admission: { knownAddress: boolean }, now = Date.now()): Promise<void> {
    const key = loginKey(login);
    await this.write(
      key,
      address,
      (row) => ({ attempts: 0, window_start: row?.window_start ?? now, last_success: now }),
      () =>
        this.db
          .insertInto('login_throttle')
          .values({ login_key: key, address: boundedAddress(address), attempts: 0, window_start: now, last_success: now })
          .onConflict((oc) => oc.columns(['login_key', 'address']).doUpdateSet({ attempts: 0, last_success: now }))
          .execute(),
    );
    if (admission.knownAddress) return;
    await this.write(
      key,
      ALL_ADDRESSES,
      (row) => (row && row.attempts > 0 ? { ...row, attempts: row.attempts - 1 } : row),
      () =>
        this.db
          .updateTable('login_throttle')
          .set({ attempts: sql<number>`attempts - 1` })
          .where('login_key', '=', key)
          .where('address', '=', ALL_ADDRESSES)
          .where('attempts', '>', 0)
          .execute(),
    );
  }

  /** `packstore users unlock`: forgets every count (and known address) of this login. */
  async clear(login: string): Promise<void> {
    const key = loginKey(login);
    for (const predictedKey of this.predicted.keys()) if (predictedKey.startsWith(`${key}\0`)) this.predicted.delete(predictedKey);
    await this.db.deleteFrom('login_throttle').where('login_key', '=', key).execute();
  }

  /** Drops rows that no longer count anything nor mark a known address (behind the counts still queued). */
  async purgeExpired(now = Date.now()): Promise<void> {
    await this.writes.run(() =>
      this.db
        .deleteFrom('login_throttle')
        .where('window_start', '<=', now - this.policy.windowMs)
        .where('last_success', '<=', now - this.policy.knownAddressMs)
        .execute(),
    );
  }

  private refused(windowStart: number, now: number): Admission {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + this.policy.windowMs - now) / 1000)) };
  }

  /** One statement: a new window when the last one ended, otherwise one more attempt in it. */
  private async reserve(key: string, address: string, now: number): Promise<ThrottleRow> {
    if (!this.writes.deferring && !this.predicted.has(predictedKey(key, address))) return this.reserveStatement(key, address, now).executeTakeFirstOrThrow();
    const next = (row: ThrottleRow | undefined): ThrottleRow => {
      const windowEnded = !row || row.window_start <= now - this.policy.windowMs;
      return { attempts: windowEnded ? 1 : (row?.attempts ?? 0) + 1, window_start: windowEnded ? now : row.window_start, last_success: row?.last_success ?? 0 };
    };
    const row = await this.write(key, address, next, () => this.reserveStatement(key, address, now).execute());
    if (!row) throw new Error('a reserved attempt always leaves a row');
    return row;
  }

  /**
   * Runs `statement` now or queued behind the writer's holder; in the latter case (or while earlier ones
   * for the row are still queued) `next` says what the row will hold after it, from the last commit
   * and the queued statements. Returns that prediction, or undefined when the statement ran at once.
   */
  private async write(
    key: string,
    address: string,
    next: (row: ThrottleRow | undefined) => ThrottleRow | undefined,
    statement: () => Promise<unknown>,
  ): Promise<ThrottleRow | undefined> {
    const id = predictedKey(key, address);
    let entry = this.predicted.get(id);
    if (!this.writes.deferring && !entry) {
      await statement();
      return undefined;
    }
    if (!entry) {
      const stored = await this.db
        .selectFrom('login_throttle')
        .select(['attempts', 'window_start', 'last_success'])
        .where('login_key', '=', key)
        .where('address', '=', boundedAddress(address))
        .executeTakeFirst();
      // Another call may have started predicting this row while the read ran.
      entry = this.predicted.get(id) ?? { row: stored, queued: 0 };
      this.predicted.set(id, entry);
    }
    const predicted = entry;
    predicted.row = next(predicted.row);
    predicted.queued += 1;
    await this.writes.run(() =>
      statement().finally(() => {
        predicted.queued -= 1;
        if (predicted.queued === 0 && this.predicted.get(id) === predicted) this.predicted.delete(id);
      }),
    );
    return predicted.row;
  }

  private reserveStatement(key: string, address: string, now: number) {
    const windowEnded = sql<boolean>`login_throttle.window_start <= ${now - this.policy.windowMs}`;
    return this.db
      .insertInto('login_throttle')
      .values({ login_key: key, address: boundedAddress(address), attempts: 1, window_start: now, last_success: 0 })
      .onConflict((oc) =>
        oc.columns(['login_key', 'address']).doUpdateSet({
          attempts: sql<number>`CASE WHEN ${windowEnded} THEN 1 ELSE login_throttle.attempts + 1 END`,
          window_start: sql<number>`CASE WHEN ${windowEnded} THEN ${now} ELSE login_throttle.window_start END`,
        }),
      )
      .returning(['attempts', 'window_start', 'last_success']);
  }
}

function predictedKey(key: string, address: string): string {
  return `${key}\0${boundedAddress(address)}`;
}

/** Addresses are IPs (at most 45 characters); the bound only guards the column. */
function boundedAddress(address: string): string {
  return address.slice(0, 64);
}
