import type { Readable } from 'node:stream';
import { openPackage, type PackageReader } from '../domain/mmp/index.js';
import { tempFileSpool } from '../store/temp-spool.js';

/**
 * A stored package opened for reading by a job, the toc rows it checks the manifest against spooled to a
 * temporary file (hundreds of MB of heap at a million objects otherwise), which the reader removes when it
 * closes. The spool is made before the package is opened: a failure to make it closes the stored stream.
 */
export async function openStoredPackage(input: Readable): Promise<PackageReader> {
  const spool = await tempFileSpool().catch((error: unknown) => {
    input.destroy();
    throw error;
  });
  return openPackage(input, {}, spool);
}
