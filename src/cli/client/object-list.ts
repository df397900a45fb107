import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ClientError } from './http.js';

/**
 * A content list from a file, one `<id>:<type>` a line (`-` reads stdin): a list of 100,000 objects is no
 * command line. Read line by line; blank lines and `#` comments are skipped. The lines are checked where
 * `--object` values are.
 */
export async function readObjectList(file: string): Promise<string[]> {
  const input = file === '-' ? process.stdin : createReadStream(file);
  const lines: string[] = [];
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      const value = line.replace(/#.*/, '').trim();
      if (value) lines.push(value);
    }
  } catch (error) {
    throw new ClientError(`cannot read --objects-from ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (lines.length === 0) throw new ClientError(`--objects-from ${file} lists no objects`);
  return lines;
}
