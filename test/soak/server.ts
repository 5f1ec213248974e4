import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { type Server, Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, databaseUrl } from '../helpers/postgres.ts';
import { type Client, client } from '../helpers/http-client.ts';
import { type Started, freePort, startServer, waitForOutput } from '../helpers/process.ts';

export type { Client, Reply } from '../helpers/http-client.ts';

export const PASSWORD = 'soak-password-1';
export const ADMIN = { email: 'admin@soak.example', password: 'admin-password-123' };

/** A fresh PostgreSQL database and a file directory for one server process. */
export async function scratchDatabase(label: string) {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('npm run test:soak needs TEST_DATABASE_URL (a PostgreSQL server where it may create databases).');
  const admin = await connect(adminUrl);
  const name = `wb_${label}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin.run(`CREATE DATABASE ${name}`);
  const dataDir = await mkdtemp(join(tmpdir(), `wb-${label}-`));
  const url = databaseUrl(adminUrl, name);
  return {
    url,
    name,
    dataDir,
    /** A direct connection, for reading back what the database holds. */
    db: await connect(url),
    async drop() {
      await this.db.end();
      await admin.run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Instance {
  started: Started;
  api: Client;
  stop(): Promise<void>;
}

/** Starts the server process (the same entry point as `npm start`) against the given database URL. */
export async function startInstance(databaseUrlForApp: string, dataDir: string, extra: Record<string, string> = {}): Promise<Instance> {
  const port = freePort();
  const started = startServer({
    DATABASE_URL: databaseUrlForApp,
    DATA_DIR: dataDir,
    SEAL_KEY: randomBytes(32).toString('base64'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    DEMO: '0',
    PORT: String(port),
    // as behind the production proxy: the world's vendors register from offices of their own (X-Forwarded-For)
    TRUST_PROXY: '1',
    ...extra,
  });
  await waitForOutput(started, `http://localhost:${port}`, 90_000);
  return {
    started,
    api: client(`http://127.0.0.1:${port}`),
    async stop() {
      if (started.child.exitCode === null) started.child.kill('SIGTERM');
      await started.exited;
    },
  };
}

/**
 * A TCP relay between the app and PostgreSQL that can be cut: every open connection is dropped and
 * new ones are refused until it is restored, as when the database server goes away.
 */
export async function databaseRelay(target: { host: string; port: number }) {
  const open = new Set<Socket>();
  let down = false;
  const server: Server = createServer((incoming) => {
    if (down) {
      incoming.destroy();
      return;
    }
    const outgoing = new Socket();
    open.add(incoming);
    open.add(outgoing);
    const drop = () => {
      incoming.destroy();
      outgoing.destroy();
      open.delete(incoming);
      open.delete(outgoing);
    };
    incoming.on('error', drop).on('close', drop);
    outgoing.on('error', drop).on('close', drop);
    outgoing.connect(target.port, target.host, () => {
      incoming.pipe(outgoing);
      outgoing.pipe(incoming);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cut() {
      down = true;
      for (const socket of open) socket.destroy();
      open.clear();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
