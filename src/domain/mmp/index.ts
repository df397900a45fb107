export * from './types.js';
export { PackageFormatError } from './errors.js';
export { DEFAULT_PACKAGE_LIMITS, PAGE_MAX_BYTES, PAGE_MAX_ENTRIES } from './limits.js';
export { HEADER_ENTRY, MANIFEST_ENTRY, pageName } from './layout.js';
export { openPackage, readPackageHeader, type PackageReader } from './reader.js';
export { writePackage, type PackageHeaderInput } from './writer.js';
