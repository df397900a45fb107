import { decodeSecretKey } from '../domain/secret-box.js';

/**
 * Every configuration key, its default and how to check it. A key can come from
 * configOverride.properties or from the environment: PACKSTORE_ + the key upper-cased with
 * dots as underscores (storage.location -> PACKSTORE_STORAGE_LOCATION).
 */
export interface ConfigKey<T> {
  key: string;
  defaultValue: (dataDir: string) => T;
  parse: (raw: string) => T | undefined;
  describe: string;
}

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => (raw: string) => {
  if (!/^\s*\d+\s*$/.test(raw)) return undefined;
  const n = Number(raw.trim());
  return n >= min && n <= max ? n : undefined;
};
const text = (raw: string) => (raw.trim() === '' ? undefined : raw.trim());
const anyText = (raw: string) => raw.trim();
const boolean = (raw: string) => (/^\s*true\s*$/i.test(raw) ? true : /^\s*false\s*$/i.test(raw) ? false : undefined);
const commaList = (raw: string) => raw.split(',').map((item) => item.trim()).filter((item) => item !== '');

export const CONFIG_KEYS = {
  maxPackages: {
    key: 'storage.sharedFileStore.migrations.packages.maxNumber',
    defaultValue: () => 1000,
    parse: integer(1),
    describe: 'a whole number of at least 1',
  },
  maxPackageSize: {
    key: 'storage.sharedFileStore.migrations.packages.maxSize',
    defaultValue: () => 2147483648,
    parse: integer(1),
    describe: 'a size in bytes of at least 1',
  },
  databaseUrl: {
    key: 'database.url',
    defaultValue: (dataDir: string) => `${dataDir}/packstore.sqlite`,
    parse: text,
    describe: 'postgres://… or a SQLite file path',
  },
  storageLocation: {
    key: 'storage.location',
    defaultValue: (dataDir: string) => `${dataDir}/storage`,
    parse: text,
    describe: 'a folder path, or s3://bucket[/prefix] for S3',
  },
  storageAllowedRoots: {
    key: 'storage.allowedRoots',
    defaultValue: (dataDir: string): string[] => [dataDir],
    parse: (raw: string) => {
      const roots = commaList(raw);
      return roots.length > 0 && roots.every((root) => root.startsWith('/')) ? roots : undefined;
    },
    describe: 'comma-separated absolute folder paths',
  },
  storageSecretKey: {
    key: 'storage.secretKey',
    defaultValue: () => '',
    parse: (raw: string) => (raw.trim() === '' || decodeSecretKey(raw) ? raw.trim() : undefined),
    describe: '32 bytes as 64 hex digits or base64 (empty: <data-dir>/secret.key)',
  },
  storagePreviousSecretKeys: {
    key: 'storage.previousSecretKeys',
    defaultValue: (): string[] => [],
    parse: (raw: string) => {
      const keys = commaList(raw);
      return keys.every((key) => decodeSecretKey(key)) ? keys : undefined;
    },
    describe: 'comma-separated keys like storage.secretKey',
  },
  s3Region: {
    key: 'storage.s3.region',
    defaultValue: () => 'us-east-1',
    parse: text,
    describe: 'an AWS region name',
  },
  s3Endpoint: {
    key: 'storage.s3.endpoint',
    defaultValue: () => '',
    parse: (raw: string) => (raw.trim() === '' || /^https?:\/\/\S+$/i.test(raw.trim()) ? raw.trim() : undefined),
    describe: 'an http:// or https:// URL of an S3-compatible server (empty: AWS)',
  },
  s3ForcePathStyle: {
    key: 'storage.s3.forcePathStyle',
    defaultValue: () => false,
    parse: boolean,
    describe: 'true or false',
  },
  s3AccessKeyId: {
    key: 'storage.s3.accessKeyId',
    defaultValue: () => '',
    parse: anyText,
    describe: 'an access key id',
  },
  s3SecretAccessKey: {
    key: 'storage.s3.secretAccessKey',
    defaultValue: () => '',
    parse: anyText,
    describe: 'a secret access key',
  },
  leaseSeconds: {
    key: 'cluster.leaseSeconds',
    defaultValue: () => 30,
    parse: integer(1, 3600),
    describe: 'seconds, from 1 to 3600',
  },
  sessionIdleTimeout: {
    key: 'session.idleTimeoutSeconds',
    defaultValue: () => 1800,
    parse: integer(1, 7 * 24 * 3600),
    describe: 'seconds, from 1 to 604800',
  },
  environmentId: {
    key: 'environment.id',
    defaultValue: () => '',
    parse: anyText,
    describe: "this environment's public URL",
  },
  environmentName: {
    key: 'environment.name',
    defaultValue: () => 'Packstore',
    parse: text,
    describe: 'a non-empty name',
  },
  loginMaxFailures: {
    key: 'auth.login.maxFailures',
    defaultValue: () => 5,
    parse: integer(1, 1000),
    describe: 'a whole number from 1 to 1000',
  },
  loginLockSeconds: {
    key: 'auth.login.lockSeconds',
    defaultValue: () => 60,
    parse: integer(1, 86400),
    describe: 'seconds, from 1 to 86400',
  },
  loginKnownAddressDays: {
    key: 'auth.login.knownAddressDays',
    defaultValue: () => 30,
    parse: integer(0, 3650),
    describe: 'days, from 0 to 3650',
  },
  identityTokenLifetime: {
    key: 'auth.identityToken.lifetimeSeconds',
    defaultValue: () => 300,
    parse: integer(1, 86400),
    describe: 'seconds, from 1 to 86400',
  },
  identityTokenSingleUse: {
    key: 'auth.identityToken.singleUse',
    defaultValue: () => true,
    parse: boolean,
    describe: 'true or false',
  },
  httpHeadersTimeout: {
    key: 'http.headersTimeoutSeconds',
    defaultValue: () => 30,
    parse: integer(1, 3600),
    describe: 'seconds, from 1 to 3600',
  },
  httpIdleTimeout: {
    key: 'http.idleTimeoutSeconds',
    defaultValue: () => 120,
    parse: integer(1, 86400),
    describe: 'seconds, from 1 to 86400',
  },
} satisfies Record<string, ConfigKey<unknown>>;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;

export function envVarName(key: string): string {
  return 'PACKSTORE_' + key.replace(/\./g, '_').toUpperCase();
}
