import { createWriteStream } from 'node:fs';
import { rename, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ClientError, expectOk, readText } from './http.js';
import { digestFile, type Digest } from './hashing.js';
import { ByteProgress } from './progress.js';
import type { Session } from './session.js';

export interface Expected {
  size: number;
  /** Lower-case hex. Without it a broken download cannot resume safely (no If-Range). */
  sha256?: string;
}

export function partPath(target: string): string {
  return `${target}.part`;
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** The first byte a 206 answer carries, from `Content-Range: bytes S-E/T`. */
function rangeStart(header: string | undefined): number | undefined {
  const match = /^bytes (\d+)-\d+\/\d+$/.exec(header ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Streams a binary to `<target>.part` beside the target, checks size and SHA-256, then renames it
 * into place. A `.part` left by a broken run is continued with Range + If-Range (the ETag is the
 * quoted SHA-256); if the server sends the whole file instead, it starts over.
 */
export async function downloadTo(session: Session, resource: string, target: string, expected: Expected, showProgress: boolean): Promise<Digest> {
  const folder = path.dirname(target);
  if (!(await stat(folder).catch(() => undefined))?.isDirectory()) throw new ClientError(`cannot save to ${target}: the folder ${folder} does not exist`);
  const part = partPath(target);
  let have = await sizeOf(part);
  if (have > expected.size || (have > 0 && !expected.sha256)) {
    await truncate(part, 0);
    have = 0;
  }
  if (have < expected.size) {
    const headers: Record<string, string> = {};
    if (have > 0 && expected.sha256) {
      headers.Range = `bytes=${have}-`;
      headers['If-Range'] = `"${expected.sha256}"`;
    }
    const response = await expectOk(await session.send('GET', resource, { headers }));
    const resumed = response.statusCode === 206 && rangeStart(response.headers['content-range']) === have;
    if (response.statusCode === 206 && !resumed) {
      await readText(response);
      throw new ClientError(`the server answered the resume of ${resource} with an unexpected range ${response.headers['content-range'] ?? ''}`);
    }
    const from = resumed ? have : 0;
    const progress = new ByteProgress(resumed ? 'download (resumed)' : 'download', expected.size, showProgress, from);
    try {
      await pipeline(response, progress.meter(), createWriteStream(part, { flags: resumed ? 'a' : 'w', mode: 0o600 }));
    } catch (error) {
      const kept = await sizeOf(part);
      throw new ClientError(
        `download of ${resource} broke off after ${kept} of ${expected.size} bytes (${error instanceof Error ? error.message : String(error)}); run the same command again to resume`,
      );
    } finally {
      progress.end();
    }
  }
  const got = await digestFile(part);
  const problem =
    got.size !== expected.size
      ? `${got.size} bytes arrived, ${expected.size} were expected`
      : expected.sha256 && got.sha256 !== expected.sha256
        ? `sha256 ${got.sha256} does not match ${expected.sha256}`
        : undefined;
  if (problem) {
    await rm(part, { force: true });
    throw new ClientError(`download of ${resource} is damaged: ${problem}; the partial file was removed`);
  }
  await rename(part, target);
  return got;
}
