import pg from 'pg';

/** The same server as `url`, another database. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A PostgreSQL connection for the tests: creating and dropping their databases, and reading back what one holds. */
export interface Connection {
  run(sql: string): Promise<void>;
  rows<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  end(): Promise<void>;
}

/**
 * One connection to `url`, through node-postgres as the service itself connects (a pool of one, so a
 * connection the server drops is opened again for the next query); server notices are not printed.
 */
export async function connect(url: string): Promise<Connection> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  // an idle connection the server drops must not end the test process
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('notice', () => {}));
  // the first query proves the server answers, as a connect would
  await pool.query('select 1');
  return {
    async run(sql) {
      await pool.query(sql);
    },
    async rows<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      return (await pool.query<T>(sql, params)).rows;
    },
    end: () => pool.end(),
  };
}
