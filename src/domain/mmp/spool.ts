/**
 * Where a package reader or writer puts what it must read back once, in order, after the pages: the rows of the
 * table of contents. A caller that handles large packages gives one that keeps them outside the heap (a file);
 * the default keeps them in memory.
 */
export interface Spool {
  /** Appends bytes; resolves once they are taken. */
  write(bytes: Buffer): Promise<void>;
  /** Everything written so far, from the start, in order; may be called more than once. */
  read(): AsyncIterable<Buffer>;
  /** Lets go of what it holds (a file is removed). Safe to call more than once. */
  close(): Promise<void>;
}

export function memorySpool(): Spool {
  let chunks: Buffer[] = [];
  return {
    async write(bytes) {
      chunks.push(bytes);
    },
    async *read() {
      yield* chunks;
    },
    async close() {
      chunks = [];
    },
  };
}

/** The JSON lines a spool holds, parsed one by one; for lines this process wrote itself. */
export async function* spooledLines<T>(spool: Spool): AsyncGenerator<T> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of spool.read()) {
    const bytes = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let end = bytes.indexOf(10, start); end !== -1; end = bytes.indexOf(10, start)) {
      yield JSON.parse(bytes.toString('utf8', start, end)) as T;
      start = end + 1;
    }
    rest = bytes.subarray(start);
  }
}
