import { decodeSecretKey } from '../domain/secret-box.js';
import { parseAddressRanges } from '../domain/address-ranges.js';

/**
 * Every configuration key, its default and how to check it. A key can come from
 * configOverride.properties or from the environment: PACKSTORE_ + the key upper-cased with
 * dots as underscores (storage.location -> PACKSTORE_STORAGE_LOCATION).
 */
export interface ConfigKey<T> {
  key: string;
  defaultValue: (dataDir: string) => T;
  parse: (raw: string) => T | undefined;
  /** What a valid value looks like, for the message that refuses an invalid one. */
  describe: string;
  /** The README's "default" column (Markdown): the default and what the key does (`npm run docs:config`). */
  doc: string;
}

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (raw: string) => {
    if (!/^\s*\d+\s*$/.test(raw)) return undefined;
    const n = Number(raw.trim());
    return n >= min && n <= max ? n : undefined;
  };
const text = (raw: string) => (raw.trim() === '' ? undefined : raw.trim());
const anyText = (raw: string) => raw.trim();
const boolean = (raw: string) => (/^\s*true\s*$/i.test(raw) ? true : /^\s*false\s*$/i.test(raw) ? false : undefined);
const commaList = (raw: string) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['auto', 'json', 'pretty'];

/** Fastify's trustProxy: off, every proxy, a number of hops, or the proxies' addresses and ranges. */
export type TrustProxy = boolean | number | string[];
function trustProxy(raw: string): TrustProxy | undefined {
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d{1,2}$/.test(value)) return Number(value);
  return parseAddressRanges(raw);
}

export const CONFIG_KEYS = {
  port: {
    key: 'server.port',
    defaultValue: () => 8080,
    parse: integer(0, 65535),
    describe: 'a port number from 0 to 65535',
    doc: '8080 (`packstore serve --port` wins over it)',
  },
  host: {
    key: 'server.host',
    defaultValue: () => '127.0.0.1',
    parse: text,
    describe: 'an address or host name to listen on',
    doc: '`127.0.0.1`: loopback only; `0.0.0.0` (or `::`) for every interface (`--host`)',
  },
  tlsCert: {
    key: 'server.tls.cert',
    defaultValue: () => '',
    parse: anyText,
    describe: 'a PEM certificate file path',
    doc: 'empty: plain HTTP; with `server.tls.key`, HTTPS with this PEM certificate (`--tls-cert`)',
  },
  tlsKey: {
    key: 'server.tls.key',
    defaultValue: () => '',
    parse: anyText,
    describe: 'a PEM private key file path',
    doc: 'empty; the private key of `server.tls.cert` (`--tls-key`)',
  },
  logLevel: {
    key: 'log.level',
    defaultValue: () => 'info',
    parse: (raw: string) => (LOG_LEVELS.includes(raw.trim()) ? raw.trim() : undefined),
    describe: LOG_LEVELS.join(', '),
    doc: `\`info\`: one of ${LOG_LEVELS.map((level) => `\`${level}\``).join(', ')}`,
  },
  logFormat: {
    key: 'log.format',
    defaultValue: () => 'auto',
    parse: (raw: string) => (LOG_FORMATS.includes(raw.trim()) ? raw.trim() : undefined),
    describe: LOG_FORMATS.join(', '),
    doc: '`auto`: readable lines when stdout is a terminal, JSON lines otherwise; `json` or `pretty` to choose',
  },
  trustProxy: {
    key: 'http.trustProxy',
    defaultValue: (): TrustProxy => false,
    parse: trustProxy,
    describe: 'true, false, a number of proxy hops, or comma-separated proxy addresses or CIDR ranges',
    doc: '`false`: the client address is the TCP peer. Behind a reverse proxy: its addresses or ranges (or a hop count, or `true`), so that `X-Forwarded-For` names the client (login throttling, audit log)',
  },
  shutdownGraceSeconds: {
    key: 'shutdown.graceSeconds',
    defaultValue: () => 30,
    parse: integer(0, 86400),
    describe: 'seconds, from 0 to 86400',
    doc: '30: on SIGTERM or SIGINT, how long requests, uploads and the running job get to finish before the process exits',
  },
  metricsAllow: {
    key: 'metrics.allow',
    defaultValue: (): string[] => ['127.0.0.0/8', '::1/128'],
    parse: (raw: string) => {
      const ranges = parseAddressRanges(raw);
      return ranges && ranges.length > 0 ? ranges : undefined;
    },
    describe: 'comma-separated addresses or CIDR ranges',
    doc: "`127.0.0.0/8,::1/128`: the client addresses and ranges that may read `GET /metrics` (others get 403); add the scraper's, e.g. the pod network `10.0.0.0/8`",
  },
  maxPackages: {
    key: 'storage.sharedFileStore.migrations.packages.maxNumber',
    defaultValue: () => 1000,
    parse: integer(1),
    describe: 'a whole number of at least 1',
    doc: '1000',
  },
  refuseDuplicatePackages: {
    key: 'storage.sharedFileStore.migrations.packages.refuseDuplicates',
    defaultValue: () => false,
    parse: boolean,
    describe: 'true or false',
    doc: '`false`: a package file whose sha256 is already stored is accepted, with a `warning` naming the existing file; `true` refuses it (409)',
  },
  jsonBodyLimit: {
    key: 'server.jsonBodyLimit',
    defaultValue: () => 1048576,
    parse: integer(1024),
    describe: 'a size in bytes of at least 1024',
    doc: "1048576 (1 MiB): the largest JSON request body, e.g. a package's content list (about 50 bytes an object); the 413 names this key",
  },
  recordBodyLimit: {
    key: 'server.recordBodyLimit',
    defaultValue: () => 67108864,
    parse: integer(1024),
    describe: 'a size in bytes of at least 1024',
    doc: '67108864 (64 MiB): the largest body of the calls that carry a whole migration record or package content (about 200 bytes an object); the 413 names this key',
  },
  maxPackageSize: {
    key: 'storage.sharedFileStore.migrations.packages.maxSize',
    defaultValue: () => 2147483648,
    parse: integer(1),
    describe: 'a size in bytes of at least 1',
    doc: '2147483648 (2 GiB)',
  },
  resumableUploadExpiry: {
    key: 'storage.sharedFileStore.uploads.expirySeconds',
    defaultValue: () => 86400,
    parse: integer(60, 30 * 86400),
    describe: 'seconds, from 60 to 2592000 (30 days)',
    doc: '86400 (24 h): a resumable (tus) upload that receives nothing this long is removed with what it received',
  },
  databaseUrl: {
    key: 'database.url',
    defaultValue: (dataDir: string) => `${dataDir}/packstore.sqlite`,
    parse: text,
    describe: 'postgres://… or a SQLite file path',
    doc: '`<data-dir>/packstore.sqlite`; or `postgres://user@host:5432/db`',
  },
  storageLocation: {
    key: 'storage.location',
    defaultValue: (dataDir: string) => `${dataDir}/storage`,
    parse: text,
    describe: 'a folder path, or s3://bucket[/prefix] for S3',
    doc: '`<data-dir>/storage` (the initial file_system Storage Service)',
  },
  storageAllowedRoots: {
    key: 'storage.allowedRoots',
    defaultValue: (dataDir: string): string[] => [dataDir],
    parse: (raw: string) => {
      const roots = commaList(raw);
      return roots.length > 0 && roots.every((root) => root.startsWith('/')) ? roots : undefined;
    },
    describe: 'comma-separated absolute folder paths',
    doc: '`<data-dir>`: comma-separated absolute folders a file_system location may be moved into (`storage.location` itself is always allowed; system folders such as `/`, `/etc`, `/usr` never are)',
  },
  storageSecretKey: {
    key: 'storage.secretKey',
    defaultValue: () => '',
    parse: (raw: string) => (raw.trim() === '' || decodeSecretKey(raw) ? raw.trim() : undefined),
    describe: '32 bytes as 64 hex digits or base64 (empty: <data-dir>/secret.key)',
    doc: 'empty: `<data-dir>/secret.key` (32 random bytes, mode 0600, made at the first start). The key (64 hex digits or base64 of 32 bytes) that seals stored secrets such as the S3 secret key; nodes that share a database must share it',
  },
  storagePreviousSecretKeys: {
    key: 'storage.previousSecretKeys',
    defaultValue: (): string[] => [],
    parse: (raw: string) => {
      const keys = commaList(raw);
      return keys.every((key) => decodeSecretKey(key)) ? keys : undefined;
    },
    describe: 'comma-separated keys like storage.secretKey',
    doc: 'empty: comma-separated older keys that still open stored secrets, for a rotation (see `docs/security.md`)',
  },
  s3Region: {
    key: 'storage.s3.region',
    defaultValue: () => 'us-east-1',
    parse: text,
    describe: 'an AWS region name',
    doc: '`us-east-1` (used when `storage.location` is `s3://…`)',
  },
  s3Endpoint: {
    key: 'storage.s3.endpoint',
    defaultValue: () => '',
    parse: (raw: string) => (raw.trim() === '' || /^https?:\/\/\S+$/i.test(raw.trim()) ? raw.trim() : undefined),
    describe: 'an http:// or https:// URL of an S3-compatible server (empty: AWS)',
    doc: 'empty: AWS; else the URL of an S3-compatible server',
  },
  s3ForcePathStyle: {
    key: 'storage.s3.forcePathStyle',
    defaultValue: () => false,
    parse: boolean,
    describe: 'true or false',
    doc: '`false`',
  },
  s3AccessKeyId: {
    key: 'storage.s3.accessKeyId',
    defaultValue: () => '',
    parse: anyText,
    describe: 'an access key id',
    doc: 'empty',
  },
  s3SecretAccessKey: {
    key: 'storage.s3.secretAccessKey',
    defaultValue: () => '',
    parse: anyText,
    describe: 'a secret access key',
    doc: 'empty',
  },
  requireSignedPackages: {
    key: 'migrations.requireSignedPackages',
    defaultValue: () => false,
    parse: boolean,
    describe: 'true or false',
    doc: '`false`: unsigned packages and packages signed by a key not trusted here (`packstore trust add`) import too. `true`: only packages signed by this environment or a trusted one import; the others are refused before anything changes. A tampered package is always refused',
  },
  leaseSeconds: {
    key: 'cluster.leaseSeconds',
    defaultValue: () => 30,
    parse: integer(1, 3600),
    describe: 'seconds, from 1 to 3600',
    doc: '30: a job whose node stops heartbeating this long runs elsewhere',
  },
  diffSyncMaxBytes: {
    key: 'diff.syncMaxBytes',
    defaultValue: () => 4 * 1024 * 1024,
    parse: integer(0),
    describe: 'a number of bytes, 0 or more',
    doc: '4194304: a diff of a package up to this size answers at once (200); a larger one runs as a job (202, then paged by id)',
  },
  sessionIdleTimeout: {
    key: 'session.idleTimeoutSeconds',
    defaultValue: () => 1800,
    parse: integer(1, 7 * 24 * 3600),
    describe: 'seconds, from 1 to 604800',
    doc: '1800',
  },
  environmentId: {
    key: 'environment.id',
    defaultValue: () => '',
    parse: anyText,
    describe: "this environment's public URL",
    doc: "the server's own URL (this environment's public URL)",
  },
  environmentName: {
    key: 'environment.name',
    defaultValue: () => 'Packstore',
    parse: text,
    describe: 'a non-empty name',
    doc: "`Packstore`: shown in the console's header and page titles, and in records this environment writes",
  },
  environmentColour: {
    key: 'environment.colour',
    defaultValue: () => '#1d4f7a',
    parse: (raw: string) => (/^\s*#[0-9a-fA-F]{6}\s*$/.test(raw) ? raw.trim().toLowerCase() : undefined),
    describe: 'a colour as #rrggbb',
    doc: "`#1d4f7a`: the console header's colour, so that environments are told apart at a glance",
  },
  environmentProduction: {
    key: 'environment.production',
    defaultValue: () => false,
    parse: boolean,
    describe: 'true or false',
    doc: '`false`; `true` marks the console as production (a PRODUCTION badge in the header and the page title)',
  },
  loginMaxFailures: {
    key: 'auth.login.maxFailures',
    defaultValue: () => 5,
    parse: integer(1, 1000),
    describe: 'a whole number from 1 to 1000',
    doc: '5 login attempts per user and client address … (10× that across all addresses)',
  },
  loginLockSeconds: {
    key: 'auth.login.lockSeconds',
    defaultValue: () => 60,
    parse: integer(1, 86400),
    describe: 'seconds, from 1 to 86400',
    doc: '… per 60 s window; more answer 429 until the window ends',
  },
  loginKnownAddressDays: {
    key: 'auth.login.knownAddressDays',
    defaultValue: () => 30,
    parse: integer(0, 3650),
    describe: 'days, from 0 to 3650',
    doc: '30: an address a user signed in from within this many days is exempt from the ceiling across addresses (0: none)',
  },
  identityTokenLifetime: {
    key: 'auth.identityToken.lifetimeSeconds',
    defaultValue: () => 300,
    parse: integer(1, 86400),
    describe: 'seconds, from 1 to 86400',
    doc: '300: how long an identity token (`POST /api/auth/identityToken`) can be redeemed',
  },
  identityTokenSingleUse: {
    key: 'auth.identityToken.singleUse',
    defaultValue: () => true,
    parse: boolean,
    describe: 'true or false',
    doc: '`true`: an identity token makes one session; `false`: any number until it expires',
  },
  httpHeadersTimeout: {
    key: 'http.headersTimeoutSeconds',
    defaultValue: () => 30,
    parse: integer(1, 3600),
    describe: 'seconds, from 1 to 3600',
    doc: '30: a client must send its request headers within this time',
  },
  httpIdleTimeout: {
    key: 'http.idleTimeoutSeconds',
    defaultValue: () => 120,
    parse: integer(1, 86400),
    describe: 'seconds, from 1 to 86400',
    doc: '120: a connection that sends or receives nothing this long is closed',
  },
} satisfies Record<string, ConfigKey<unknown>>;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;

export function envVarName(key: string): string {
  return `PACKSTORE_${key.replace(/\./g, '_').toUpperCase()}`;
}
