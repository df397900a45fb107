import { PackageFormatError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one JSON document of a package; `where` names it in the error. */
export function parseJson(bytes: Uint8Array, where: string): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new PackageFormatError(`${where}: not valid UTF-8`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PackageFormatError(`${where}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/**
 * Splits a stream of bytes into newline-terminated lines without ever holding more than one line; a line
 * longer than `maxLineBytes` is refused as soon as it passes the limit, not when it ends.
 */
export async function forEachLine(
  chunks: AsyncIterable<Buffer>,
  entryName: string,
  maxLineBytes: number,
  onLine: (bytes: Buffer, lineNumber: number) => void,
): Promise<void> {
  let parts: Buffer[] = [];
  let lineBytes = 0;
  let lineNumber = 1;
  const add = (piece: Buffer) => {
    lineBytes += piece.length;
    if (lineBytes > maxLineBytes) {
      throw new PackageFormatError(`${entryName} line ${lineNumber}: longer than ${maxLineBytes} bytes (maxObjectBytes)`);
    }
    if (piece.length > 0) parts.push(piece);
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
      add(chunk.subarray(start, end));
      if (lineBytes === 0) throw new PackageFormatError(`${entryName} line ${lineNumber}: an empty line`);
      // Most lines lie within one chunk: no copy then.
      onLine(parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts, lineBytes), lineNumber);
      parts = [];
      lineBytes = 0;
      lineNumber += 1;
      start = end + 1;
    }
    add(chunk.subarray(start));
  }
  if (lineBytes > 0) throw new PackageFormatError(`${entryName} line ${lineNumber}: the line does not end with a newline`);
}
