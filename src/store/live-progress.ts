/**
 * The progress of imports running on this node, readable at once. On SQLite an import's progress
 * write would wait for the import's own transaction (one writer), so polls read it from here; on
 * PostgreSQL the write goes through as well, for the other nodes.
 */
export class LiveProgress {
  private readonly percent = new Map<string, number>();

  set(importId: string, percent: number): void {
    this.percent.set(importId, percent);
  }

  of(importId: string): number | undefined {
    return this.percent.get(importId);
  }

  end(importId: string): void {
    this.percent.delete(importId);
  }
}
