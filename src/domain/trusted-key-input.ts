import { createPublicKey } from 'node:crypto';
import { InvalidInputError } from './errors.js';
import { normaliseEnvironmentId } from './input.js';
import { signingKeyId } from './mmp/signature.js';

interface KeysDocument {
  environmentId: string;
  environmentName?: string;
  keys: ReadonlyArray<{ keyId: string; publicKey: string }>;
}

/**
 * The keys of a keys document (GET /api/environment/keys of a source), each checked: an Ed25519 public key whose
 * id is the one its bytes give, so a document cannot pass one key off under another's id.
 */
export function trustedKeysOf(document: KeysDocument, addedBy: string) {
  const environmentId = normaliseEnvironmentId(document.environmentId.trim());
  return document.keys.map((key, index) => {
    const where = `keys[${index}]`;
    let type: string | undefined;
    try {
      type = createPublicKey({ key: Buffer.from(key.publicKey, 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType;
    } catch {
      throw new InvalidInputError(`${where}.publicKey is not the base64 of a public key in SPKI DER.`);
    }
    if (type !== 'ed25519') throw new InvalidInputError(`${where}.publicKey is an ${type} key; packages are signed with ed25519 keys.`);
    if (signingKeyId(key.publicKey) !== key.keyId)
      throw new InvalidInputError(`${where}.keyId is ${key.keyId}, but the public key's id is ${signingKeyId(key.publicKey)}.`);
    return { keyId: key.keyId, environmentId, environmentName: document.environmentName ?? environmentId, publicKey: key.publicKey, addedBy };
  });
}
