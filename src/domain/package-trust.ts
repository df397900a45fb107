import { generateKeyPairSync } from 'node:crypto';
import { signatureVerifies, signingKeyId, type PackageSignature } from './mmp/signature.js';
import type { SignatureRecord } from './signature-states.js';

/** A public key this environment checks signatures with: one of its own, or a trusted source's. */
export interface VerificationKey {
  keyId: string;
  environmentId: string;
  /** base64 of the SPKI DER of an Ed25519 public key. */
  publicKey: string;
}

/** A new Ed25519 key pair: the public key as base64 SPKI DER, the private key as base64 PKCS#8 DER. */
export function newSigningKeyPair(): { keyId: string; publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicDer = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  return { keyId: signingKeyId(publicDer), publicKey: publicDer, privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') };
}

/** The state of a package that reads soundly: by its signature and whether the key that made it is known here. */
export function judgeSignature(signature: PackageSignature | undefined, known: VerificationKey | undefined): SignatureRecord {
  if (!signature) return { state: 'unsigned' };
  const signer = { environmentId: signature.environmentId, keyId: signature.keyId };
  if (!known) return { state: 'signed-unknown', ...signer };
  return { state: signatureVerifies(signature, known.publicKey) ? 'signed-trusted' : 'tampered', ...signer };
}

const REQUIRE_KEY = 'migrations.requireSignedPackages';

/**
 * Why a package must not be imported, or undefined when it may. A tampered package never is; with
 * requireSigned, only a package signed by a trusted key is. `source` is the environment its header names.
 */
export function signatureRefusal(record: SignatureRecord, requireSigned: boolean, source: { id: string; name: string }): string | undefined {
  if (record.state === 'tampered') {
    return `The package was changed after it was written, or is damaged: its bytes do not match its signed manifest${record.keyId ? ` (key ${record.keyId} of ${record.environmentId})` : ''}. It is refused; ask ${source.name} (${source.id}) for the package again.`;
  }
  if (!requireSigned || record.state === 'signed-trusted') return undefined;
  if (record.state === 'unsigned') {
    return (
      `The package from ${source.name} (${source.id}) is not signed, and this environment imports only signed packages (${REQUIRE_KEY}). ` +
      `Export it again from an environment that signs its packages, and trust that environment here: packstore trust add ${source.id}`
    );
  }
  return (
    `The package is signed by environment ${record.environmentId} with key ${record.keyId}, which this environment does not trust (${REQUIRE_KEY}). ` +
    `An administrator can trust it with: packstore trust add ${record.environmentId} (or POST /api/environment/trustedKeys).`
  );
}
