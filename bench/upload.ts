import { createWriteStream } from 'node:fs';
import { type IncomingMessage, type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { streamedPdfUpload } from '../test/helpers/multipart.ts';
import { BENCH_PASSWORD, benchApp } from './setup.ts';

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

export function post(port: number, path: string, upload: ReturnType<typeof streamedPdfUpload>, token?: string) {
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
export async function benchUpload(driver: 'pglite' | 'postgres', sizeMb = 200, runs = 3): Promise<UploadFigures> {
  const b = await benchApp(driver, { maxUploadBytes: (sizeMb + 1) * MB });
  try {
    const op = await b.login('op@bench.example');
    const consortium = await b.call('POST', '/api/consortia', { name: 'ベンチ協議会', secretariat: { email: 's@bench.example', name: '事務局', password: BENCH_PASSWORD } }, op);
    const sec = await b.login('s@bench.example');
    const vendor = await b.call('POST', '/api/vendors/register', { consortiumId: consortium.consortium.id, companyName: 'ベンチ株式会社', email: 'v@bench.example', name: '担当', password: BENCH_PASSWORD });
    await b.call('POST', `/api/vendors/${vendor.vendor.id}/qualification`, { status: 'approved' }, sec);
    const vendorToken = await b.login('v@bench.example');
    const created = await b.call('POST', '/api/cases', {
      title: 'ベンチ案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: new Date(Date.now() + 86_400_000).toISOString(),
    }, sec);
    // a notice is published with its spec
    await b.call('PUT', `/api/cases/${created.case.id}/spec`, { sections: [{ heading: '業務の概要', body: '本書のとおり。' }] }, sec);
    await b.call('POST', `/api/cases/${created.case.id}/transition`, { to: 'open' }, sec);
    const path = `/api/cases/${created.case.id}/proposal/files`;

    const bare = createServer((req: IncomingMessage, res) => {
      pipeline(req, createWriteStream(join(b.dir, `bare-${Date.now()}-${Math.random()}`))).then(() => res.writeHead(201).end(), () => res.writeHead(500).end());
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
    await time(() => post(b.port, path, streamedPdfUpload('warm.pdf', 8 * MB), vendorToken));
    await time(() => post(barePort, '/', streamedPdfUpload('warm.pdf', 8 * MB)));
    const appTimes: number[] = [];
    const bareTimes: number[] = [];
    let peak = 0;
    for (let i = 0; i < runs; i++) {
      const measured = await peakRssIncrease(() => time(() => post(b.port, path, streamedPdfUpload(`提案書${i}.pdf`, size), vendorToken)));
      appTimes.push(measured.result);
      peak = Math.max(peak, measured.increaseMb);
      bareTimes.push(await time(() => post(barePort, '/', streamedPdfUpload(`bare${i}.pdf`, size))));
    }
    await new Promise((r) => bare.close(r));
    const median = (xs: number[]) => [...xs].sort((a, c) => a - c)[Math.floor(xs.length / 2)]!;
    const appMbPerSec = sizeMb / median(appTimes);
    const bareMbPerSec = sizeMb / median(bareTimes);
    return { sizeMb, appMbPerSec, bareMbPerSec, ratio: appMbPerSec / bareMbPerSec, peakRssIncreaseMb: peak };
  } finally {
    await b.close();
  }
}

/** Runs the upload measurement in a fresh process, so the RSS figure is not flattered by memory an earlier benchmark left behind. */
export async function benchUploadIsolated(driver: 'pglite' | 'postgres', sizeMb = 200): Promise<UploadFigures> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, driver, String(sizeMb)], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  if (code !== 0) throw new Error(`upload benchmark exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as UploadFigures;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const figures = await benchUpload(process.argv[2] as 'pglite' | 'postgres', Number(process.argv[3] ?? 200));
  console.log(JSON.stringify(figures));
}
