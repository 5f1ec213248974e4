import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { type Database, openPglite, openPostgres } from '../../src/db/client.ts';
import { connect, databaseUrl } from './postgres.ts';

export const testDriver = (): 'pglite' | 'postgres' => (process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite');

/** A fresh, migrated database for one test file, on the driver the project runs on. */
export async function freshDatabase(): Promise<Database> {
  if (testDriver() === 'postgres') {
    const adminUrl = process.env.TEST_DATABASE_URL!;
    const name = `wb_t_${randomBytes(6).toString('hex')}`;
    const admin = await connect(adminUrl);
    await admin.run(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`);
    const database = await openPostgres(databaseUrl(adminUrl, name), 5);
    return {
      ...database,
      async close() {
        await database.close();
        await admin.run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const dump = await readFile(inject('pgliteTemplate'));
  return openPglite({ loadDataDir: new Blob([dump]) });
}
