/**
 * What the fault and load suite counts, and every failure it saw with what shows why: the request
 * and its answer, or the package, record or object checked and what was found there.
 */
export class FaultReport {
  readonly counts: Record<string, number> = {};
  readonly failures: string[] = [];

  count(name: string, n = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }

  /** Counts one failure of the kind `name` and keeps its detail for the closing list. */
  fail(name: string, detail: string): void {
    this.count(name);
    this.failures.push(`${name}: ${detail}`);
  }

  /** Rows that must show in the table even when nothing happened (a 0 is a result). */
  ensure(names: readonly string[]): void {
    for (const name of names) this.counts[name] ??= 0;
  }

  /** The closing summary table, then each failure on its own line(s). */
  render(): string {
    const width = Math.max(4, ...Object.keys(this.counts).map((k) => k.length));
    const rows = Object.entries(this.counts).map(([name, n]) => `${name.padEnd(width)} | ${n}`);
    const table = `\n${'what'.padEnd(width)} | count\n${'-'.repeat(width)}-|------\n${rows.join('\n')}\n`;
    if (this.failures.length === 0) return table;
    return `${table}\nFAILED (${this.failures.length}):\n${this.failures.map((f, i) => `${i + 1}. ${f}`).join('\n')}\n`;
  }
}
