import type { FastifyInstance, FastifyTypeProvider } from 'fastify';
import type { Static, TSchema } from 'typebox';

/**
 * Handlers see their params, query, headers and body typed from the route's TypeBox schemas. Answers
 * stay typed by the views that build them: the response schemas describe the wire (OpenAPI), they do
 * not retype or filter what the domain's views return.
 */
export interface ContractTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: unknown;
}

export const typed = (app: FastifyInstance) => app.withTypeProvider<ContractTypeProvider>();
