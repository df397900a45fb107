import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * 2 MiB: hashing one slice takes some 35 ms on the main thread, so the page (and its Cancel
 * button) stays responsive, and memory stays flat whatever the file's size.
 */
const CHUNK_BYTES = 2 * 1024 * 1024;

/**
 * SHA-256 of a File, read slice by slice: crypto.subtle has no streaming digest, and reading a
 * whole package into one buffer would not survive a 2 GiB file.
 */
export async function sha256OfFile(file: Blob, onProgress: (done: number) => void, signal: AbortSignal): Promise<string> {
  const hash = sha256.create();
  for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
    signal.throwIfAborted();
    const chunk = new Uint8Array(await file.slice(offset, offset + CHUNK_BYTES).arrayBuffer());
    hash.update(chunk);
    onProgress(Math.min(file.size, offset + chunk.length));
  }
  return bytesToHex(hash.digest());
}
