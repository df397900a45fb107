import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { authRoutes } from './auth.js';

export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;

/** Every API area, one module each. */
export const ROUTE_MODULES: RouteModule[] = [authRoutes];
