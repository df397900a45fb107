import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type SqliteDatabase,
} from 'kysely';

/** Whether the one SQLite writer is held by an open transaction (then a write would wait for its commit). */
export interface WriterState {
  readonly inTransaction: boolean;
}

/** First come, first served: a write queued behind a long import runs right after it, in order. */
class WriterLock implements WriterState {
  private held = false;
  private readonly waiting: Array<() => void> = [];
  inTransaction = false;

  async acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

function execute(db: SqliteDatabase, query: CompiledQuery): QueryResult<unknown> {
  const statement = db.prepare(query.sql);
  if (statement.reader) return { rows: statement.all(query.parameters) };
  const { changes, lastInsertRowid } = statement.run(query.parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

/**
 * One Kysely connection: it takes the writer only when it first needs it (a write, a transaction or a
 * stream), so a read outside a transaction never waits for the writer and goes to the reader, which in
 * WAL mode sees the last commit and is never blocked by an open write transaction.
 */
class RoutingConnection implements DatabaseConnection {
  private holdsWriter = false;
  private inTransaction = false;

  constructor(
    private readonly writer: SqliteDatabase,
    private readonly reader: SqliteDatabase | undefined,
    private readonly lock: WriterLock,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.reader && !this.inTransaction && SelectQueryNode.is(query.query)) return execute(this.reader, query) as QueryResult<R>;
    await this.takeWriter();
    return execute(this.writer, query) as QueryResult<R>;
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    await this.takeWriter();
    for (const row of this.writer.prepare(query.sql).iterate(query.parameters)) yield { rows: [row as R] };
  }

  async begin(): Promise<void> {
    await this.takeWriter();
    this.inTransaction = true;
    this.lock.inTransaction = true;
    execute(this.writer, CompiledQuery.raw('begin'));
  }

  end(command: 'commit' | 'rollback'): void {
    try {
      execute(this.writer, CompiledQuery.raw(command));
    } finally {
      this.inTransaction = false;
      this.lock.inTransaction = false;
    }
  }

  release(): void {
    if (!this.holdsWriter) return;
    this.holdsWriter = false;
    this.lock.release();
  }

  private async takeWriter(): Promise<void> {
    if (this.holdsWriter) return;
    await this.lock.acquire();
    this.holdsWriter = true;
  }
}

class RoutingDriver implements Driver {
  constructor(
    private readonly writer: SqliteDatabase,
    private readonly reader: SqliteDatabase | undefined,
    private readonly lock: WriterLock,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new RoutingConnection(this.writer, this.reader, this.lock);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as RoutingConnection).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as RoutingConnection).end('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as RoutingConnection).end('rollback');
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as RoutingConnection).release();
  }

  async destroy(): Promise<void> {
    this.reader?.close();
    this.writer.close();
  }
}

/**
 * Kysely's SQLite dialect with one writer (behind a first-come lock, as Kysely's own) and, for a file
 * database, a second, read-only connection for every read outside a transaction: polls, lists and
 * logins' lookups keep answering while an import holds the writer for minutes.
 */
export function routingSqliteDialect(writer: SqliteDatabase, reader: SqliteDatabase | undefined): { dialect: Dialect; writer: WriterState } {
  const lock = new WriterLock();
  const dialect: Dialect = {
    createDriver: () => new RoutingDriver(writer, reader, lock),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    createAdapter: () => new SqliteAdapter(),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
  };
  return { dialect, writer: lock };
}
