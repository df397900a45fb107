import { newGuid } from '../../src/domain/ids.js';
import type { PackageEntry } from '../../src/domain/mmp/types.js';

/** The Tutorial's Public Objects folder: new objects can go there without other dependencies. */
export const PUBLIC_OBJECTS_FOLDER = '98FE182C2A10427EACE0CD30B6768258';

/** `count` new metrics in Public Objects, to be imported with `replace`. */
export function newMetrics(count: number, label: string): PackageEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    action: 'replace',
    explicitIncluded: true,
    level: 'project_object',
    object: {
      id: newGuid(), type: 4, subtype: 1024, name: `${label} ${i}`, description: '', folderId: PUBLIC_OBJECTS_FOLDER, version: newGuid(),
      dateCreated: 1_700_000_000_000, dateModified: 1_700_000_100_000, ownerId: newGuid(), ownerName: 'Administrator',
      acl: [], definition: { formula: `Sum(Revenue) * ${i}` }, uses: [], hidden: false,
    },
  }));
}
