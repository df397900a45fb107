import { gzipSync } from 'node:zlib';
import { sampleEntry, sampleHeader } from './mmp.js';

const MiB = 1024 * 1024;
const BLOCK = 512;

/**
 * One MiB of JSON whitespace: spaces with a tab about every 320 bytes, at positions from a fixed sequence.
 * It compresses about 190 times, just under the reader's compression-ratio limit (200), as an attacker tunes it.
 */
function paddingBlock(): Buffer {
  const block = Buffer.alloc(MiB, 0x20);
  let x = 12345;
  for (let i = 0; ; ) {
    x = (x * 1103515245 + 12345) >>> 0;
    i += 1 + (x % 640);
    if (i >= block.length) return block;
    block[i] = 0x09;
  }
}

/** A ustar header for a regular file, as tar-stream writes one (mode 0644). */
function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  header.write(name, 0);
  header.write(octal(0o644, 8), 100);
  header.write(octal(0, 8), 108);
  header.write(octal(0, 8), 116);
  header.write(octal(size, 12), 124);
  header.write(octal(0, 12), 136);
  header.write('0', 156);
  header.write('ustar\0' + '00', 257);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${octal(sum, 7)} `, 148);
  return header;
}

const zeros = (length: number) => Buffer.alloc(length);
const tail = (size: number) => zeros((BLOCK - (size % BLOCK)) % BLOCK);

/**
 * A package padded the way the attacker padded one: every object line opens with `{` and a MiB of whitespace
 * (JSON allows it between tokens), and manifest.json is whitespace as large as all the pages, which the old
 * reader accepted and read whole. The padding is compressed once and repeated as gzip members (gunzip reads
 * concatenated members as one stream), so gigabytes uncompressed are built in moments.
 */
export function paddedPackage(lines: number, linesPerPage: number): Buffer {
  const pad = paddingBlock();
  const padMember = gzipSync(pad, { level: 9 });
  const members: Buffer[] = [];
  let raw: Buffer[] = [];
  const flush = () => {
    members.push(gzipSync(Buffer.concat(raw), { level: 9 }));
    raw = [];
  };
  const padding = (count: number) => {
    for (let i = 0; i < count; i++) {
      flush();
      members.push(padMember);
    }
  };

  const header = Buffer.from(JSON.stringify(sampleHeader()));
  raw.push(tarHeader('header.json', header.length), header, tail(header.length));
  let pageBytes = 0;
  for (let first = 0, page = 1; first < lines; first += linesPerPage, page++) {
    const rests = Array.from({ length: Math.min(linesPerPage, lines - first) }, () => Buffer.from(`${JSON.stringify(sampleEntry()).slice(1)}\n`));
    const size = rests.reduce((sum, rest) => sum + 1 + pad.length + rest.length, 0);
    raw.push(tarHeader(`objects/${String(page).padStart(8, '0')}.ndjson`, size));
    for (const rest of rests) {
      raw.push(Buffer.from('{'));
      padding(1);
      raw.push(rest);
    }
    raw.push(tail(size));
    pageBytes += size;
  }
  const manifestSize = lines * pad.length + 2;
  if (manifestSize > pageBytes) throw new Error('the padded manifest must stay within the old limit (the pages plus 1 MiB)');
  raw.push(tarHeader('manifest.json', manifestSize), Buffer.from('{'));
  padding(lines);
  raw.push(Buffer.from('}'), tail(manifestSize), zeros(2 * BLOCK));
  flush();
  return Buffer.concat(members);
}
