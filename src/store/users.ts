import type { Kysely } from 'kysely';
import type { Database, UsersTable } from './db/schema.js';
import { isPrivilege, type Privilege } from '../domain/privileges.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { newGuid } from '../domain/ids.js';

export interface UserRecord {
  id: string;
  login: string;
  fullName: string;
  enabled: boolean;
}

export interface UserWithSecret extends UserRecord {
  passwordHash: string;
  failedLogins: number;
  lockedUntil: number;
}

function toUser(row: UsersTable): UserWithSecret {
  return {
    id: row.id,
    login: row.login,
    fullName: row.full_name,
    enabled: row.enabled === 1,
    passwordHash: row.password_hash,
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until,
  };
}

/** Environment users, groups and their privileges. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(input: { login: string; fullName?: string; passwordHash: string; id?: string }): Promise<UserRecord> {
    const login = input.login.trim();
    if (await this.findByLogin(login)) throw new ConflictError(`A user named ${login} already exists.`);
    const row: UsersTable = {
      id: input.id ?? newGuid(),
      login: login.toLowerCase(),
      full_name: input.fullName ?? login,
      password_hash: input.passwordHash,
      enabled: 1,
      created_at: Date.now(),
      failed_logins: 0,
      locked_until: 0,
    };
    await this.db.insertInto('users').values(row).execute();
    return toUser(row);
  }

  async findByLogin(login: string): Promise<UserWithSecret | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('login', '=', login.trim().toLowerCase()).executeTakeFirst();
    return row && toUser(row);
  }

  async findById(id: string): Promise<UserWithSecret | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async requireByLogin(login: string): Promise<UserWithSecret> {
    const user = await this.findByLogin(login);
    if (!user) throw new NotFoundError(`No user named ${login}.`);
    return user;
  }

  async list(): Promise<Array<UserRecord & { privileges: Privilege[]; groups: string[] }>> {
    const users = await this.db.selectFrom('users').selectAll().orderBy('login').execute();
    return Promise.all(
      users.map(async (row) => {
        const { passwordHash: _secret, failedLogins: _f, lockedUntil: _l, ...user } = toUser(row);
        const groups = await this.db
          .selectFrom('group_members')
          .innerJoin('user_groups', 'user_groups.id', 'group_members.group_id')
          .select('user_groups.name')
          .where('group_members.user_id', '=', row.id)
          .execute();
        return { ...user, privileges: [...(await this.privilegesOf(row.id))].sort(), groups: groups.map((g) => g.name) };
      }),
    );
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash, failed_logins: 0, locked_until: 0 }).where('id', '=', userId).execute();
    // A changed password ends every session of that user, and every identity token that would make one.
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await this.db.deleteFrom('identity_tokens').where('user_id', '=', userId).execute();
  }

  async ensureGroup(id: string, name: string): Promise<void> {
    const existing = await this.db.selectFrom('user_groups').select('id').where('id', '=', id).executeTakeFirst();
    if (!existing) await this.db.insertInto('user_groups').values({ id, name }).execute();
  }

  async addToGroup(userId: string, groupId: string): Promise<void> {
    const existing = await this.db
      .selectFrom('group_members')
      .select('user_id')
      .where('group_id', '=', groupId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!existing) await this.db.insertInto('group_members').values({ group_id: groupId, user_id: userId }).execute();
  }

  async grant(principalId: string, privileges: readonly Privilege[]): Promise<void> {
    for (const privilege of privileges) {
      const existing = await this.db
        .selectFrom('grants')
        .select('privilege')
        .where('principal_id', '=', principalId)
        .where('privilege', '=', privilege)
        .executeTakeFirst();
      if (!existing) await this.db.insertInto('grants').values({ principal_id: principalId, privilege }).execute();
    }
  }

  async revoke(principalId: string, privileges: readonly Privilege[]): Promise<void> {
    if (privileges.length === 0) return;
    await this.db
      .deleteFrom('grants')
      .where('principal_id', '=', principalId)
      .where('privilege', 'in', [...privileges])
      .execute();
  }

  async groupIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('group_members').select('group_id').where('user_id', '=', userId).orderBy('group_id').execute();
    return rows.map((g) => g.group_id);
  }

  /** Direct grants plus those of every group the user belongs to. */
  async privilegesOf(userId: string): Promise<Set<Privilege>> {
    const groupIds = (await this.db.selectFrom('group_members').select('group_id').where('user_id', '=', userId).execute()).map((g) => g.group_id);
    const rows = await this.db
      .selectFrom('grants')
      .select('privilege')
      .where('principal_id', 'in', [userId, ...groupIds])
      .execute();
    return new Set(rows.map((r) => r.privilege).filter(isPrivilege));
  }
}
