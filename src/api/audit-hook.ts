import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-context.js';
import { isImportFromFile } from '../domain/migrations/requests.js';
import { isRecord } from '../domain/input.js';
import { controlCharacterIn, escapeControlCharacters } from '../domain/control-characters.js';

type ActionOf = string | ((request: FastifyRequest) => string);

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a route whose subject is neither its path nor its principal (an identity token and its user). */
    auditSubject?: { target: string; userId?: string; userName?: string };
  }
}

const FILES = '/api/mstrServices/library/storage/sharedFileStore/files';
const STORAGE = '/api/mstrServices/library/storage';

function migrationPatchAction(request: FastifyRequest): string {
  const body = isRecord(request.body) ? request.body : {};
  const importInfo = isRecord(body.importInfo) ? body.importInfo : {};
  if (importInfo.undoRequestStatus !== undefined) return 'migration.undo';
  if (body.validation !== undefined) return 'migration.validate';
  if (importInfo.importRequestStatus !== undefined) return 'migration.import';
  return 'migration.update';
}

/**
 * What is audited: route (method and URL pattern) to action. Routes need no code of their own;
 * reads other than downloads are not audited.
 */
export const AUDITED_ROUTES: Readonly<Record<string, ActionOf>> = {
  'POST /api/auth/login': 'login',
  'POST /api/auth/logout': 'logout',
  'POST /api/auth/identityToken': 'identityToken.create',
  'GET /api/auth/identityToken': 'identityToken.validate',
  'POST /api/auth/delegate': 'identityToken.delegate',
  [`POST ${FILES}`]: 'file.create',
  [`PUT ${FILES}/:fileId/binary`]: 'file.upload',
  [`GET ${FILES}/:fileId/binary`]: 'file.download',
  [`DELETE ${FILES}/:fileId`]: 'file.delete',
  [`POST ${FILES}/:fileId/uploads`]: 'file.upload.create',
  [`PATCH ${FILES}/:fileId/uploads/:uploadId`]: 'file.upload.chunk',
  [`DELETE ${FILES}/:fileId/uploads/:uploadId`]: 'file.upload.terminate',
  [`POST ${STORAGE}/validation`]: 'storage.validate',
  [`PATCH ${STORAGE}`]: 'storage.configure',
  'POST /api/migrations': (request) => (isImportFromFile(request.body) ? 'migration.import' : 'package.create'),
  'PATCH /api/migrations/:id': migrationPatchAction,
  'PUT /api/migrations/:id': 'migration.import',
  'PUT /api/migrations/:id/validation': 'migration.validate',
  'PATCH /api/migrations/:id/packageInfo/certification': 'package.certify',
  'PUT /api/migrations/:id/packageInfo': 'package.update',
  'DELETE /api/migrations': 'package.delete',
  'GET /api/migrations/packages/:packageId/binary': 'package.download',
  'POST /api/packages': 'package.create',
  'PUT /api/packages/:id': 'package.update',
  'PUT /api/packages/:id/binary': 'package.upload',
  'GET /api/packages/:id/binary': 'package.download',
  'DELETE /api/packages/:id': 'package.delete',
  'POST /api/packages/imports': 'migration.import',
  'DELETE /api/packages/imports/:id': 'migration.undo',
  'GET /api/packages/imports/:id/undoPackage/binary': 'package.download',
  'POST /api/folders': 'folder.create',
  'PUT /api/objects/:id': 'object.update',
  'POST /api/objects/:id/copy': 'object.copy',
  'DELETE /api/objects/:id': 'object.delete',
  'POST /api/searchObjects': 'object.create',
  'PATCH /api/searchObjects/:id': 'object.update',
};

/** The ids a request acts on: its path parameters, or a packageId in the query. */
function targetOf(request: FastifyRequest): string | undefined {
  const params = isRecord(request.params) ? Object.values(request.params).filter((v): v is string => typeof v === 'string') : [];
  const query = isRecord(request.query) ? request.query : {};
  const target = params.length > 0 ? params.join(',') : typeof query.packageId === 'string' ? query.packageId : undefined;
  // A refused request may carry control characters, which the database cannot store (NUL): keep them escaped.
  return target === undefined ? undefined : escapeControlCharacters(target);
}

/** The account a login attempt names (the principal does not exist yet). */
async function loginAttemptOf(request: FastifyRequest, ctx: AppContext): Promise<{ userId?: string; userName?: string }> {
  const username = isRecord(request.body) ? request.body.username : undefined;
  if (typeof username !== 'string' || username.trim() === '') return {};
  // Such a login was refused before any lookup (control-characters.ts), and no account has that name.
  if (controlCharacterIn(username) !== undefined) return { userName: escapeControlCharacters(username.trim().toLowerCase()) };
  const user = await ctx.users.findByLogin(username);
  return user ? { userId: user.id, userName: user.login } : { userName: username.trim().toLowerCase() };
}

/** Records every audited request once its answer is known, whatever the outcome (refusals too). */
export function installAuditHook(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onResponse', async (request, reply) => {
    const actionOf = AUDITED_ROUTES[`${request.method} ${request.routeOptions.url ?? ''}`];
    if (actionOf === undefined) return;
    const action = typeof actionOf === 'string' ? actionOf : actionOf(request);
    try {
      const subject = request.auditSubject;
      const who = subject?.userId
        ? { userId: subject.userId, userName: subject.userName }
        : request.principal
          ? { userId: request.principal.userId, userName: request.principal.login }
          : action === 'login'
            ? await loginAttemptOf(request, ctx)
            : {};
      await ctx.audit.append({ action, outcome: reply.statusCode, remoteAddress: request.ip, target: subject?.target ?? targetOf(request), ...who });
    } catch (error) {
      request.log.error({ err: error, action }, 'could not write the audit record');
    }
  });
}
