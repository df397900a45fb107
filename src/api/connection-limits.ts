import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { LibraryError } from '../domain/errors.js';

export interface ConnectionTimeouts {
  /** All request headers must arrive within this time (slowloris on headers). */
  headersMs: number;
  /** A connection on which nothing moves for this long is closed, unless the server is the one working. */
  idleMs: number;
}

/**
 * Options for node's http/https server. There is no total request timeout: a 2 GiB upload over a
 * slow link may take hours, so bodies are bounded by the idle timeout (no progress), not by a deadline.
 */
export function serverTimeoutOptions(timeouts: ConnectionTimeouts) {
  return {
    headersTimeout: timeouts.headersMs,
    requestTimeout: 0,
    // headersTimeout is only enforced when node checks its connections.
    connectionsCheckingInterval: Math.min(timeouts.headersMs, 5000),
  };
}

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
}

/**
 * Closes connections that stall: a body that stops arriving, a response the client stops reading,
 * an idle keep-alive. A request that was fully received and whose answer the server is still
 * working on (e.g. a long import) is left alone: the client is not the one being slow.
 */
export function installIdleTimeout(server: HttpServer, idleMs: number): void {
  const current = new WeakMap<Socket, Exchange>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => current.set(req.socket, { req, res }));
  server.setTimeout(idleMs);
  server.on('timeout', (socket: Socket) => {
    // A timer can fire as a blocked event loop comes back, before the bytes waiting in the kernel are
    // read: decide only after the loop has polled for I/O once (setImmediate runs after that phase).
    const seen = socket.bytesRead + socket.bytesWritten;
    setImmediate(() => {
      if (!socket.destroyed && socket.bytesRead + socket.bytesWritten === seen) closeIfStalled(socket);
    });
  });
  const closeIfStalled = (socket: Socket) => {
    const exchange = current.get(socket);
    if (exchange === undefined || exchange.res.writableEnded || socket.writableLength > 0) {
      socket.destroy(); // an idle keep-alive, or a client that stopped reading our answer
      return;
    }
    const { req } = exchange;
    // Fully received and being answered; or bytes that arrived and the server has not read yet, or a
    // body the server paused (its storage is slow, its handler busy): the server is the slow one.
    const serverIsWorking = req.complete || req.readableLength > 0 || req.readableFlowing === false;
    if (!serverIsWorking) socket.destroy();
  };
}

const CLIENT_ERRORS: Record<string, { status: number; text: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, text: 'Request Header Fields Too Large', message: 'The request headers are too large.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, text: 'Request Timeout', message: 'The request headers did not arrive in time.' },
};

/** Errors node's HTTP parser raises before Fastify sees a request, answered in the Library error shape too. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const known = (error.code && CLIENT_ERRORS[error.code]) || { status: 400, text: 'Bad Request', message: 'The request is not valid HTTP.' };
  const body = JSON.stringify(new LibraryError(known.status, 'ERR006', known.message).toBody());
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${known.status} ${known.text}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
