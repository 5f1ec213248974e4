import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import * as schema from '../../schema/index.ts';

export type Schema = typeof schema;
/** A drizzle database or transaction on either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Its connections now: open, idle, and requests waiting for one (the embedded database has one, which requests wait for in turn). */
  stats(): { total: number; idle: number; waiting: number };
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** The embedded database's files as one archive (for copying a migrated database); absent on PostgreSQL. */
  dump?(): Promise<Blob>;
}

export const migrationsFolder = fileURLToPath(new URL('../../schema/migrations', import.meta.url));

// Serialises migrations when several instances start against one PostgreSQL.
const MIGRATION_LOCK_KEY = 727_001;

/**
 * The embedded database's one connection as a node-postgres pool, so that it runs the same driver code
 * as PostgreSQL (named prepared statements included). Two things of PGlite's connection object are
 * mended here:
 * - node-postgres hands a query's `types` (drizzle's result parsers, an object) to parse() beside the
 *   statement; PGlite's serializer takes `types` for the parameters' type ids and throws on an object,
 *   which leaves the query unanswered. Parameters' types are always inferred here, so it is left out.
 * - node-postgres's pool ends a client whose query failed and opens another; PGlite's connection is one
 *   object whose queued replies would then reach the new client (a later query read another's rows). A
 *   refused statement (a duplicate key, a check) leaves a PostgreSQL connection usable, so here it is
 *   kept: the query's error goes to its caller and the connection back to the pool.
 */
class EmbeddedPool extends pg.Pool {
  constructor(client: PGlite) {
    const config = createPgConfig(client);
    const parse = config.connection.parse.bind(config.connection);
    config.connection.parse = (query: { types?: unknown }) => parse(Array.isArray(query.types) ? query : { ...query, types: undefined });
    // one connection, never closed while the database is open (no idle timeout)
    super({ ...config, max: 1, idleTimeoutMillis: 0 } as pg.PoolConfig);
    this.on('error', (err) => console.error('組み込みデータベースの接続でエラーが発生しました:', err.message));
  }

  // only the promise form: drizzle and this module are its callers
  override query(config: unknown, values?: unknown): never {
    return (async () => {
      const client = await this.connect();
      try {
        return await client.query(config as pg.QueryConfig, values as unknown[]);
      } finally {
        client.release();
      }
    })() as never;
  }
}

export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob | File } = {}): Promise<Database> {
  let client: PGlite;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    client = new PGlite(options.dataDir);
  } else {
    client = options.loadDataDir ? new PGlite({ loadDataDir: options.loadDataDir }) : new PGlite();
  }
  await client.waitReady;
  const pool = new EmbeddedPool(client);
  const db = drizzlePostgres({ client: pool, schema });
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    async ping() {
      await pool.query('select 1');
    },
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async migrate() {
      await migratePostgres(db, { migrationsFolder });
    },
    async close() {
      await pool.end();
      if (!client.closed) await client.close();
    },
    dump: () => client.dumpDataDir('none'),
  };
}

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, idleTimeoutMillis: 60_000 });
  // a connection the server dropped is reported here, idle or in use (its next query then fails and the
  // request answers 503); the pool replaces it on the next request
  const dropped = (err: Error) => console.error('データベース接続が切断されました:', err.message);
  pool.on('error', dropped);
  pool.on('connect', (connection) => connection.on('error', dropped));
  const db = drizzlePostgres({ client: pool, schema });
  return {
    db: db as unknown as Db,
    driver: 'postgres',
    async ping() {
      await pool.query('select 1');
    },
    stats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async migrate() {
      // one dedicated connection, so the session-level lock and the migration share it
      const single = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      await single.connect();
      try {
        await single.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await migratePostgres(drizzlePostgres({ client: single, schema }), { migrationsFolder });
      } finally {
        await single.end();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

export function openDatabase(config: { databaseUrl: string | undefined; dataDir: string; dbPoolSize: number }) {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, config.dbPoolSize)
    : openPglite({ dataDir: join(resolve(config.dataDir), 'pg') });
}

/** Runs `fn` in one transaction; the callback gets the transaction as its database. */
/**
 * One value per open database, made on first use: what an app instance keeps in memory about its
 * database (caches, counters). Each test database gets its own; it goes when the database object does.
 */
export function perDatabase<T>(make: () => T): (database: Database) => T {
  const values = new WeakMap<Database, T>();
  return (database) => {
    let value = values.get(database);
    if (value === undefined) values.set(database, (value = make()));
    return value;
  };
}

export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx as unknown as Db));
}

/**
 * Runs a statement as a named prepared statement: each connection parses and plans it once, then only
 * executes it (a third of the time for the sheet save). The name is taken from the statement's text,
 * so each shape of a statement gets its own. For the few statements run many times a second.
 */
export async function executePrepared<T>(db: Db, statement: SQL): Promise<T[]> {
  const inner = db as unknown as {
    dialect: { sqlToQuery(s: SQL): { sql: string; params: unknown[] } };
    session: { prepareQuery(q: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: false): { execute(): Promise<{ rows: T[] }> } };
  };
  const query = inner.dialect.sqlToQuery(statement);
  const name = `stmt_${createHash('sha256').update(query.sql).digest('hex').slice(0, 24)}`;
  const result = await inner.session.prepareQuery(query, undefined, name, false).execute();
  return result.rows;
}

export { sql };
