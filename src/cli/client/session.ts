import { ClientError, expectOk, jsonOf, readText, send, bodyValueOf, type Json, type SendOptions } from './http.js';
import { loadProfile, saveProfile, type Profile } from './profiles.js';
import type http from 'node:http';

export const PASSWORD_ENV = 'PACKSTORE_PASSWORD';

/** Renew when this share of the idle timeout has passed since the token was last used. */
const RENEW_AFTER = 0.5;

/** POST /api/auth/login (form, loginMode 1) and GET /api/sessions for the idle timeout. */
export async function logIn(url: string, user: string, password: string): Promise<Profile> {
  const response = await expectOk(await send(url, 'POST', '/api/auth/login', { form: { loginMode: '1', applicationType: '76', username: user, password } }));
  await readText(response);
  const token = response.headers['x-mstr-authtoken'];
  if (typeof token !== 'string' || !token) throw new ClientError(`${url} answered the login without an X-MSTR-AuthToken header`);
  const info = await jsonOf(await send(url, 'GET', '/api/sessions', { headers: { 'X-MSTR-AuthToken': token } }));
  const timeout = typeof info.timeout === 'number' ? info.timeout : undefined;
  return { url, user, token, timeout, lastActive: Date.now() };
}

/**
 * A signed-in connection to one environment, made from a saved profile. It renews the token
 * before the idle timeout, and when the session is gone it logs in again only if
 * PACKSTORE_PASSWORD is set (the password itself is never saved).
 */
export class Session {
  private constructor(
    readonly profileName: string,
    private profile: Profile,
  ) {}

  get url(): string {
    return this.profile.url;
  }

  static async open(profileName: string): Promise<Session> {
    const session = new Session(profileName, await loadProfile(profileName));
    await session.ensureFresh();
    return session;
  }

  private async ensureFresh(): Promise<void> {
    const { token, timeout, lastActive } = this.profile;
    if (!token) return this.relogin();
    if (timeout === undefined || lastActive === undefined) return;
    if (Date.now() - lastActive < timeout * 1000 * RENEW_AFTER) return;
    const renewed = await send(this.url, 'PUT', '/api/sessions', { headers: { 'X-MSTR-AuthToken': token }, idleTimeout: 10_000 });
    await readText(renewed);
    if (renewed.statusCode === 204 || renewed.statusCode === 200) {
      await this.touch();
      return;
    }
    await this.relogin();
  }

  private async relogin(): Promise<void> {
    const password = process.env[PASSWORD_ENV];
    if (!password) {
      throw new ClientError(`the session of profile ${this.profileName} has ended: run packstore login ${this.url} --profile ${this.profileName} again`);
    }
    this.profile = await logIn(this.url, this.profile.user, password);
    await saveProfile(this.profileName, this.profile);
  }

  private async touch(): Promise<void> {
    this.profile = { ...this.profile, lastActive: Date.now() };
    await saveProfile(this.profileName, this.profile);
  }

  /** The session's header, for clients that send their own requests (tus uploads). */
  authHeaders(): Record<string, string> {
    return { 'X-MSTR-AuthToken': this.profile.token ?? '' };
  }

  private withToken(options: SendOptions): SendOptions {
    return { ...options, headers: { ...options.headers, ...this.authHeaders() } };
  }

  /**
   * Sends a request with the token. A bodiless or JSON request whose session turned out to be
   * gone is sent once more after logging in again; a streamed body cannot be replayed.
   */
  async send(method: string, path: string, options: SendOptions = {}): Promise<http.IncomingMessage> {
    let response = await send(this.url, method, path, this.withToken(options));
    if (response.statusCode === 401 && !options.stream) {
      const text = await readText(response);
      const error = ClientError.fromBody(401, text);
      if (!error.isSessionGone) throw error;
      await this.relogin();
      response = await send(this.url, method, path, this.withToken(options));
    }
    await this.touch();
    return response;
  }

  async json(method: string, path: string, options: SendOptions = {}): Promise<Json> {
    return jsonOf(await this.send(method, path, options));
  }

  async value(method: string, path: string, options: SendOptions = {}): Promise<unknown> {
    return bodyValueOf(await this.send(method, path, options));
  }
}
