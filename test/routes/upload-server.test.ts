import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { files } from '../../schema/index.ts';
import { type Harness, type Tenant, createHarness, createTenant, listen, openProposalCase } from '../helpers/harness.ts';
import { streamedPdfUpload } from '../helpers/multipart.ts';

// Uploads through a real HTTP server, as a browser sends them: streamed, large, sometimes cut off.

let h: Harness;
let a: Tenant;
let server: Awaited<ReturnType<typeof listen>>;
let port: number;
let caseId: string;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'srv');
  caseId = await openProposalCase(h, a, '大容量提案');
  server = await listen(h);
  port = server.port;
});
afterAll(async () => {
  await server.close();
  await h.close();
});

function send(upload: ReturnType<typeof streamedPdfUpload>, options: { cutAfter?: number } = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { port, method: 'POST', path: `/api/cases/${caseId}/proposal/files`, headers: { authorization: `Bearer ${a.vendor}`, 'content-type': upload.contentType, 'content-length': upload.contentLength } },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', (err) => (options.cutAfter ? resolve({ status: 0, body: String(err) }) : reject(err)));
    (async () => {
      let sent = 0;
      for await (const part of upload.parts()) {
        if (options.cutAfter && sent + part.length > options.cutAfter) {
          req.destroy();
          resolve({ status: 0, body: 'cut' });
          return;
        }
        sent += part.length;
        if (!req.write(part)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
}

/** Uploads the server has finished handling (answered or given up), as its metrics count them. */
async function uploadsHandled(): Promise<number> {
  const metric = await h.deps.metrics!.registry.getSingleMetric('http_requests_total')!.get();
  return metric.values.filter((v) => v.labels.route === '/api/cases/:id/proposal/files').reduce((sum, v) => sum + v.value, 0);
}

async function settle(check: () => Promise<boolean>) {
  for (let i = 0; i < 400 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('uploads over HTTP', () => {
  it('receives a 50 MB proposal and answers the SHA-256 of exactly what was sent', async () => {
    const upload = streamedPdfUpload('提案書_50MB.pdf', 50 * 1024 * 1024);
    const res = await send(upload);
    expect(res.status).toBe(201);
    const file = JSON.parse(res.body).file;
    expect(file).toMatchObject({ name: '提案書_50MB.pdf', size: 50 * 1024 * 1024, sha256: upload.digest() });
  }, 60_000);

  it('leaves no staging file and no row when the connection is cut mid-upload', async () => {
    const rowsBefore = (await h.database.db.select().from(files)).length;
    const handledBefore = await uploadsHandled();
    const res = await send(streamedPdfUpload('切断.pdf', 20 * 1024 * 1024), { cutAfter: 5 * 1024 * 1024 });
    expect(res.status).toBe(0);
    const staging = join(h.filesRoot, 'staging');
    // what was sent before the cut may still sit in socket buffers, the upload not yet begun: wait until
    // the server has handled it (given it up), then the staging folder must be empty
    await settle(async () => (await uploadsHandled()) > handledBefore);
    expect(await uploadsHandled()).toBe(handledBefore + 1);
    expect(await readdir(staging)).toEqual([]);
    expect((await h.database.db.select().from(files)).length).toBe(rowsBefore);
  }, 60_000);
});
