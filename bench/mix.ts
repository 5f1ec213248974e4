import { Worker } from 'node:worker_threads';
import type { MixClientsInput, MixClientsOutput } from './mix-clients.ts';
import { BENCH_PASSWORD, benchApp } from './setup.ts';

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

export interface MixFigures {
  evaluators: number;
  vendors: number;
  seconds: number;
  /** sheet saves with the others at work */
  saves: { count: number; p50: number; p99: number };
  /** the same evaluators saving alone: the baseline beside the mix */
  savesAlone: { count: number; p50: number; p99: number };
  uploads: { count: number; mbPerSec: number };
  pdfs: { count: number; p50: number };
  errors: number;
}

/**
 * A committee day as it is: `evaluators` autosaving their sheets every 2 s, `vendors` uploading 5 MB
 * proposals one after another on another case, and the secretariat drawing the spec PDF again and again;
 * the saves' latency is measured with the others at work, and once more with the evaluators alone. The
 * clients run on a thread of their own (mix-clients.ts), the app on this one.
 */
export async function benchMix(driver: 'pglite' | 'postgres', evaluators = 40, vendors = 10, seconds = 20): Promise<MixFigures> {
  const b = await benchApp(driver, { sessionIdleMs: 86_400_000, sessionMaxMs: 86_400_000, maxUploadBytes: 64 * MB });
  try {
    const op = await b.login('op@bench.example');
    const consortium = await b.call('POST', '/api/consortia', { name: 'ベンチ協議会', secretariat: { email: 's@bench.example', name: '事務局', password: BENCH_PASSWORD } }, op);
    const sec = await b.login('s@bench.example');
    const vendorTokens: string[] = [];
    const vendorIds: string[] = [];
    for (let i = 0; i < vendors; i++) {
      const v = await b.call('POST', '/api/vendors/register', { consortiumId: consortium.consortium.id, companyName: `ベンチ${i}株式会社`, email: `v${i}@bench.example`, name: '担当', password: BENCH_PASSWORD });
      await b.call('POST', `/api/vendors/${v.vendor.id}/qualification`, { status: 'approved' }, sec);
      vendorIds.push(v.vendor.id);
      vendorTokens.push(await b.login(`v${i}@bench.example`));
    }
    const spec = { sections: [{ heading: '業務の概要', body: '本書のとおり。'.repeat(200) }] };
    // the case being scored
    const scored = (await b.call('POST', '/api/cases', { title: '採点中の案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: new Date(Date.now() + 2000).toISOString() }, sec)).case.id as string;
    await b.call('PUT', `/api/cases/${scored}/spec`, spec, sec);
    await b.call('POST', `/api/cases/${scored}/transition`, { to: 'open' }, sec);
    await b.call('PUT', `/api/cases/${scored}/proposal`, { price: 9_000_000 }, vendorTokens[0]);
    const evaluatorIds: string[] = [];
    for (let i = 0; i < evaluators; i++) evaluatorIds.push((await b.call('POST', '/api/users', { email: `e${i}@bench.example`, name: `委員${i}`, role: 'evaluator', password: BENCH_PASSWORD }, sec)).user.id);
    const criteria = Array.from({ length: 20 }, (_, i) => ({ code: `c${i}`, name: `項目${i}`, maxPoints: 10, mode: i % 3 === 0 ? 'grade' : 'points' }));
    await b.call('PUT', `/api/cases/${scored}/evaluation`, { criteria, aggregation: 'average', evaluatorIds, reason: '評価基準を定めます。' }, sec);
    await sleep(2100);
    await b.call('POST', `/api/cases/${scored}/transition`, { to: 'evaluation' }, sec);
    const evaluatorTokens: string[] = [];
    for (let i = 0; i < evaluators; i++) {
      const token = await b.login(`e${i}@bench.example`);
      await b.call('POST', `/api/cases/${scored}/evaluation/coi`, { conflict: false }, token);
      evaluatorTokens.push(token);
    }
    // the case taking proposals
    const open = (await b.call('POST', '/api/cases', { title: '受付中の案件', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: new Date(Date.now() + 86_400_000).toISOString() }, sec)).case.id as string;
    await b.call('PUT', `/api/cases/${open}/spec`, spec, sec);
    await b.call('POST', `/api/cases/${open}/transition`, { to: 'open' }, sec);

    const scores = Object.fromEntries(criteria.map((c, i) => [c.code, c.mode === 'grade' ? 'B' : (i % 10) + 0.5]));
    const body = JSON.stringify({ scores, comment: '機能要件を概ね満たしている。' });
    const summary = (xs: number[]) => ({ count: xs.length, p50: Math.round(percentile(xs, 50)), p99: Math.round(percentile(xs, 99)) });
    const input: MixClientsInput = { port: b.port, scored, vendorId: vendorIds[0]!, open, evaluatorTokens, vendorTokens, secretariatToken: sec, body, seconds };
    const clients = new Worker(new URL('./mix-clients.mjs', import.meta.url), { workerData: input });
    const out = await new Promise<MixClientsOutput>((resolve, reject) => {
      clients.once('message', resolve);
      clients.once('error', reject);
    });
    await clients.terminate();
    return {
      evaluators,
      vendors,
      seconds,
      saves: summary(out.saves),
      savesAlone: summary(out.alone),
      uploads: { count: out.uploaded, mbPerSec: (out.uploaded * 5) / out.elapsed },
      pdfs: { count: out.pdfTimes.length, p50: Math.round(percentile(out.pdfTimes, 50)) },
      errors: out.errors,
    };
  } finally {
    await b.close();
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  console.log(JSON.stringify(await benchMix((process.argv[2] as 'pglite' | 'postgres') ?? 'pglite')));
  process.exit(0);
}
