import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { type Server, Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { databaseUrl } from '../helpers/postgres.ts';
import { type Started, freePort, startServer, waitForOutput } from '../helpers/process.ts';

export const PASSWORD = 'soak-password-1';
export const ADMIN = { email: 'admin@soak.example', password: 'admin-password-123' };

export interface Reply {
  status: number;
  body: any;
  ms: number;
}

/** A client of one running instance over real HTTP. */
export interface Client {
  base: string;
  call(method: string, path: string, options?: { token?: string; body?: unknown; raw?: { body: Uint8Array; contentType: string } }): Promise<Reply>;
  login(email: string, password?: string): Promise<string>;
}

export function client(base: string): Client {
  const call: Client['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: BodyInit | undefined;
    if (options.raw) {
      headers['content-type'] = options.raw.contentType;
      body = options.raw.body as BodyInit;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const started = performance.now();
    const res = await fetch(`${base}${path}`, { method, headers, body });
    const type = res.headers.get('content-type') ?? '';
    const payload = type.includes('json') ? await res.json() : new Uint8Array(await res.arrayBuffer());
    return { status: res.status, body: payload, ms: performance.now() - started };
  };
  return {
    base,
    call,
    async login(email, password = PASSWORD) {
      const res = await call('POST', '/api/auth/login', { body: { email, password } });
      if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
  };
}

/** A fresh PostgreSQL database and a file directory for one server process. */
export async function scratchDatabase(label: string) {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('npm run test:soak needs TEST_DATABASE_URL (a PostgreSQL server where it may create databases).');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const name = `wb_${label}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const dataDir = await mkdtemp(join(tmpdir(), `wb-${label}-`));
  const url = databaseUrl(adminUrl, name);
  return {
    url,
    name,
    dataDir,
    /** A direct connection, for reading back what the database holds. */
    sql: postgres(url, { max: 2, onnotice: () => {} }),
    async drop() {
      await this.sql.end({ timeout: 5 });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
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
