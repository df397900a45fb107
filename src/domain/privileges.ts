/** The environment privileges Packstore enforces, with the names the Library shows in ERR014 messages. */
export const PRIVILEGES = {
  MANAGE_MIGRATION_PACKAGES: 'Manage Migration Packages',
  ADMINISTER_ENVIRONMENT: 'Environment Administrator',
  CREATE_PACKAGE: 'Create Package',
  APPLY_PACKAGE: 'Apply Package',
  BYPASS_ACCESS_CHECKS: 'Bypass all objects security check',
} as const;

export type Privilege = keyof typeof PRIVILEGES;

export const ALL_PRIVILEGES = Object.keys(PRIVILEGES) as Privilege[];

export function isPrivilege(value: string): value is Privilege {
  return Object.hasOwn(PRIVILEGES, value);
}

export function missingPrivileges(held: ReadonlySet<Privilege>, needed: readonly Privilege[]): Privilege[] {
  return needed.filter((p) => !held.has(p));
}

/** Well-known principal ids of every Library environment. */
export const ADMINISTRATOR_USER_ID = '54F3D26011D2896560009A8E67019608';
export const SYSTEM_ADMINISTRATORS_GROUP_ID = '5F3FAFE111D2D8CC6000CC8E67019608';
export const EVERYONE_GROUP_ID = 'C82C6B1011D2894CC0009D9F29718E4F';
