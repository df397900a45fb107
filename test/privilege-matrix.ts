import { randomBytes } from 'node:crypto';
import { fileIdFromGuid } from '../src/domain/ids.js';
import { ALL_PRIVILEGES, type Privilege } from '../src/domain/privileges.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';

/**
 * Who may call what: every endpoint × every kind of caller → the status it gets. The test
 * (privilege-matrix.test.ts) walks the server's own route list and fails on a route without a
 * row here, so no endpoint can be added without deciding who may call it. HEAD routes follow
 * their GET row.
 *
 * Each row's probe is harmless: for a caller who is let through it asks for something that does
 * not exist or sends an invalid body, so the status shows how far the caller got (401: not
 * signed in, 403: no privilege, anything else: past the access check).
 */
export type Caller = 'anonymous' | 'expired' | 'none' | Privilege | 'admin';
export const CALLERS: readonly Caller[] = ['anonymous', 'expired', 'none', ...ALL_PRIVILEGES, 'admin'];

export interface Probe {
  path: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface MatrixRow {
  probe: Probe;
  expect: Record<Caller, number>;
}

/** A login the matrix creates, so that the public login route can answer 204 to every caller. */
export const MATRIX_LOGIN = { username: 'matrix-login', password: 'matrix-login-password' };

const FILES = '/api/mstrServices/library/storage/sharedFileStore/files';
const STORAGE = '/api/mstrServices/library/storage';
const guid = () => randomBytes(16).toString('hex').toUpperCase();
const missingFileId = fileIdFromGuid('0123456789ABCDEF0123456789ABCDEF');
const missingMigration = `${'0'.repeat(31)}1:${'0'.repeat(31)}2`;
const missingObject = '0123456789ABCDEF0123456789ABCDE0';
const MISSING_UPLOAD = `${FILES}/${missingFileId}/uploads/${'0'.repeat(32)}`;
const TUS = { 'Tus-Resumable': '1.0.0' };
const TUS_CREATE = { ...TUS, 'Upload-Length': '10' };
const TUS_CHUNK = { ...TUS, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' };

/** Any status but 401 and 403: for public routes whose answer depends on the installation. */
export const SERVED = 0;

/** Everyone gets `status`, signed in or not. */
function everyone(status: number): Record<Caller, number> {
  return Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;
}

/** Exactly `allowed` (and the administrator) get `status`; other signed-in callers 403, the rest 401. */
function only(status: number, allowed: readonly (Privilege | 'none')[]): Record<Caller, number> {
  return Object.fromEntries(
    CALLERS.map((c) => [c, c === 'anonymous' || c === 'expired' ? 401 : c === 'admin' || allowed.includes(c as Privilege) ? status : 403]),
  ) as Record<Caller, number>;
}

/** Every signed-in caller gets `status`. */
const signedIn = (status: number) => only(status, ['none', ...ALL_PRIVILEGES]);

const READ_MIGRATIONS: Privilege[] = ['CREATE_PACKAGE', 'APPLY_PACKAGE', 'MANAGE_MIGRATION_PACKAGES'];

export const MATRIX: Record<string, MatrixRow> = {
  'POST /api/auth/login': { probe: { path: '/api/auth/login', form: { loginMode: '1', ...MATRIX_LOGIN } }, expect: everyone(204) },
  'POST /api/auth/logout': { probe: { path: '/api/auth/logout' }, expect: signedIn(204) },
  'GET /api/sessions': { probe: { path: '/api/sessions' }, expect: signedIn(200) },
  'PUT /api/sessions': { probe: { path: '/api/sessions' }, expect: signedIn(204) },
  'GET /api/sessions/userInfo': { probe: { path: '/api/sessions/userInfo' }, expect: signedIn(200) },
  'GET /api/status': { probe: { path: '/api/status' }, expect: everyone(200) },
  // Identity tokens: any session makes and validates them (the probe sends no token to validate, 400); the
  // delegation is public, and its probe names no token (400) so that it counts nothing toward a lockout.
  'POST /api/auth/identityToken': { probe: { path: '/api/auth/identityToken' }, expect: signedIn(201) },
  'GET /api/auth/identityToken': { probe: { path: '/api/auth/identityToken' }, expect: signedIn(400) },
  'POST /api/auth/delegate': { probe: { path: '/api/auth/delegate', json: { loginMode: '-1' } }, expect: everyone(400) },

  // Shared file store: adding and removing packages is for administrators who manage packages.
  [`POST ${FILES}`]: { probe: { path: FILES, json: {} }, expect: only(400, []) },
  [`PUT ${FILES}/:fileId/binary`]: { probe: { path: `${FILES}/${missingFileId}/binary` }, expect: only(404, []) },
  [`GET ${FILES}/:fileId/binary`]: { probe: { path: `${FILES}/${missingFileId}/binary` }, expect: only(404, ['MANAGE_MIGRATION_PACKAGES']) },
  [`GET ${FILES}`]: { probe: { path: FILES }, expect: only(200, ['MANAGE_MIGRATION_PACKAGES']) },
  [`DELETE ${FILES}/:fileId`]: { probe: { path: `${FILES}/${missingFileId}` }, expect: only(404, []) },
  // Resumable (tus) uploads of a binary: as the multipart PUT. OPTIONS only tells the protocol, to anyone.
  [`OPTIONS ${FILES}/:fileId/uploads`]: { probe: { path: `${FILES}/${missingFileId}/uploads` }, expect: everyone(204) },
  [`POST ${FILES}/:fileId/uploads`]: { probe: { path: `${FILES}/${missingFileId}/uploads`, headers: TUS_CREATE }, expect: only(404, []) },
  [`GET ${FILES}/:fileId/uploads/:uploadId`]: { probe: { path: MISSING_UPLOAD, headers: TUS }, expect: only(404, []) },
  [`PATCH ${FILES}/:fileId/uploads/:uploadId`]: { probe: { path: MISSING_UPLOAD, headers: TUS_CHUNK }, expect: only(404, []) },
  [`DELETE ${FILES}/:fileId/uploads/:uploadId`]: { probe: { path: MISSING_UPLOAD, headers: TUS }, expect: only(404, []) },

  // Storage configuration: environment administrators only.
  [`GET ${STORAGE}`]: { probe: { path: STORAGE }, expect: only(200, ['ADMINISTER_ENVIRONMENT']) },
  [`POST ${STORAGE}/validation`]: { probe: { path: `${STORAGE}/validation`, json: {} }, expect: only(400, ['ADMINISTER_ENVIRONMENT']) },
  [`PATCH ${STORAGE}`]: { probe: { path: STORAGE, json: {} }, expect: only(400, ['ADMINISTER_ENVIRONMENT']) },

  // Metadata: any signed-in user; object ACLs decide per object.
  'GET /api/projects': { probe: { path: '/api/projects' }, expect: signedIn(200) },
  'GET /api/objects/:id': {
    probe: { path: `/api/objects/${missingObject}?type=8`, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } },
    expect: signedIn(404),
  },
  'PUT /api/objects/:id': {
    probe: { path: `/api/objects/${missingObject}?type=8`, json: {}, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } },
    expect: signedIn(404),
  },
  'POST /api/objects/:id/copy': {
    probe: { path: `/api/objects/${missingObject}/copy?type=8`, json: {}, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } },
    expect: signedIn(404),
  },
  'DELETE /api/objects/:id': {
    probe: { path: `/api/objects/${missingObject}?type=8`, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } },
    expect: signedIn(404),
  },
  'POST /api/folders': { probe: { path: '/api/folders', json: {}, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } }, expect: signedIn(400) },
  'GET /api/folders/:id': { probe: { path: `/api/folders/${missingObject}`, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } }, expect: signedIn(404) },
  'GET /api/searches/results': { probe: { path: '/api/searches/results?name=x', headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } }, expect: signedIn(200) },
  // Search: every signed-in user may search; results hold only objects the caller may browse.
  'GET /api/searches/suggestions': {
    probe: { path: '/api/searches/suggestions?key=x', headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } },
    expect: signedIn(200),
  },
  'POST /api/searches/objects': { probe: { path: '/api/searches/objects', json: {} }, expect: signedIn(400) },
  'POST /api/metadataSearches/results': { probe: { path: '/api/metadataSearches/results?pattern=9' }, expect: signedIn(400) },
  'POST /api/v2/metadataSearches/results': { probe: { path: '/api/v2/metadataSearches/results?pattern=9', json: {} }, expect: signedIn(400) },
  'GET /api/metadataSearches/results': { probe: { path: `/api/metadataSearches/results?searchId=${missingObject}` }, expect: signedIn(404) },
  'GET /api/metadataSearches/results/tree': { probe: { path: `/api/metadataSearches/results/tree?searchId=${missingObject}` }, expect: signedIn(404) },
  'POST /api/searchObjects': { probe: { path: '/api/searchObjects', json: {}, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } }, expect: signedIn(400) },
  'GET /api/searchObjects/:id': {
    probe: { path: `/api/searchObjects/${missingObject}`, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } },
    expect: signedIn(404),
  },
  'PATCH /api/searchObjects/:id': {
    probe: { path: `/api/searchObjects/${missingObject}`, json: {}, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } },
    expect: signedIn(400),
  },
  'GET /api/searchObjects/:id/results': {
    probe: { path: `/api/searchObjects/${missingObject}/results`, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } },
    expect: signedIn(404),
  },

  // Migrations. Creating a package needs Create Package (Manage alone passes the route rule, then is refused).
  'POST /api/migrations': { probe: { path: '/api/migrations', json: {} }, expect: only(400, ['CREATE_PACKAGE']) },
  'GET /api/migrations': { probe: { path: '/api/migrations' }, expect: only(200, READ_MIGRATIONS) },
  'GET /api/migrations/:id': { probe: { path: `/api/migrations/${missingMigration}` }, expect: only(404, READ_MIGRATIONS) },
  'GET /api/migrations/:id/report': { probe: { path: `/api/migrations/${missingMigration}/report` }, expect: only(404, READ_MIGRATIONS) },
  'GET /api/users/:id': { probe: { path: `/api/users/${missingObject}` }, expect: signedIn(404) },
  'PUT /api/migrations/:id': { probe: { path: `/api/migrations/${missingMigration}`, json: {} }, expect: only(400, []) },
  'POST /api/migrations/diff': { probe: { path: '/api/migrations/diff', json: {} }, expect: only(400, []) },
  'GET /api/migrations/diff/:id': { probe: { path: `/api/migrations/diff/${guid()}` }, expect: only(404, []) },
  'PUT /api/migrations/:id/validation': { probe: { path: `/api/migrations/${missingMigration}/validation`, json: {} }, expect: only(400, []) },
  'PATCH /api/migrations/:id/packageInfo/certification': {
    probe: { path: `/api/migrations/${missingMigration}/packageInfo/certification`, json: {} },
    expect: only(404, READ_MIGRATIONS),
  },
  'PUT /api/migrations/:id/packageInfo': {
    probe: { path: `/api/migrations/${missingMigration}/packageInfo`, json: {} },
    expect: only(404, ['CREATE_PACKAGE']),
  },
  'PATCH /api/migrations/:id': { probe: { path: `/api/migrations/${missingMigration}`, json: {} }, expect: only(404, READ_MIGRATIONS) },
  'DELETE /api/migrations': { probe: { path: `/api/migrations?packageId=${guid()}` }, expect: only(404, ['MANAGE_MIGRATION_PACKAGES']) },
  'GET /api/migrations/packages/:packageId/binary': {
    probe: { path: `/api/migrations/packages/${guid()}/binary` },
    expect: only(404, ['MANAGE_MIGRATION_PACKAGES']),
  },

  // The older package-holder API. Probes use an id that is not a holder id, so a caller who gets through sees 400.
  'POST /api/packages': { probe: { path: '/api/packages', headers: { 'X-MSTR-ProjectID': 'not-a-project' } }, expect: only(400, ['CREATE_PACKAGE']) },
  'PUT /api/packages/:id': { probe: { path: '/api/packages/bad', json: {} }, expect: only(400, ['CREATE_PACKAGE']) },
  'GET /api/packages/:id': { probe: { path: '/api/packages/bad' }, expect: only(400, ['CREATE_PACKAGE', 'APPLY_PACKAGE']) },
  'GET /api/packages/:id/binary': { probe: { path: '/api/packages/bad/binary' }, expect: only(400, ['CREATE_PACKAGE', 'APPLY_PACKAGE']) },
  'PUT /api/packages/:id/binary': { probe: { path: '/api/packages/bad/binary' }, expect: only(400, ['CREATE_PACKAGE']) },
  'DELETE /api/packages/:id': { probe: { path: '/api/packages/bad' }, expect: only(400, ['CREATE_PACKAGE']) },
  'POST /api/packages/imports': { probe: { path: '/api/packages/imports' }, expect: only(400, []) },
  'GET /api/packages/imports/:id': { probe: { path: '/api/packages/imports/bad' }, expect: only(400, ['CREATE_PACKAGE', 'APPLY_PACKAGE']) },
  'DELETE /api/packages/imports/:id': { probe: { path: '/api/packages/imports/bad' }, expect: only(400, ['APPLY_PACKAGE']) },
  'GET /api/packages/imports/:id/undoPackage/binary': {
    probe: { path: '/api/packages/imports/bad/undoPackage/binary' },
    expect: only(400, ['CREATE_PACKAGE', 'APPLY_PACKAGE']),
  },

  // The web console's files are public (its API calls carry the user's token); whether it is built decides the status.
  'GET /console': { probe: { path: '/console' }, expect: everyone(SERVED) },
  'GET /console/*': { probe: { path: '/console/' }, expect: everyone(SERVED) },
  'GET /': { probe: { path: '/' }, expect: everyone(SERVED) },
  // Where you are: the console's sign-in page shows it before anyone signs in.
  'GET /api/environment': { probe: { path: '/api/environment' }, expect: everyone(200) },

  // Operations: readiness for load balancers (no session), metrics for a scraper on the node's own host (tests call from loopback).
  'GET /api/health': { probe: { path: '/api/health' }, expect: everyone(200) },
  'GET /api/health/live': { probe: { path: '/api/health/live' }, expect: everyone(200) },
  'GET /api/health/ready': { probe: { path: '/api/health/ready' }, expect: everyone(200) },
  'GET /metrics': { probe: { path: '/metrics' }, expect: everyone(200) },

  // The audit log: environment administrators only, read-only.
  // Signed packages: the public keys are public (a target reads them without an account here); trust is the administrator's.
  'GET /api/environment/keys': { probe: { path: '/api/environment/keys' }, expect: everyone(200) },
  'GET /api/environment/trustedKeys': { probe: { path: '/api/environment/trustedKeys' }, expect: only(200, ['ADMINISTER_ENVIRONMENT']) },
  'POST /api/environment/trustedKeys': { probe: { path: '/api/environment/trustedKeys', json: {} }, expect: only(400, ['ADMINISTER_ENVIRONMENT']) },
  'DELETE /api/environment/trustedKeys/:keyId': {
    probe: { path: '/api/environment/trustedKeys/0123456789abcdef' },
    expect: only(404, ['ADMINISTER_ENVIRONMENT']),
  },
  'GET /api/audit': { probe: { path: '/api/audit' }, expect: only(200, ['ADMINISTER_ENVIRONMENT']) },

  // The OpenAPI description is public, as the Library's is.
  'GET /api-docs/json': { probe: { path: '/api-docs/json' }, expect: everyone(200) },
  'GET /api-docs/index.html': { probe: { path: '/api-docs/index.html' }, expect: everyone(200) },
};

/**
 * Routes whose answer depends on the body or on the target, not only on the route: each case is
 * probed as every caller too. A case with a `target` is probed against a fresh target of that kind,
 * made by the test, whose ids replace {packageId}, {importId}, {packageHolderId} and {importHolderId}.
 */
export interface MatrixCase extends MatrixRow {
  /** The MATRIX row (route) the case refines. */
  route: string;
  target?: 'undoable import';
}

const DEMO_USER = '6C9DFE134D0F8764893B469525E38EB0';

export const CASES: Record<string, MatrixCase> = {
  // Deleting an import's undo package (with its package or import) needs Environment Administrator too.
  'a package whose import can still be undone': {
    route: 'DELETE /api/migrations',
    target: 'undoable import',
    probe: { path: '/api/migrations?packageId={packageId}' },
    expect: only(204, []),
  },
  'a holder package whose import can still be undone': {
    route: 'DELETE /api/packages/:id',
    target: 'undoable import',
    probe: { path: '/api/packages/{packageHolderId}' },
    expect: only(202, []),
  },
  'a holder import that can still be undone': {
    route: 'DELETE /api/packages/imports/:id',
    target: 'undoable import',
    probe: { path: '/api/packages/imports/{importHolderId}' },
    expect: only(202, []),
  },
  // A validation result is set by the validation run alone, whoever asks.
  'validation.status set to validated': {
    route: 'PATCH /api/migrations/:id',
    probe: { path: `/api/migrations/${missingMigration}`, json: { validation: { status: 'validated' } } },
    expect: only(400, READ_MIGRATIONS),
  },
  'validation.status set to validation_failed': {
    route: 'PATCH /api/migrations/:id',
    probe: { path: `/api/migrations/${missingMigration}`, json: { validation: { status: 'validation_failed' } } },
    expect: only(400, READ_MIGRATIONS),
  },
  // No package of the wrong kind, whoever creates it.
  'a project package listing a user': {
    route: 'POST /api/migrations',
    probe: {
      path: '/api/migrations',
      json: { packageInfo: { type: 'project', tocView: { content: [{ id: DEMO_USER, type: 34 }] } } },
      headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID },
    },
    expect: only(400, ['CREATE_PACKAGE']),
  },
};
