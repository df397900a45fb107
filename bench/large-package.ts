/**
 * A real, signed package of about a given size written to disk as it is made: the server reads and checks
 * every upload's entries and signature, so the transfer benchmark must send a package, not random bytes.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { newGuid } from '../src/domain/ids.js';
import { newMetrics } from '../test/support/packages.js';
import { writePackage, type PackageEntry, type PackageSigner } from '../src/domain/mmp/index.js';

/** Random base64 barely compresses (gzip keeps about 0.76 of it), so the package's size is predictable. */
const BASE64_COMPRESSED_RATIO = 0.76;
/** One object's padding: below the 16 MiB object limit, and 1,000 objects or so for a GiB. */
const PADDING_CHARS = 1024 * 1024;

function throwawaySigner(): PackageSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  const keyId = createHash('sha256').update(der).digest('hex').slice(0, 16);
  return { environmentId: 'http://bench-source', keyId, sign: (message) => sign(null, message, privateKey) };
}

async function* paddedMetrics(bytes: number): AsyncGenerator<PackageEntry[]> {
  for (let left = Math.ceil(bytes / BASE64_COMPRESSED_RATIO); left > 0; left -= PADDING_CHARS) {
    const chars = Math.min(left, PADDING_CHARS);
    const [entry] = newMetrics(1, 'padded');
    if (!entry) throw new Error('newMetrics made no metric');
    entry.object.definition = {
      padding: randomBytes(Math.ceil((chars * 3) / 4))
        .toString('base64')
        .slice(0, chars),
    };
    yield [entry];
  }
}

/** Writes a signed project package of about `bytes` compressed bytes to `file`. */
export async function writeLargePackage(file: string, bytes: number): Promise<void> {
  await writePackage(
    createWriteStream(file),
    {
      packageId: newGuid(),
      packageType: 'project',
      purpose: 'object_migration',
      name: 'bench transfer',
      createdAt: new Date().toISOString(),
      creator: { id: '54F3D26011D2896560009A8E67019608', name: 'Administrator' },
      sourceEnvironment: { id: 'http://bench-source', name: 'bench source' },
      sourceProject: { id: 'B19DEDCC11D4E0EFC000EB9495D0F44F', name: 'MicroStrategy Tutorial' },
      settings: { defaultAction: 'replace', aclOnReplacingObjects: 'replace', aclOnNewObjects: ['keep_acl_as_source_object'] },
    },
    paddedMetrics(bytes),
    throwawaySigner(),
  );
}
