import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { files } from '../../schema/index.ts';
import { type Harness, type Tenant, createHarness, createTenant, listen, openProposalCase } from '../helpers/harness.ts';

// What a client sees on the wire when the server answers before it has read the body: the refusal
// says Connection: close and the server closes, so no request is ever sent on a socket about to die;
// an upload that stops sending is ended and swept. A real server, raw sockets.

const UPLOAD_LIMIT = 256 * 1024;
const IDLE_MS = 300;

let h: Harness;
let a: Tenant;
let server: Awaited<ReturnType<typeof listen>>;
let port: number;
let caseId: string;

beforeAll(async () => {
  h = await createHarness({ maxUploadBytes: UPLOAD_LIMIT, uploadIdleMs: IDLE_MS });
  a = await createTenant(h, 'wire');
  caseId = await openProposalCase(h, a, '通信の確認');
  server = await listen(h);
  port = server.port;
});
afterAll(async () => {
  await server.close();
  await h.close();
});

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw HTTP/1.1 connection: what is written is exactly what the server gets, what it answers is parsed by hand. */
function rawConnection() {
  const socket = connect(port, '127.0.0.1');
  const errors: string[] = [];
  socket.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
  let received = Buffer.alloc(0);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const reply = new Promise<RawReply>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const length = Number(headers['content-length']);
      const body = received.subarray(end + 4);
      if (!Number.isFinite(length) || body.length < length) return;
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8') });
    });
  });
  let answered = false;
  void reply.then(() => (answered = true));
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  const write = (data: string | Buffer) =>
    new Promise<void>((resolve) => {
      if (socket.destroyed) return resolve();
      socket.write(data, () => resolve());
    });
  return { socket, reply, closed, write, errors, answered: () => answered, isClosed: () => isClosed };
}

const within = <T,>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const chunk = (data: Buffer) => Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);

/** The head of a multipart body whose file part starts like a PDF. */
function multipartStart(boundary: string, name = '提案書.pdf') {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`);
}

async function expectNothingLeft(rowsBefore: number) {
  const staging = join(h.filesRoot, 'staging');
  const leftover = async () => (await readdir(staging).catch(() => [] as string[])).length;
  for (let i = 0; i < 60 && (await leftover()) > 0; i++) await sleep(50);
  expect(await leftover()).toBe(0);
  expect(await h.database.db.select().from(files)).toHaveLength(rowsBefore);
}

async function healthyOnNewConnection() {
  const fresh = rawConnection();
  await fresh.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
  expect((await within(fresh.reply, 5000, 'a new connection')).status).toBe(200);
  fresh.socket.destroy();
}

describe('a response sent before the body was read', () => {
  it('413 for a JSON body declared over 1 MiB: Connection: close, and the server closes the socket', async () => {
    const conn = rawConnection();
    await conn.write(
      `POST /api/members HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${a.secretariat}\r\nContent-Type: application/json\r\nContent-Length: ${2 * 1024 * 1024}\r\n\r\n`,
    );
    await conn.write(Buffer.alloc(64 * 1024, 0x20));
    const reply = await within(conn.reply, 5000, 'the refusal');
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error.code).toBe('too_large');
    expect(reply.headers.connection).toBe('close');
    await within(conn.closed, 5000, 'the server closing the connection');
    await healthyOnNewConnection();
  });

  it('413 for a chunked JSON body that grows over 1 MiB', async () => {
    const conn = rawConnection();
    await conn.write(`POST /api/members HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${a.secretariat}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
    for (let i = 0; i < 16 && !conn.answered() && !conn.isClosed(); i++) {
      await conn.write(chunk(Buffer.alloc(128 * 1024, 0x20)));
      await sleep(5);
    }
    const reply = await within(conn.reply, 5000, 'the refusal');
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    await within(conn.closed, 5000, 'the server closing the connection');
    await healthyOnNewConnection();
  });

  it('a keep-alive client does not send its next request on the refused connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: Buffer) =>
      new Promise<{ status: number; connection: string | undefined; reused: boolean }>((resolve, reject) => {
        const req = request({ port, method, path, agent, headers: body ? { 'content-type': 'application/json', authorization: `Bearer ${a.secretariat}` } : {} }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      expect((await send('GET', '/healthz')).status).toBe(200);
      const refused = await send('POST', '/api/members', Buffer.alloc(1.25 * 1024 * 1024, 0x20));
      expect(refused).toMatchObject({ status: 413, connection: 'close' });
      const next = await send('GET', '/healthz');
      expect(next).toMatchObject({ status: 200, reused: false });
    } finally {
      agent.destroy();
    }
  });

  it('an upload declared over MAX_UPLOAD_BYTES: 413, Connection: close, closed; nothing kept', async () => {
    const rowsBefore = (await h.database.db.select().from(files)).length;
    const boundary = 'wireboundary1';
    const conn = rawConnection();
    await conn.write(
      `POST /api/cases/${caseId}/proposal/files HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${a.vendor}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${UPLOAD_LIMIT * 4}\r\n\r\n`,
    );
    await conn.write(multipartStart(boundary));
    const reply = await within(conn.reply, 5000, 'the refusal');
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    await within(conn.closed, 5000, 'the server closing the connection');
    await expectNothingLeft(rowsBefore);
  });

  it('an upload streamed past MAX_UPLOAD_BYTES: 413 at the first byte too many, Connection: close, closed; nothing kept', async () => {
    const rowsBefore = (await h.database.db.select().from(files)).length;
    const boundary = 'wireboundary2';
    const conn = rawConnection();
    await conn.write(
      `POST /api/cases/${caseId}/proposal/files HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${a.vendor}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    await conn.write(chunk(multipartStart(boundary)));
    for (let i = 0; i < 40 && !conn.answered() && !conn.isClosed(); i++) {
      await conn.write(chunk(Buffer.alloc(32 * 1024, 0x41)));
      await sleep(5);
    }
    const reply = await within(conn.reply, 5000, 'the refusal');
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    await within(conn.closed, 5000, 'the server closing the connection');
    await expectNothingLeft(rowsBefore);
  });

  it('an upload refused before a byte is read (no such case): Connection: close', async () => {
    const boundary = 'wireboundary3';
    const conn = rawConnection();
    await conn.write(
      `POST /api/cases/no-such-case/proposal/files HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${a.vendor}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${UPLOAD_LIMIT}\r\n\r\n`,
    );
    await conn.write(multipartStart(boundary));
    const reply = await within(conn.reply, 5000, 'the refusal');
    expect(reply.status).toBe(404);
    expect(reply.headers.connection).toBe('close');
    await within(conn.closed, 5000, 'the server closing the connection');
    await healthyOnNewConnection();
  });
});

describe('an upload that stops sending', () => {
  it(`is ended after ${IDLE_MS} ms without a byte: 408 upload_timeout, the connection closed, no staging file, no row`, async () => {
    const rowsBefore = (await h.database.db.select().from(files)).length;
    const boundary = 'wireboundary4';
    const conn = rawConnection();
    const started = Date.now();
    await conn.write(
      `POST /api/cases/${caseId}/proposal/files HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${a.vendor}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${UPLOAD_LIMIT / 2}\r\n\r\n`,
    );
    await conn.write(multipartStart(boundary));
    await conn.write(Buffer.alloc(4096, 0x41));
    // the staging file exists while the upload is alive
    const staging = join(h.filesRoot, 'staging');
    for (let i = 0; i < 40 && (await readdir(staging).catch(() => [])).length === 0 && !conn.answered(); i++) await sleep(5);
    const reply = await within(conn.reply, 10_000, 'the idle upload being ended');
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS);
    expect(reply.status).toBe(408);
    expect(JSON.parse(reply.body).error).toMatchObject({ code: 'upload_timeout', message: expect.stringContaining('アップロードを中止しました') });
    expect(reply.headers.connection).toBe('close');
    await within(conn.closed, 5000, 'the server closing the connection');
    await expectNothingLeft(rowsBefore);
    await healthyOnNewConnection();
  });

  it('is not ended while bytes keep arriving, however slowly', async () => {
    const boundary = 'wireboundary5';
    const piece = Buffer.alloc(1024, 0x42);
    const pauses = 8;
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const head = multipartStart(boundary, '少しずつ.pdf');
    const conn = rawConnection();
    await conn.write(
      `POST /api/cases/${caseId}/proposal/files HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${a.vendor}\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${head.length + piece.length * pauses + tail.length}\r\n\r\n`,
    );
    await conn.write(head);
    // in all much longer than the idle limit, but never idle that long
    for (let i = 0; i < pauses; i++) {
      await sleep(IDLE_MS / 2);
      await conn.write(piece);
    }
    await conn.write(tail);
    const reply = await within(conn.reply, 10_000, 'the answer');
    expect(reply.status, reply.body).toBe(201);
    expect(JSON.parse(reply.body).file).toMatchObject({ name: '少しずつ.pdf', size: 9 + piece.length * pauses });
    conn.socket.destroy();
  });
});
