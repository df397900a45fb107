/**
 * The reading thread of openPackageInThread: inflates, splits, parses and checks a package with the
 * same reader as everywhere else (openPackage), and hands each checked page to the caller as JSON.
 * The package's bytes come from the caller on request, so a package never sits here whole.
 */
import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { openPackage } from '../../domain/mmp/reader.js';
import { PackageFormatError } from '../../domain/mmp/errors.js';
import type { FromReader, ReaderWorkerData, ToReader } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('reader-worker runs as a worker thread');
const { limits, pagesAhead } = workerData as ReaderWorkerData;
const send = (message: FromReader) => port.postMessage(message);

const input = new Readable({
  read: () => send({ kind: 'pull' }),
});
let credit = pagesAhead;
let wakeReader: (() => void) | undefined;

port.on('message', (message: ToReader) => {
  if (message.kind === 'bytes') input.push(Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength));
  else if (message.kind === 'end') input.push(null);
  else {
    credit += 1;
    wakeReader?.();
  }
});

/** Waits until the caller has room for another page. */
async function untilWanted(): Promise<void> {
  while (credit === 0) await new Promise<void>((resolve) => (wakeReader = resolve));
  wakeReader = undefined;
  credit -= 1;
}

try {
  const reader = await openPackage(input, limits);
  send({ kind: 'header', header: reader.header });
  for await (const page of reader.entries()) {
    await untilWanted();
    send({ kind: 'page', json: JSON.stringify(page) });
  }
  send({ kind: 'done', manifest: reader.manifest(), signature: reader.signature() });
} catch (error) {
  send({ kind: 'failed', failure: { format: error instanceof PackageFormatError, message: error instanceof Error ? error.message : String(error) } });
}
