import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 64;
const PARAMS = { N: 16384, r: 8, p: 1 } as const;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, KEY_LENGTH, { ...options, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Encodes as scrypt$N$r$p$salt$hash so the cost can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = encoded.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash that never verifies, compared against for unknown users so that timing does not reveal who exists. */
export const DUMMY_PASSWORD_HASH = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

export interface PasswordPolicyResult {
  ok: boolean;
  reason?: string;
}

export const MIN_PASSWORD_LENGTH = 12;
/** scrypt's cost grows with the input; a cap keeps a login request from being a denial of service. */
export const MAX_PASSWORD_LENGTH = 1024;

/** Passwords every guessing list starts with; longer than the minimum, so the length rule alone lets them in. */
const COMMON_PASSWORDS = new Set([
  'password1234',
  'passw0rd1234',
  'password12345',
  'password123456',
  '123456789012',
  '1234567890123',
  'qwertyuiop12',
  'qwertyuiopasdf',
  'administrator',
  'administrator1',
  'letmeinplease',
  'iloveyou1234',
  'welcome12345',
  'changeme1234',
  'microstrategy',
  'microstrategy1',
  'packstore1234',
  '1q2w3e4r5t6y',
  'abcdefghijkl',
  'aaaaaaaaaaaa',
]);

/** Few distinct characters, or a run such as "abcdefgh…" / "12345678…": long but trivially guessed. */
function isTrivial(password: string): boolean {
  if (new Set(password).size < 4) return true;
  let run = 1;
  for (let i = 1; i < password.length; i++) {
    const step = password.charCodeAt(i) - password.charCodeAt(i - 1);
    run = step === 1 || step === -1 ? run + 1 : 1;
    if (run === password.length) return true;
  }
  return false;
}

/**
 * The password policy for new and changed passwords (NIST SP 800-63B style: length and a block
 * list rather than composition rules): 12 to 1024 characters, not a common or trivial password,
 * and not the login name.
 */
export function checkPasswordPolicy(password: string, login?: string): PasswordPolicyResult {
  if (password.length < MIN_PASSWORD_LENGTH) return { ok: false, reason: `A password needs at least ${MIN_PASSWORD_LENGTH} characters.` };
  if (password.length > MAX_PASSWORD_LENGTH) return { ok: false, reason: `A password may have at most ${MAX_PASSWORD_LENGTH} characters.` };
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || isTrivial(password)) return { ok: false, reason: 'This password is too easy to guess.' };
  const name = login?.trim().toLowerCase();
  if (name && name.length >= 3 && lower.includes(name)) return { ok: false, reason: 'A password must not contain the login name.' };
  return { ok: true };
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
