export * from './types.js';
export { PackageFormatError } from './errors.js';
export { DEFAULT_PACKAGE_LIMITS, PAGE_MAX_BYTES, PAGE_MAX_ENTRIES } from './limits.js';
export { HEADER_ENTRY, MANIFEST_ENTRY, SIGNATURE_ENTRY, pageName } from './layout.js';
export { openPackage, readPackageHeader, type PackageReader } from './reader.js';
export { writePackage, type PackageHeaderInput } from './writer.js';
export { readPackageSeal, type PackageSeal } from './seal.js';
export { signatureVerifies, signingKeyId, type PackageSignature, type PackageSigner } from './signature.js';
