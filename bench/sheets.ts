import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { BENCH_PASSWORD, benchApp } from './setup.ts';

/** CPU profile of the measured phase only (BENCH_PROFILE=path), for finding what a request costs. */
async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(process.env.BENCH_PROFILE!, JSON.stringify(profile));
    session.disconnect();
  };
}

export interface LoadFigures {
  requestsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** The run with the median throughput (its latencies with it, so the figures belong together). */
function medianRun(runs: LoadFigures[]): LoadFigures {
  const sorted = [...runs].sort((a, b) => a.requestsPerSec - b.requestsPerSec);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  return { ...mid, errors: runs.reduce((a, r) => a + r.errors, 0), non2xx: runs.reduce((a, r) => a + r.non2xx, 0) };
}

function run(options: autocannon.Options): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    autocannon(options, (err, result) => {
      if (err) return reject(err);
      resolve({ requestsPerSec: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx });
    });
  });
}

/**
 * 100 evaluators saving their sheets at once through the real endpoint (auth, validation, one guarded
 * statement that upserts the sheet and appends its audit entry), against a bare Hono route in the same
 * process doing one insert into the same database. autocannon runs on a thread of its own for both.
 */
export async function benchSheetSaves(driver: 'pglite' | 'postgres', connections = 100, seconds = 5, runs = 3) {
  const b = await benchApp(driver, { sessionIdleMs: 86_400_000, sessionMaxMs: 86_400_000 });
  try {
    const op = await b.login('op@bench.example');
    const consortium = await b.call('POST', '/api/consortia', { name: 'ベンチ協議会', secretariat: { email: 's@bench.example', name: '事務局', password: BENCH_PASSWORD } }, op);
    const sec = await b.login('s@bench.example');
    const vendor = await b.call('POST', '/api/vendors/register', { consortiumId: consortium.consortium.id, companyName: 'ベンチ株式会社', email: 'v@bench.example', name: '担当', password: BENCH_PASSWORD });
    await b.call('POST', `/api/vendors/${vendor.vendor.id}/qualification`, { status: 'approved' }, sec);
    const vendorToken = await b.login('v@bench.example');
    const created = await b.call('POST', '/api/cases', { title: '採点ベンチ', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: new Date(Date.now() + 2000).toISOString() }, sec);
    const caseId = created.case.id;
    // a notice is published with its spec
    await b.call('PUT', `/api/cases/${caseId}/spec`, { sections: [{ heading: '業務の概要', body: '本書のとおり。' }] }, sec);
    await b.call('POST', `/api/cases/${caseId}/transition`, { to: 'open' }, sec);
    await b.call('PUT', `/api/cases/${caseId}/proposal`, { price: 9_000_000 }, vendorToken);
    const evaluatorIds: string[] = [];
    const tokens: string[] = [];
    for (let i = 0; i < connections; i++) {
      const u = await b.call('POST', '/api/users', { email: `e${i}@bench.example`, name: `委員${i}`, role: 'evaluator', password: BENCH_PASSWORD }, sec);
      evaluatorIds.push(u.user.id);
    }
    const criteria = Array.from({ length: 20 }, (_, i) => ({ code: `c${i}`, name: `項目${i}`, maxPoints: 10, mode: i % 3 === 0 ? 'grade' : 'points' }));
    await b.call('PUT', `/api/cases/${caseId}/evaluation`, { criteria, aggregation: 'average', evaluatorIds, reason: '評価基準を定めます。' }, sec);
    await new Promise((r) => setTimeout(r, 2100));
    await b.call('POST', `/api/cases/${caseId}/transition`, { to: 'evaluation' }, sec);
    for (let i = 0; i < connections; i++) {
      const token = await b.login(`e${i}@bench.example`);
      tokens.push(token);
      await b.call('POST', `/api/cases/${caseId}/evaluation/coi`, { conflict: false }, token);
    }
    const scores = Object.fromEntries(criteria.map((c, i) => [c.code, c.mode === 'grade' ? 'B' : (i % 10) + 0.5]));
    const body = JSON.stringify({ scores, comment: '機能要件を概ね満たしている。' });

    const realRun = (duration: number) =>
      run({
        url: `http://127.0.0.1:${b.port}/api/cases/${caseId}/evaluation/sheets/${vendor.vendor.id}`,
        method: 'PUT',
        connections,
        duration,
        headers: { 'content-type': 'application/json' },
        body,
        // the clients run on their own thread, as a committee's browsers run on their own machines
        workers: 1,
        setupClient: new URL('./sheet-client.cjs', import.meta.url).pathname as unknown as autocannon.Options['setupClient'],
      } as autocannon.Options);
    // each connection takes the next evaluator's token (read by sheet-client.cjs in the clients' thread)
    process.env.BENCH_TOKENS = JSON.stringify(tokens);
    await realRun(2);
    const profiler = process.env.BENCH_PROFILE ? await startProfile() : null;
    const realRuns: LoadFigures[] = [];
    for (let i = 0; i < runs; i++) realRuns.push(await realRun(seconds));
    if (profiler) await profiler();
    const real = medianRun(realRuns);

    // the baseline: the same server process shape, one insert per request into the same database
    await b.database.db.execute(sql`create table bench_baseline (id bigserial primary key, payload jsonb not null, at timestamptz not null default now())`);
    const bare = new Hono().put('/bare', async (c) => {
      const payload = await c.req.json();
      await b.database.db.execute(sql`insert into bench_baseline (payload) values (${JSON.stringify(payload)}::jsonb)`);
      return c.json({ ok: true });
    });
    const server = serve({ fetch: bare.fetch, port: 0 }) as Server;
    await new Promise((r) => server.once('listening', r));
    const bareRun = (duration: number) =>
      run({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bare`, method: 'PUT', connections, duration, headers: { 'content-type': 'application/json' }, body, workers: 1 } as autocannon.Options);
    await bareRun(2);
    const bareRuns: LoadFigures[] = [];
    for (let i = 0; i < runs; i++) bareRuns.push(await bareRun(seconds));
    const baseline = medianRun(bareRuns);
    await new Promise((r) => server.close(r));
    const verify = await b.call('GET', '/api/audit/verify', undefined, sec);
    return { driver, connections, real, baseline, ratio: real.requestsPerSec / baseline.requestsPerSec, auditIntact: verify.ok as boolean };
  } finally {
    await b.close();
  }
}
