import { PackageFormatError } from './errors.js';
import { parseJson } from './json-lines.js';
import { MANIFEST_ENTRY } from './layout.js';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(byte: number): boolean {
  return byte === SPACE || byte === LF || byte === CR || byte === TAB;
}

/** The raw bytes of one JSON value, collected across chunks; JSON.parse judges them once complete. */
class ValueBytes {
  private parts: Buffer[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  private readonly kind: 'container' | 'string' | 'scalar';

  constructor(first: number) {
    this.kind = first === OPEN_BRACE || first === OPEN_BRACKET ? 'container' : first === QUOTE ? 'string' : 'scalar';
  }

  /**
   * Takes bytes of `chunk` from `start`; returns the index just past the value's last byte, or -1 when the value
   * goes on in the next chunk. A scalar (number, true, false, null) ends before the first byte that cannot be part of it.
   */
  take(chunk: Buffer, start: number): number {
    let end = -1;
    for (let i = start; i < chunk.length && end === -1; i += 1) {
      const byte = chunk[i] ?? 0;
      if (this.kind === 'scalar') {
        if (isSpace(byte) || byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET) end = i;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) {
          this.inString = false;
          if (this.kind === 'string') end = i + 1;
        }
        continue;
      }
      if (byte === QUOTE) this.inString = true;
      else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth += 1;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth -= 1;
        if (this.depth === 0) end = i + 1;
      }
    }
    this.parts.push(chunk.subarray(start, end === -1 ? chunk.length : end));
    return end;
  }

  /** The value, parsed; also for a scalar that the end of the manifest ended. */
  parse(): unknown {
    const bytes = this.parts.length === 1 && this.parts[0] ? this.parts[0] : Buffer.concat(this.parts);
    this.parts = [];
    return parseJson(bytes, MANIFEST_ENTRY);
  }
}

type State = 'start' | 'whole' | 'first-key' | 'key' | 'colon' | 'value' | 'after-value' | 'toc-first' | 'toc-row' | 'after-row' | 'done';

/**
 * What the scan found besides the toc rows: the top-level members (an array `toc`, whose rows were handed out one
 * by one, stands as an empty array), or, for a manifest that is not an object, its whole parsed value.
 */
export type ScannedManifest = { kind: 'object'; members: Record<string, unknown> } | { kind: 'whole'; value: unknown };

/**
 * Reads manifest.json as it streams past without holding its table of contents: the top-level object's members
 * are parsed one at a time, and each row of its `toc` array on its own, so what is held at once is one row or one
 * other member (counts, checksums, sizes). JSON's grammar is checked between the pieces, JSON.parse checks each
 * piece (and its UTF-8), and a name given twice is refused. A manifest that is not an object is held whole (the
 * caller bounds its size) and parsed as one document, so its error is JSON.parse's, as before.
 */
export class ManifestScanner {
  private state: State = 'start';
  private value: ValueBytes | undefined;
  private key = '';
  private offset = 0;
  private readonly whole: Buffer[] = [];
  private readonly members = new Map<string, unknown>();

  /** Feeds the next bytes; returns the toc rows they completed, parsed but not checked. */
  push(chunk: Buffer): unknown[] {
    const rows: unknown[] = [];
    if (this.state === 'whole') {
      this.whole.push(chunk);
      return rows;
    }
    let i = 0;
    while (i < chunk.length) {
      if (this.value) {
        const end = this.value.take(chunk, i);
        if (end === -1) break;
        i = end;
        this.finishValue(rows);
        continue;
      }
      const byte = chunk[i] ?? 0;
      if (isSpace(byte)) {
        i += 1;
        continue;
      }
      if (this.state === 'start') {
        if (byte !== OPEN_BRACE) {
          this.state = 'whole';
          this.whole.push(chunk.subarray(i));
          return rows;
        }
        this.state = 'first-key';
      } else if (this.state === 'first-key' || this.state === 'key') {
        if (byte === CLOSE_BRACE && this.state === 'first-key') this.state = 'done';
        else if (byte === QUOTE) this.value = new ValueBytes(byte);
        else this.invalid(i, 'a member name');
        if (this.value) continue;
      } else if (this.state === 'colon') {
        if (byte !== COLON) this.invalid(i, 'a colon');
        this.state = 'value';
      } else if (this.state === 'value') {
        if (this.key === 'toc' && byte === OPEN_BRACKET) {
          this.members.set('toc', []);
          this.state = 'toc-first';
        } else {
          this.value = new ValueBytes(byte);
          continue;
        }
      } else if (this.state === 'after-value') {
        if (byte === COMMA) this.state = 'key';
        else if (byte === CLOSE_BRACE) this.state = 'done';
        else this.invalid(i, 'a comma or the end of the object');
      } else if (this.state === 'toc-first' || this.state === 'toc-row') {
        if (byte === CLOSE_BRACKET && this.state === 'toc-first') this.state = 'after-value';
        else {
          this.value = new ValueBytes(byte);
          continue;
        }
      } else if (this.state === 'after-row') {
        if (byte === COMMA) this.state = 'toc-row';
        else if (byte === CLOSE_BRACKET) this.state = 'after-value';
        else this.invalid(i, 'a comma or the end of the toc');
      } else {
        this.invalid(i, 'nothing more');
      }
      i += 1;
    }
    this.offset += chunk.length;
    return rows;
  }

  /** After the last chunk: the members besides the toc's rows. */
  end(): ScannedManifest {
    if (this.state === 'whole' || this.state === 'start') return { kind: 'whole', value: parseJson(Buffer.concat(this.whole), MANIFEST_ENTRY) };
    if (this.state !== 'done') {
      throw new PackageFormatError(`${MANIFEST_ENTRY}: not valid JSON (the document ends after ${this.offset} bytes, before its end)`);
    }
    // fromEntries defines own properties: a `__proto__` member stays data.
    return { kind: 'object', members: Object.fromEntries(this.members) };
  }

  private finishValue(rows: unknown[]): void {
    const value = this.value?.parse();
    this.value = undefined;
    if (this.state === 'first-key' || this.state === 'key') {
      this.key = String(value);
      if (this.members.has(this.key)) {
        throw new PackageFormatError(`${MANIFEST_ENTRY}: not valid JSON (the member ${JSON.stringify(this.key)} appears twice)`);
      }
      this.state = 'colon';
    } else if (this.state === 'value') {
      this.members.set(this.key, value);
      this.state = 'after-value';
    } else {
      rows.push(value);
      this.state = 'after-row';
    }
  }

  private invalid(index: number, expected: string): never {
    throw new PackageFormatError(`${MANIFEST_ENTRY}: not valid JSON (expected ${expected} at byte ${this.offset + index})`);
  }
}
