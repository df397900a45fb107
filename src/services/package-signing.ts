import { createPrivateKey, sign } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/db/schema.js';
import type { PackageSeal, PackageSignature, PackageSigner } from '../domain/mmp/index.js';
import { judgeSignature, signatureRefusal, type VerificationKey } from '../domain/package-trust.js';
import type { SignatureRecord } from '../domain/signature-states.js';
import type { NamedRef } from '../domain/migrations/records.js';
import { PackageFormatError } from '../domain/mmp/errors.js';
import { ImportRefusedError, InvalidInputError } from '../domain/errors.js';
import type { SigningKeyRepository } from '../store/signing-keys.js';
import type { TrustedKeyRepository } from '../store/trusted-keys.js';

/**
 * Signing what this environment writes and judging what it receives. Keys are read from the database each
 * time (a few rows), so a rotation made by `packstore keys rotate` or another node takes effect at once.
 */
export class PackageSigning {
  constructor(
    readonly keys: SigningKeyRepository,
    readonly trusted: TrustedKeyRepository,
    /** This environment; its id becomes the listening URL once the server starts, so it is read at each use. */
    private readonly environment: NamedRef,
    private readonly requireSigned: boolean,
  ) {}

  /** Signs with the current key; the private key lives in this closure only while a package is written. */
  async signer(): Promise<PackageSigner> {
    const current = await this.keys.current();
    if (!current) throw new Error('This environment has no signing key: it is made at the first start.');
    const privateKey = createPrivateKey({ key: current.privateKey, format: 'der', type: 'pkcs8' });
    return { environmentId: this.environment.id, keyId: current.keyId, sign: (message) => sign(null, message, privateKey) };
  }

  /** A key that checks signatures here: this environment's own (current or retired), or a trusted source's. */
  async verificationKey(keyId: string, db?: Kysely<Database>): Promise<VerificationKey | undefined> {
    const own = await (db ? this.keys.on(db) : this.keys).find(keyId);
    if (own) return { keyId, environmentId: this.environment.id, publicKey: own.publicKey };
    return (db ? this.trusted.on(db) : this.trusted).find(keyId);
  }

  /** `db`: the transaction the caller holds (SQLite has one connection: a query outside it would wait forever). */
  async judge(signature: PackageSignature | undefined, db?: Kysely<Database>): Promise<SignatureRecord> {
    return judgeSignature(signature, signature ? await this.verificationKey(signature.keyId, db) : undefined);
  }

  /** Throws ImportRefusedError when this package must not be imported (tampered, or not trusted while required). */
  refuse(record: SignatureRecord, source: NamedRef): void {
    const refusal = signatureRefusal(record, this.requireSigned, source);
    if (refusal) throw new ImportRefusedError(refusal);
  }

  /**
   * The state of an uploaded binary, from its seal (read as the bytes streamed in). Undefined when it is not a
   * package at all (the import will say why). A package whose bytes do not match its manifest or signature is refused.
   */
  async judgeUpload(seal: PackageSeal): Promise<SignatureRecord | undefined> {
    if (seal.kind === 'not-a-package') return undefined;
    if (seal.kind === 'broken') {
      throw new PackageFormatError(`The package is damaged or was changed after it was written (tampered): ${seal.problem}. Nothing was kept.`);
    }
    const record = await this.judge(seal.signature);
    if (record.state === 'tampered') {
      throw new PackageFormatError(`${signatureRefusal(record, false, seal.header.sourceEnvironment)} Nothing was kept.`);
    }
    return record;
  }

  /**
   * What an import may conclude before it starts, from the state recorded at upload and the keys trusted now.
   * The import job verifies the signature itself again; this only spares a request that cannot succeed.
   */
  async refuseEarly(recorded: SignatureRecord | undefined, source: NamedRef): Promise<void> {
    if (!recorded) return;
    const known = recorded.keyId ? await this.verificationKey(recorded.keyId) : undefined;
    const signed = recorded.state === 'signed-unknown' || recorded.state === 'signed-trusted';
    const now: SignatureRecord = signed ? { ...recorded, state: known ? 'signed-trusted' : 'signed-unknown' } : recorded;
    const refusal = signatureRefusal(now, this.requireSigned, source);
    if (refusal) throw new InvalidInputError(refusal);
  }
}
