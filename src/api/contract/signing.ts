import { Type, type Static } from 'typebox';
import { SIGNATURE_STATES } from '../../domain/signature-states.js';

/** Signed packages (docs/package-format.md, "Signature"): the public keys, the trusted source keys, a package's state. */

export const SignatureState = Type.Union(
  SIGNATURE_STATES.map((state) => Type.Literal(state)),
  {
    description:
      'signed-trusted: signed by this environment or a trusted one; signed-unknown: signed by a key not trusted here; unsigned; tampered: its bytes do not match its signature',
  },
);

export const PackageSignatureRecord = Type.Object({
  state: SignatureState,
  environmentId: Type.Optional(Type.String({ description: 'The environment the signature names.' })),
  keyId: Type.Optional(Type.String({ description: 'The key that made the signature.' })),
});
export type PackageSignatureRecord = Static<typeof PackageSignatureRecord>;

const KeyId = Type.String({
  pattern: '^[0-9a-f]{16}$',
  'x-message': 'must be 16 lower-case hex digits',
  description: "The first 16 hex digits of the sha256 of the public key's DER.",
});
const PublicKey = Type.String({ minLength: 1, maxLength: 200, description: 'base64 of the SPKI DER of an Ed25519 public key.' });

export const PublicSigningKey = Type.Object({
  keyId: KeyId,
  algorithm: Type.Literal('ed25519'),
  publicKey: PublicKey,
  createdAt: Type.Optional(Type.Integer({ description: 'Epoch milliseconds.' })),
  retiredAt: Type.Optional(Type.Integer({ description: 'When a rotation replaced it (epoch milliseconds); absent for the current key.' })),
});

/** GET /api/environment/keys, and what `packstore trust add` reads from a URL or a key file. */
export const EnvironmentKeys = Type.Object({
  environmentId: Type.String({ minLength: 1, maxLength: 2048 }),
  environmentName: Type.Optional(Type.String({ maxLength: 2000 })),
  keys: Type.Array(PublicSigningKey, { minItems: 1, maxItems: 1000 }),
});
export type EnvironmentKeys = Static<typeof EnvironmentKeys>;

export const TrustedKey = Type.Object({
  keyId: Type.String(),
  environmentId: Type.String(),
  environmentName: Type.String(),
  publicKey: Type.String(),
  addedAt: Type.Integer(),
  addedBy: Type.String(),
});
export type TrustedKey = Static<typeof TrustedKey>;

export const TrustedKeyList = Type.Object({ data: Type.Array(TrustedKey) });
export type TrustedKeyList = Static<typeof TrustedKeyList>;

export const TrustedKeyParams = Type.Object({ keyId: Type.String({ description: 'A trusted key id.' }) });
