import { hashToken } from './tokens.js';

/** Identity tokens are made like session tokens: 256 random bits in base64url, 43 characters. */
const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

export function isWellFormedIdentityToken(token: string): boolean {
  return WELL_FORMED.test(token);
}

export type IdentityTokenState = 'valid' | 'expired' | 'used';

/** What a stored token can still do: redeemed tokens stay usable until they expire only when tokens are not single-use. */
export function identityTokenState(token: { expiresAt: number; redeemedAt: number | null }, now: number, singleUse: boolean): IdentityTokenState {
  if (token.expiresAt <= now) return 'expired';
  if (singleUse && token.redeemedAt !== null) return 'used';
  return 'valid';
}

/** Why a token is refused, for the 401's message. */
export const IDENTITY_TOKEN_REFUSALS = {
  malformed: 'The identity token is malformed: expected the 43-character token from POST /api/auth/identityToken.',
  unknown: 'The identity token is unknown: it was never issued here, or has expired and been removed.',
  expired: 'The identity token has expired: ask the session that made it for a new one.',
  used: 'The identity token has already been used: each one can be redeemed once.',
  userDisabled: 'The user of this identity token can no longer sign in.',
} as const;

/**
 * How the audit log names a token: a prefix of its hash. Records about one token can be matched with each
 * other, and the log holds nothing that can be redeemed.
 */
export function identityTokenAuditId(token: string): string {
  return `identityToken:${hashToken(token).slice(0, 16)}`;
}
