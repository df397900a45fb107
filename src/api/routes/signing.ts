import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { principalOf, PUBLIC, requires } from '../access.js';
import { typed } from '../type-provider.js';
import { Empty, PACKSTORE_EXTENSIONS, replies } from '../contract/common.js';
import { EnvironmentKeys, TrustedKeyList, TrustedKeyParams } from '../contract/signing.js';
import { trustedKeysOf } from '../../domain/trusted-key-input.js';
import { NotFoundError } from '../../domain/errors.js';

const KEYS = '/api/environment/keys';
const TRUSTED = '/api/environment/trustedKeys';
const TAGS = [PACKSTORE_EXTENSIONS];
const ADMINISTER = requires('ADMINISTER_ENVIRONMENT');

/** Signed packages: this environment's public keys for anyone, and the source keys it trusts for its administrators. */
export function signingRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = typed(server);

  // Public keys are public: a target (or `packstore trust add <url>`) reads them without an account here.
  app.get(
    KEYS,
    {
      config: { access: PUBLIC },
      schema: { tags: TAGS, summary: "This environment's public signing keys, the current one first", response: replies({ 200: EnvironmentKeys }) },
    },
    async () => {
      const keys = await ctx.signing.keys.list();
      return {
        environmentId: ctx.environment.id,
        environmentName: ctx.environment.name,
        keys: keys.map((key) => ({
          keyId: key.keyId,
          algorithm: 'ed25519' as const,
          publicKey: key.publicKey,
          createdAt: key.createdAt,
          ...(key.retiredAt === undefined ? {} : { retiredAt: key.retiredAt }),
        })),
      };
    },
  );

  app.get(
    TRUSTED,
    { config: { access: ADMINISTER }, schema: { tags: TAGS, summary: 'The source keys this environment trusts', response: replies({ 200: TrustedKeyList }) } },
    async () => ({
      data: await ctx.signing.trusted.list(),
    }),
  );

  const addSchema = {
    tags: TAGS,
    summary: "Trust a source environment's keys (the document GET /api/environment/keys returns)",
    body: EnvironmentKeys,
    response: replies({ 200: TrustedKeyList }),
  };
  app.post(TRUSTED, { config: { access: ADMINISTER }, schema: addSchema }, async (request) => {
    const principal = principalOf(request);
    const keys = trustedKeysOf(request.body, principal.login);
    request.auditSubject = { target: `${request.body.environmentId} ${keys.map((key) => key.keyId).join(',')}` };
    return { data: await ctx.signing.trusted.add(keys) };
  });

  app.delete(
    `${TRUSTED}/:keyId`,
    { config: { access: ADMINISTER }, schema: { tags: TAGS, summary: 'Stop trusting a key', params: TrustedKeyParams, response: replies({ 204: Empty }) } },
    async (request, reply) => {
      if (!(await ctx.signing.trusted.find(request.params.keyId))) throw new NotFoundError(`Key ${request.params.keyId} is not trusted here.`);
      await ctx.signing.trusted.remove(request.params.keyId);
      return reply.code(204).send();
    },
  );
}
