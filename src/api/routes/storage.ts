import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { requires } from '../access.js';
import { applyStorageBody, storageView } from '../storage-input.js';
import { checkStorageShape, validateStorage } from '../../store/storage-validation.js';

const STORAGE = '/api/mstrServices/library/storage';
const ADMINISTER = requires('ADMINISTER_ENVIRONMENT');

/** Storage Service configuration: where the shared file store keeps package binaries. */
export function storageRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(STORAGE, { config: { access: ADMINISTER } }, async () => {
    return storageView(await ctx.storage.settings(), await ctx.storage.configured());
  });

  app.post(`${STORAGE}/validation`, { config: { access: ADMINISTER } }, async (request, reply) => {
    await validateStorage(applyStorageBody(await ctx.storage.settings(), request.body));
    return reply.code(204).send();
  });

  app.patch(STORAGE, { config: { access: ADMINISTER } }, async (request, reply) => {
    const next = applyStorageBody(await ctx.storage.settings(), request.body);
    checkStorageShape(next);
    await ctx.storage.save(next);
    return reply.code(204).send();
  });
}
