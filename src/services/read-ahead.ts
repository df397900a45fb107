/**
 * Starts producing the next item (reading, decompressing, parsing, checking a package page) while
 * the caller works on the current one, so that the database and the reader work at the same time.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = iterator.next();
  try {
    for (;;) {
      const result = await next;
      if (result.done) return;
      next = iterator.next();
      next.catch(() => undefined); // surfaced by the await above on the next turn
      yield result.value;
    }
  } finally {
    // A caller that stops early stops the source too: a package reader closes and destroys its input.
    void iterator.return?.()?.catch(() => undefined);
  }
}
