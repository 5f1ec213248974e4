import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { serve } from '@hono/node-server';
import { createApp } from '../src/app.ts';
import { systemClock } from '../src/clock.ts';
import { openPglite } from '../src/db/client.ts';
import { seedOperator } from '../src/demo/seed.ts';
import { parseConfig } from '../src/env.ts';
import { localStorage } from '../src/storage/local.ts';
import { streamedPdfUpload } from '../test/helpers/multipart.ts';

const MB = 1024 * 1024;

/** Samples the resident set size while `work` runs; answers the peak above the level before it. */
async function peakRssIncrease<T>(work: () => Promise<T>): Promise<{ result: T; increaseMb: number }> {
  global.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, increaseMb: (peak - before) / MB };
  } finally {
    clearInterval(timer);
  }
}

function post(port: number, path: string, upload: ReturnType<typeof streamedPdfUpload>, token?: string) {
  return new Promise<number>((resolve, reject) => {
    const req = request(
      {
        port,
        method: 'POST',
        path,
        headers: { 'content-type': upload.contentType, 'content-length': upload.contentLength, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    (async () => {
      for await (const part of upload.parts()) if (!req.write(part)) await new Promise((r) => req.once('drain', r));
      req.end();
    })().catch(reject);
  });
}

const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, () => resolve((server.address() as AddressInfo).port)));

export interface UploadFigures {
  sizeMb: number;
  appMbPerSec: number;
  bareMbPerSec: number;
  ratio: number;
  peakRssIncreaseMb: number;
}

/**
 * A proposal upload through the real endpoint (auth, multipart parsing, hashing, type check, fsync,
 * row and audit) against a bare HTTP server that only writes the same bytes to a file.
 */
export async function benchUpload(sizeMb = 200, runs = 3): Promise<UploadFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'wb-bench-upload-'));
  const database = await openPglite();
  await database.migrate();
  const clock = systemClock;
  const config = { ...parseConfig({ DEMO: '0' }), maxUploadBytes: (sizeMb + 1) * MB };
  await seedOperator(database.db, clock.now(), { email: 'op@bench.example', password: 'bench-password-1' });
  const app = createApp({ database, clock, config, storage: localStorage(join(dir, 'files')) });
  const call = async (method: string, path: string, body: unknown, token?: string) => {
    const res = await app.request(path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return (await res.json()) as any;
  };
  const op = (await call('POST', '/api/auth/login', { email: 'op@bench.example', password: 'bench-password-1' })).token;
  const consortium = await call('POST', '/api/consortia', { name: 'ベンチ協議会', secretariat: { email: 's@bench.example', name: '事務局', password: 'bench-password-1' } }, op);
  const sec = (await call('POST', '/api/auth/login', { email: 's@bench.example', password: 'bench-password-1' })).token;
  const vendor = await call('POST', '/api/vendors/register', {
    consortiumId: consortium.consortium.id, companyName: 'ベンチ株式会社', email: 'v@bench.example', name: '担当', password: 'bench-password-1',
  });
  const vendorToken = (await call('POST', '/api/auth/login', { email: vendor.user.email, password: 'bench-password-1' })).token;
  const created = await call('POST', '/api/cases', {
    title: 'ベンチ案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: new Date(Date.now() + 86_400_000).toISOString(),
  }, sec);
  await call('POST', `/api/cases/${created.case.id}/transition`, { to: 'open' }, sec);

  const appServer = serve({ fetch: app.fetch, port: 0 }) as Server;
  await new Promise((r) => appServer.once('listening', r));
  const appPort = (appServer.address() as AddressInfo).port;
  const bare = createServer((req: IncomingMessage, res) => {
    pipeline(req, createWriteStream(join(dir, `bare-${Date.now()}-${Math.random()}`))).then(() => res.writeHead(201).end(), () => res.writeHead(500).end());
  });
  const barePort = await listen(bare);

  const time = async (fn: () => Promise<number>) => {
    const t0 = performance.now();
    const status = await fn();
    if (status !== 201) throw new Error(`upload answered ${status}`);
    return (performance.now() - t0) / 1000;
  };
  const size = sizeMb * MB;
  // warm-up of both paths
  await time(() => post(appPort, `/api/cases/${created.case.id}/proposal/files`, streamedPdfUpload('warm.pdf', 8 * MB), vendorToken));
  await time(() => post(barePort, '/', streamedPdfUpload('warm.pdf', 8 * MB)));

  const appTimes: number[] = [];
  const bareTimes: number[] = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const measured = await peakRssIncrease(() => time(() => post(appPort, `/api/cases/${created.case.id}/proposal/files`, streamedPdfUpload(`提案書${i}.pdf`, size), vendorToken)));
    appTimes.push(measured.result);
    peak = Math.max(peak, measured.increaseMb);
    bareTimes.push(await time(() => post(barePort, '/', streamedPdfUpload(`bare${i}.pdf`, size))));
  }
  await new Promise((r) => appServer.close(r));
  await new Promise((r) => bare.close(r));
  await database.close();
  await rm(dir, { recursive: true, force: true });

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const appMbPerSec = sizeMb / median(appTimes);
  const bareMbPerSec = sizeMb / median(bareTimes);
  return { sizeMb, appMbPerSec, bareMbPerSec, ratio: appMbPerSec / bareMbPerSec, peakRssIncreaseMb: peak };
}
