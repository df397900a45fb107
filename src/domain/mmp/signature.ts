import { createHash, createPublicKey, verify } from 'node:crypto';
import { PackageFormatError } from './errors.js';
import { FieldCheck } from './fields.js';
import { SIGNATURE_ENTRY } from './layout.js';
import { FIELD_LIMITS } from './limits.js';

/**
 * signature.json, the optional last entry: the writing environment's Ed25519 signature over the exact bytes of
 * manifest.json. The manifest holds the sha256 and size of every other entry, so the signature covers every byte
 * of the package; the signed message binds the environment and key ids too, so neither can be swapped.
 */
export interface PackageSignature {
  algorithm: 'ed25519';
  /** The environment that wrote the package (its base URL, as in header.json's sourceEnvironment.id). */
  environmentId: string;
  /** Names the key: see signingKeyId. */
  keyId: string;
  /** Lower-case hex sha256 of manifest.json's bytes. */
  manifestSha256: string;
  /** base64 of the 64-byte Ed25519 signature over signedMessage(). */
  signature: string;
}

/** Signs for one environment with one key; the private key stays with whoever implements it. */
export interface PackageSigner {
  environmentId: string;
  keyId: string;
  sign(message: Buffer): Buffer | Promise<Buffer>;
}

/** An entry of this size is far beyond any true signature.json: refused before it is read. */
export const SIGNATURE_MAX_BYTES = 8 * 1024;
const KEY_ID = /^[0-9a-f]{16}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]{86}==$/;

/** What the signature is over: a versioned tag, the environment, the key and the manifest's hash. */
export function signedMessage(signature: Pick<PackageSignature, 'environmentId' | 'keyId' | 'manifestSha256'>): Buffer {
  return Buffer.from(JSON.stringify(['packstore package signature 1', signature.environmentId, signature.keyId, signature.manifestSha256]));
}

/** The key id of a public key (base64 of its SPKI DER): the first 16 hex digits of the DER's sha256. */
export function signingKeyId(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex').slice(0, 16);
}

export async function signManifest(signer: PackageSigner, manifestSha256: string): Promise<PackageSignature> {
  const unsigned = { environmentId: signer.environmentId, keyId: signer.keyId, manifestSha256 };
  const signature = await signer.sign(signedMessage(unsigned));
  return { algorithm: 'ed25519', ...unsigned, signature: signature.toString('base64') };
}

/** Whether `publicKey` (base64 SPKI DER of an Ed25519 key) made this signature. */
export function signatureVerifies(signature: PackageSignature, publicKey: string): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, signedMessage(signature), key, Buffer.from(signature.signature, 'base64'));
  } catch {
    return false;
  }
}

/** The shape of signature.json, and that it signs the manifest this package holds. */
export function checkSignature(value: unknown, manifestSha256: string): PackageSignature {
  const check = new FieldCheck(SIGNATURE_ENTRY);
  const raw = check.fields(value, '', ['algorithm', 'environmentId', 'keyId', 'manifestSha256', 'signature']);
  check.oneOf(raw.algorithm, 'algorithm', { ed25519: true });
  const environmentId = check.nonEmptyString(raw.environmentId, 'environmentId', FIELD_LIMITS.environmentIdChars);
  const keyId = check.string(raw.keyId, 'keyId', 16);
  if (!KEY_ID.test(keyId)) check.fail('keyId', 'must be 16 lower-case hex digits');
  const signed = check.string(raw.manifestSha256, 'manifestSha256', 64);
  if (!SHA256_HEX.test(signed)) check.fail('manifestSha256', 'must be a lower-case hex sha256');
  const signature = check.string(raw.signature, 'signature', 88);
  if (!BASE64.test(signature)) check.fail('signature', 'must be the base64 of a 64-byte Ed25519 signature');
  if (signed !== manifestSha256) {
    throw new PackageFormatError(`${SIGNATURE_ENTRY}: signs a manifest with sha256 ${signed}, but manifest.json has ${manifestSha256}`);
  }
  return { algorithm: 'ed25519', environmentId, keyId, manifestSha256: signed, signature };
}
