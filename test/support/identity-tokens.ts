import assert from 'node:assert/strict';
import type { TestServer } from './server.js';

/** POST /api/auth/identityToken with a session: the new identity token. */
export async function identityTokenOf(s: TestServer, token: string): Promise<string> {
  const res = await s.request('POST', '/api/auth/identityToken', { token });
  assert.equal(res.status, 201, await res.text());
  const identityToken = res.headers.get('x-mstr-identitytoken');
  assert.ok(identityToken, 'the token is in X-MSTR-IdentityToken');
  return identityToken;
}

/** POST /api/auth/delegate as mstrio sends it. */
export function delegate(s: TestServer, identityToken: unknown): Promise<Response> {
  return s.request('POST', '/api/auth/delegate', { json: { loginMode: '-1', identityToken } });
}

/** GET /api/auth/identityToken: validates without using the token. */
export function validate(s: TestServer, token: string, identityToken: string): Promise<Response> {
  return s.request('GET', '/api/auth/identityToken', { token, headers: { 'X-MSTR-IdentityToken': identityToken } });
}

/** The session a delegation made (asserting 204 and the token header). */
export async function delegatedSession(s: TestServer, identityToken: string): Promise<string> {
  const res = await delegate(s, identityToken);
  assert.equal(res.status, 204, await res.text());
  const token = res.headers.get('x-mstr-authtoken');
  assert.ok(token, 'the new session is in X-MSTR-AuthToken');
  return token;
}
