import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { consortia } from '../schema/index.ts';
import { createApp } from '../src/app.ts';
import { systemClock } from '../src/clock.ts';
import { type Database, openPglite, openPostgres } from '../src/db/client.ts';
import { seedDemo, seedOperator } from '../src/demo/seed.ts';
import { parseConfig } from '../src/env.ts';
import { randomKeys } from '../src/keys.ts';
import { localStorage } from '../src/storage/local.ts';
import { connect, databaseUrl } from '../test/helpers/postgres.ts';

export const BENCH_PASSWORD = 'bench-password-1';

/** A running app on a fresh database of the chosen driver, served on a local port. */
export async function benchApp(driver: 'pglite' | 'postgres', overrides: Record<string, unknown> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'wb-bench-'));
  let database: Database;
  let dropDatabase = async () => {};
  if (driver === 'postgres') {
    const url = process.env.DATABASE_URL!;
    const admin = await connect(url);
    const name = `wb_bench_${Date.now()}`;
    await admin.run(`CREATE DATABASE ${name}`);
    database = await openPostgres(databaseUrl(url, name), 20);
    dropDatabase = async () => {
      await admin.run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    };
  } else {
    database = await openPglite();
  }
  await database.migrate();
  const config = { ...parseConfig({ DEMO: '0' }), ...overrides };
  const keys = randomKeys();
  await seedOperator(database.db, keys.audit, systemClock.now(), { email: 'op@bench.example', password: BENCH_PASSWORD });
  const app = createApp({ database, clock: systemClock, config, storage: localStorage(join(dir, 'files')), keys });
  const server = serve({ fetch: app.fetch, port: 0 }) as Server;
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as AddressInfo).port;

  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await app.request(path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as any) : null;
  };
  const login = async (email: string) => (await call('POST', '/api/auth/login', { email, password: BENCH_PASSWORD })).token as string;

  return {
    app,
    database,
    port,
    dir,
    call,
    login,
    async close() {
      await new Promise((r) => server.close(r));
      await database.close();
      await dropDatabase();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An embedded database with the demo consortium in it: the data a service-level measure starts from. */
export async function demoDatabase() {
  const database = await openPglite();
  await database.migrate();
  const now = systemClock.now();
  await seedDemo(database.db, randomKeys().audit, now, { withOperator: true });
  const [consortium] = await database.db.select().from(consortia);
  return { database, db: database.db, now, consortiumId: consortium!.id };
}
