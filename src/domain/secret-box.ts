import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets kept in the database (the S3 secret key) are sealed with AES-256-GCM under a key
 * from the configuration. The envelope names its version and key, so that a key can be
 * rotated: `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts).
 */
const PREFIX = 'enc:v1:';

export interface SecretKeyring {
  /** Seals every new secret. */
  current: Buffer;
  /** Still open secrets sealed before a rotation. */
  previous: readonly Buffer[];
}

export class SecretUnreadableError extends Error {}

/** A key as configured: 64 hex digits or the base64 of 32 bytes. */
export function decodeSecretKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

/** Names a key without revealing it. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('packstore secret key id\0').update(key).digest('hex').slice(0, 16);
}

export function sealSecret(clear: string, ring: SecretKeyring): string {
  if (clear === '') return '';
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.current, iv);
  const sealed = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
  return (
    PREFIX + [keyIdOf(ring.current), iv, cipher.getAuthTag(), sealed].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join(':')
  );
}

/** The clear secret; text without the envelope was saved in clear by an older version and is returned as it is. */
export function openSecret(stored: string, ring: SecretKeyring): string {
  if (!stored.startsWith(PREFIX)) return stored;
  const [keyId, iv, tag, sealed] = stored.slice(PREFIX.length).split(':');
  const key = [ring.current, ...ring.previous].find((candidate) => keyIdOf(candidate) === keyId);
  if (!key || iv === undefined || tag === undefined || sealed === undefined)
    throw new SecretUnreadableError(`No configured key opens secrets sealed under key ${keyId}.`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadableError(`A secret sealed under key ${keyId} is damaged.`);
  }
}

/** Whether a stored secret must be sealed again: in clear, or under an older key. */
export function needsResealing(stored: string, ring: SecretKeyring): boolean {
  return stored !== '' && !stored.startsWith(`${PREFIX}${keyIdOf(ring.current)}:`);
}
