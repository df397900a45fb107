import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { requires } from '../access.js';
import { applyStorageBody, storageView } from '../storage-input.js';
import { typed } from '../type-provider.js';
import { Empty, replies } from '../contract/common.js';
import { StorageBody, StorageView } from '../contract/storage.js';
import { checkStorageSettings, validateStorage } from '../../services/storage-validation.js';
import type { LocationRules } from '../../store/storage-location.js';

const STORAGE = '/api/mstrServices/library/storage';
const ADMINISTER = requires('ADMINISTER_ENVIRONMENT');
const TAGS = ['Storage Service'];

/** Storage Service configuration: where the shared file store keeps package binaries. */
export function storageRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = typed(server);
  const rules: LocationRules = { allowedRoots: ctx.config.storageAllowedRoots, initialLocation: ctx.config.storageLocation };
  app.get(
    STORAGE,
    {
      config: { access: ADMINISTER },
      schema: { tags: TAGS, summary: 'The Storage Service settings (secrets masked)', response: replies({ 200: StorageView }) },
    },
    async () => {
      return storageView(await ctx.storage.settings(), await ctx.storage.configured());
    },
  );

  app.post(
    `${STORAGE}/validation`,
    {
      config: { access: ADMINISTER },
      schema: { tags: TAGS, summary: 'Check settings by writing and deleting a probe', body: StorageBody, response: replies({ 204: Empty }) },
    },
    async (request, reply) => {
      await validateStorage(applyStorageBody(await ctx.storage.settings(), request.body), rules);
      return reply.code(204).send();
    },
  );

  app.patch(
    STORAGE,
    { config: { access: ADMINISTER }, schema: { tags: TAGS, summary: 'Change the settings', body: StorageBody, response: replies({ 204: Empty }) } },
    async (request, reply) => {
      const next = applyStorageBody(await ctx.storage.settings(), request.body);
      await checkStorageSettings(next, rules);
      await ctx.storage.save(next);
      return reply.code(204).send();
    },
  );
}
