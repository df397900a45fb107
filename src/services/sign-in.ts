import { IdentityTokenError, LoginFailedError, LoginThrottledError } from '../domain/errors.js';
import { IDENTITY_TOKEN_REFUSALS, isWellFormedIdentityToken } from '../domain/identity-tokens.js';
import { DUMMY_PASSWORD_HASH, MAX_PASSWORD_LENGTH, verifyPassword } from '../domain/passwords.js';
import type { IdentityTokenRepository } from '../store/identity-tokens.js';
import type { LoginThrottle } from '../store/login-throttle.js';
import type { SessionRepository } from '../store/sessions.js';
import type { UserRepository, UserWithSecret } from '../store/users.js';

export interface SignedIn {
  /** The new session's token. */
  token: string;
  login: string;
}

const nobodysTokenRefusal = (token: string) => (isWellFormedIdentityToken(token) ? IDENTITY_TOKEN_REFUSALS.unknown : IDENTITY_TOKEN_REFUSALS.malformed);

/**
 * Sessions begin and end here: standard login, and Workstation-style delegation (a session makes an
 * identity token, another connection redeems it for a session of the same user). Every failure counts
 * toward the same lockout, per login and address.
 */
export class SignInService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly throttle: LoginThrottle,
    private readonly identityTokens: IdentityTokenRepository,
  ) {}

  async login(username: string, password: string, address: string): Promise<SignedIn> {
    // The attempt is reserved before anything is checked, and the same way for unknown names.
    const admission = await this.throttle.admit(username, address);
    if (!admission.allowed) throw new LoginThrottledError(admission.retryAfterSeconds);
    const user = await this.users.findByLogin(username);
    // Over-long passwords are never valid and are not hashed: scrypt's work grows with the input.
    const valid = password.length <= MAX_PASSWORD_LENGTH && (await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH));
    if (!user || !valid || !user.enabled) throw new LoginFailedError();
    await this.throttle.succeeded(username, address, admission);
    return { token: await this.sessions.create(user.id, Date.now()), login: user.login };
  }

  logout(token: string): Promise<void> {
    return this.sessions.destroy(token);
  }

  renew(token: string): Promise<void> {
    return this.sessions.renew(token);
  }

  makeIdentityToken(userId: string): Promise<string> {
    return this.identityTokens.create(userId);
  }

  /** Validates an identity token without using it. */
  async checkIdentityToken(token: string): Promise<void> {
    const held = await this.lookUp(token);
    const refusal = held ? held.refusal : nobodysTokenRefusal(token);
    if (refusal) throw new IdentityTokenError(refusal);
  }

  /**
   * Trades a token for a session of its user: under the token's user (per login and address) when it
   * names one, else under the address alone. A user locked out from this address gets 429 and the
   * token dies; a refused token stays counted. `onOwner` learns the user as soon as it is known (for the audit).
   */
  async redeem(token: string, address: string, onOwner: (owner: UserWithSecret) => void): Promise<SignedIn> {
    const held = await this.lookUp(token);
    if (!held) {
      const admission = await this.throttle.admitUnknownIdentityToken(address);
      if (!admission.allowed) throw new LoginThrottledError(admission.retryAfterSeconds, 'failed identity tokens from this address');
      throw new IdentityTokenError(nobodysTokenRefusal(token));
    }
    const { owner, refusal } = held;
    onOwner(owner);
    const admission = await this.throttle.admit(owner.login, address);
    if (!admission.allowed) {
      await this.identityTokens.revoke(token);
      throw new LoginThrottledError(admission.retryAfterSeconds);
    }
    if (refusal) throw new IdentityTokenError(refusal);
    // Checked above, but another connection may have redeemed it (or it expired) since: the update decides.
    if ((await this.identityTokens.redeem(token)) === undefined) throw new IdentityTokenError(IDENTITY_TOKEN_REFUSALS.used);
    await this.throttle.succeeded(owner.login, address, admission);
    return { token: await this.sessions.create(owner.id), login: owner.login };
  }

  /** A stored token's user and, when it cannot be used now, why; undefined when it names no user. */
  private async lookUp(token: string): Promise<{ owner: UserWithSecret; refusal?: string } | undefined> {
    const found = isWellFormedIdentityToken(token) ? await this.identityTokens.inspect(token) : undefined;
    const owner = found && (await this.users.findById(found.userId));
    if (!found || !owner) return undefined;
    if (found.state !== 'valid') return { owner, refusal: IDENTITY_TOKEN_REFUSALS[found.state] };
    return { owner, refusal: owner.enabled ? undefined : IDENTITY_TOKEN_REFUSALS.userDisabled };
  }
}
