import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { openPostgres } from '../../src/db/client.ts';
import { connect, databaseUrl } from '../helpers/postgres.ts';

/** Migrates one template database on TEST_DATABASE_URL's server; each test file clones it. */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL!;
  const name = `wb_tpl_${randomBytes(4).toString('hex')}`;
  const admin = await connect(adminUrl);
  await admin.run(`CREATE DATABASE ${name}`);
  const database = await openPostgres(databaseUrl(adminUrl, name), 1);
  await database.migrate();
  await database.close();
  project.provide('postgresTemplate', name);
  return async () => {
    await admin.run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}
