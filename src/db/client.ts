import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import { sql } from 'drizzle-orm';
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
  /** Its connections now: open, idle, and requests waiting for one (the embedded database has one, never waiting in a pool). */
  stats(): { total: number; idle: number; waiting: number };
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('../../schema/migrations', import.meta.url));

// Serialises migrations when several instances start against one PostgreSQL.
const MIGRATION_LOCK_KEY = 727_001;

export async function openPglite(options: { dataDir?: string; loadDataDir?: Blob | File } = {}): Promise<Database> {
  let client: PGlite;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    client = new PGlite(options.dataDir);
  } else {
    client = options.loadDataDir ? new PGlite({ loadDataDir: options.loadDataDir }) : new PGlite();
  }
  await client.waitReady;
  const db = drizzlePglite({ client, schema });
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    async ping() {
      await client.query('select 1');
    },
    stats: () => ({ total: 1, idle: 0, waiting: 0 }),
    async migrate() {
      await migratePglite(db, { migrationsFolder });
    },
    async close() {
      if (!client.closed) await client.close();
    },
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

export { sql };
