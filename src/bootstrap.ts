import type { UserRepository } from './store/users.js';
import { ALL_PRIVILEGES, ADMINISTRATOR_USER_ID, SYSTEM_ADMINISTRATORS_GROUP_ID, EVERYONE_GROUP_ID } from './domain/privileges.js';
import { generatePassword, hashPassword } from './domain/passwords.js';

export interface BootstrapResult {
  /** Set only when the Administrator was created now with a generated password, to print once. */
  generatedAdminPassword?: string;
}

/** First start: the Administrator user in System Administrators, holding every privilege. */
export async function bootstrapUsers(users: UserRepository, adminPassword: string | undefined): Promise<BootstrapResult> {
  await users.ensureGroup(SYSTEM_ADMINISTRATORS_GROUP_ID, 'System Administrators');
  await users.ensureGroup(EVERYONE_GROUP_ID, 'Everyone');
  await users.grant(SYSTEM_ADMINISTRATORS_GROUP_ID, ALL_PRIVILEGES);
  if (await users.findById(ADMINISTRATOR_USER_ID)) return {};
  const password = adminPassword ?? generatePassword();
  await users.create({ id: ADMINISTRATOR_USER_ID, login: 'Administrator', fullName: 'Administrator', passwordHash: await hashPassword(password) });
  await users.addToGroup(ADMINISTRATOR_USER_ID, SYSTEM_ADMINISTRATORS_GROUP_ID);
  await users.addToGroup(ADMINISTRATOR_USER_ID, EVERYONE_GROUP_ID);
  return adminPassword ? {} : { generatedAdminPassword: password };
}
