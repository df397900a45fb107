import type { PackageHeader } from './mmp/types.js';

interface Named {
  id: string;
  name: string;
}

/**
 * Where a package came from, as its own header says: the lineage an administrator follows from the source
 * environment's package to the file and the import made from it. What a client declares is not evidence.
 */
export interface PackageSource {
  environment: Named;
  project?: Named;
  /** The package's id in its source environment. */
  packageId: string;
  packageType: PackageHeader['packageType'];
  purpose: PackageHeader['purpose'];
  name: string;
  creator: Named;
}

export function sourceOfHeader(header: PackageHeader): PackageSource {
  return {
    environment: { ...header.sourceEnvironment },
    ...(header.sourceProject ? { project: { ...header.sourceProject } } : {}),
    packageId: header.packageId,
    packageType: header.packageType,
    purpose: header.purpose,
    name: header.name,
    creator: { ...header.creator },
  };
}
