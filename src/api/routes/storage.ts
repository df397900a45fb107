import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { requires } from '../access.js';
import { applyStorageBody, storageView } from '../storage-input.js';
import { checkStorageSettings, validateStorage } from '../../store/storage-validation.js';
import type { LocationRules } from '../../store/storage-location.js';

const STORAGE = '/api/mstrServices/library/storage';
const ADMINISTER = requires('ADMINISTER_ENVIRONMENT');

/** Storage Service configuration: where the shared file store keeps package binaries. */
export function storageRoutes(app: FastifyInstance, ctx: AppContext): void {
  const rules: LocationRules = { allowedRoots: ctx.config.storageAllowedRoots, initialLocation: ctx.config.storageLocation };
  app.get(STORAGE, { config: { access: ADMINISTER } }, async () => {
    return storageView(await ctx.storage.settings(), await ctx.storage.configured());
  });

  app.post(`${STORAGE}/validation`, { config: { access: ADMINISTER } }, async (request, reply) => {
    await validateStorage(applyStorageBody(await ctx.storage.settings(), request.body), rules);
    return reply.code(204).send();
  });

  app.patch(STORAGE, { config: { access: ADMINISTER } }, async (request, reply) => {
    const next = applyStorageBody(await ctx.storage.settings(), request.body);
    await checkStorageSettings(next, rules);
    await ctx.storage.save(next);
    return reply.code(204).send();
  });
}
