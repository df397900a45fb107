/** What a target knows of a package's origin (docs/package-format.md, "Signature"). Pure: the console imports it. */
export const SIGNATURE_STATES = ['signed-trusted', 'signed-unknown', 'unsigned', 'tampered'] as const;
export type SignatureState = (typeof SIGNATURE_STATES)[number];

/** Kept on the shared file and the migration record; mstrio ignores the extra key. */
export interface SignatureRecord {
  state: SignatureState;
  /** The environment and key the package claims to be signed by (absent when unsigned). */
  environmentId?: string;
  keyId?: string;
}
