import type { FastifyServerOptions } from 'fastify';

/**
 * The server's logger: readable lines (pino-pretty) for a person at a terminal, JSON lines for a log
 * collector. `auto` decides by whether stdout is a terminal.
 */
export function loggerOptions(level: string, format: string, stdoutIsTerminal: boolean): FastifyServerOptions['logger'] {
  const pretty = format === 'pretty' || (format === 'auto' && stdoutIsTerminal);
  if (!pretty) return { level };
  return { level, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l o', ignore: 'pid,hostname', singleLine: true } } };
}
