import { randomBytes } from 'node:crypto';
import { newGuid } from '../../src/domain/ids.js';
import type { ConflictAction, PackageEntry, PackageHeader } from '../../src/domain/mmp/types.js';
import type { MetadataObject } from '../../src/domain/objects.js';
import { sampleHeader, written } from './mmp.js';

/** The Tutorial's Public Objects folder: new objects can go there without other dependencies. */
export const PUBLIC_OBJECTS_FOLDER = '98FE182C2A10427EACE0CD30B6768258';

/** `count` new metrics in Public Objects, to be imported with `replace`. */
export function newMetrics(count: number, label: string): PackageEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    action: 'replace',
    explicitIncluded: true,
    level: 'project_object',
    object: {
      id: newGuid(),
      type: 4,
      subtype: 1024,
      name: `${label} ${i}`,
      description: '',
      folderId: PUBLIC_OBJECTS_FOLDER,
      version: newGuid(),
      dateCreated: 1_700_000_000_000,
      dateModified: 1_700_000_100_000,
      ownerId: newGuid(),
      ownerName: 'Administrator',
      acl: [],
      definition: { formula: `Sum(Revenue) * ${i}` },
      uses: [],
      hidden: false,
    },
  }));
}

const PADDING_CHUNK_CHARS = 1024 * 1024;

/**
 * A real package of about `bytes` bytes (never fewer than a small package takes): the server reads every
 * upload's header, so tests that need bytes of some size upload packages, padded with random base64 in the
 * objects' definitions (it barely compresses, so the size is predictable).
 */
export async function packageOfSize(bytes: number, header: Partial<PackageHeader> = {}): Promise<Buffer> {
  const chars = Math.ceil(bytes / 0.76);
  const entries = newMetrics(Math.max(1, Math.ceil(chars / PADDING_CHUNK_CHARS)), 'padded');
  let left = chars;
  for (const entry of entries) {
    const take = Math.min(left, PADDING_CHUNK_CHARS);
    left -= take;
    entry.object.definition = {
      padding: randomBytes(Math.ceil((take * 3) / 4))
        .toString('base64')
        .slice(0, take),
    };
  }
  return written(sampleHeader(header), [entries]);
}

/** The epoch the golden tables' objects were made at. */
export const T0 = Date.UTC(2024, 0, 1);

/** A metric in Public Objects, made at T0 by the Administrator, with what the case overrides. */
export function metric(name: string, overrides: Partial<MetadataObject> = {}): MetadataObject {
  return {
    id: newGuid(),
    type: 4,
    subtype: 1024,
    name,
    description: '',
    folderId: PUBLIC_OBJECTS_FOLDER,
    version: newGuid(),
    dateCreated: T0,
    dateModified: T0,
    ownerId: '54F3D26011D2896560009A8E67019608',
    ownerName: 'Administrator',
    acl: [],
    definition: { formula: `Sum(${name})` },
    uses: [],
    hidden: false,
    ...overrides,
  };
}

export const explicitEntry = (o: MetadataObject, action: ConflictAction): PackageEntry => ({
  action,
  explicitIncluded: true,
  level: 'project_object',
  object: o,
});
