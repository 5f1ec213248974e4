import { benchColdStart } from './cold-start.ts';
import { benchDocumentRenderer, benchDocuments } from './documents.ts';
import { benchNotices } from './notices.ts';
import { benchResults } from './results.ts';
import { benchMix } from './mix.ts';
import { benchSheetSaves } from './sheets.ts';
import { benchUploadIsolated } from './upload.ts';

// npm run bench: every figure next to its target; throughput as a ratio to a bare baseline measured in
// the same run, because absolute numbers on a shared machine drift. With DATABASE_URL set, the
// throughput figures are measured on PostgreSQL as well as on the embedded database.
const drivers: ('pglite' | 'postgres')[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
const label = { pglite: 'embedded', postgres: 'PostgreSQL' } as const;
const rows: [string, string, string, string][] = [];
const ok = (pass: boolean) => (pass ? 'met' : 'MISSED');
const progress = (text: string) => process.stderr.write(`… ${text}\n`);

for (const driver of drivers) {
  progress(`sheet saves, ${label[driver]}`);
  const s = await benchSheetSaves(driver);
  rows.push([
    `Sheet saves, 100 clients (${label[driver]}): throughput`,
    `${s.real.requestsPerSec.toFixed(0)} req/s vs bare insert ${s.baseline.requestsPerSec.toFixed(0)} = ${s.ratio.toFixed(2)}; errors ${s.real.errors + s.real.non2xx}; audit ${s.auditIntact ? 'intact' : 'BROKEN'}`,
    'ratio ≥ 0.5',
    ok(s.ratio >= 0.5 && s.real.errors + s.real.non2xx === 0 && s.auditIntact),
  ]);
  rows.push([
    `Sheet saves, 100 clients (${label[driver]}): tail`,
    `p50 ${s.real.p50} ms, p99 ${s.real.p99} ms = ${(s.real.p99 / s.real.p50).toFixed(1)} × p50 (bare: p50 ${s.baseline.p50} ms, p99 ${s.baseline.p99} ms)`,
    'p99 ≤ 4 × p50',
    ok(s.real.p99 <= 4 * s.real.p50),
  ]);
}

for (const driver of drivers) {
  progress(`committee day mix, ${label[driver]}`);
  const m = await benchMix(driver);
  rows.push([
    `Committee day (${label[driver]}): ${m.evaluators} evaluators autosaving every 2 s, ${m.vendors} vendors uploading 5 MB, the secretariat drawing the spec PDF`,
    `saves p50 ${m.saves.p50} ms, p99 ${m.saves.p99} ms (evaluators alone: p50 ${m.savesAlone.p50} ms, p99 ${m.savesAlone.p99} ms); ${m.uploads.count} uploads (${m.uploads.mbPerSec.toFixed(0)} MB/s); ${m.pdfs.count} PDFs (p50 ${m.pdfs.p50} ms); errors ${m.errors}`,
    'saves p99 < 100 ms',
    ok(m.saves.p99 < 100 && m.errors === 0),
  ]);
}

for (const driver of drivers) {
  progress(`upload, ${label[driver]}`);
  const u = await benchUploadIsolated(driver, Number(process.env.BENCH_UPLOAD_MB ?? 200));
  rows.push([
    `Upload ${u.sizeMb} MB proposal (${label[driver]})`,
    `${u.appMbPerSec.toFixed(0)} MB/s vs bare ${u.bareMbPerSec.toFixed(0)} MB/s = ${u.ratio.toFixed(2)}`,
    'ratio ≥ 0.5',
    ok(u.ratio >= 0.5),
  ]);
  rows.push([`Upload ${u.sizeMb} MB: peak RSS increase (${label[driver]})`, `${u.peakRssIncreaseMb.toFixed(1)} MB`, '≤ 64 MB', ok(u.peakRssIncreaseMb <= 64)]);
}

progress('documents');
const documents = await benchDocuments();
for (const [name, figures] of [['Spec PDF', documents.spec], ['Award PDF', documents.award]] as const) {
  rows.push([`${name}: ${documents.memberCount} members × ${documents.optionCount} options, warm median`, `${figures.medianMs.toFixed(1)} ms`, '< 100 ms', ok(figures.medianMs < 100)]);
  rows.push([`${name}: size`, `${figures.sizeKb.toFixed(0)} KB`, '< 200 KB', ok(figures.sizeKb < 200)]);
}

progress('document renderer threads');
const renderer = await benchDocumentRenderer(89, 8, Number(process.env.BENCH_RENDERER_IDLE_MS ?? 65_000));
rows.push([
  `Spec PDF: first document after ${renderer.idleSeconds} s idle (${renderer.threads} renderer threads, warmed at start)`,
  `${renderer.afterIdleMs.toFixed(0)} ms (a pool started by the document itself: ${renderer.coldMs.toFixed(0)} ms; warming at start ${renderer.warmUpMs.toFixed(0)} ms)`,
  '< 1000 ms',
  ok(renderer.afterIdleMs < 1000),
]);
rows.push([
  `Spec PDF: 10 asked for at once, until the last is drawn (${renderer.threads} threads vs 1)`,
  `${renderer.poolLastMs.toFixed(0)} ms vs ${renderer.singleLastMs.toFixed(0)} ms = ${(renderer.poolLastMs / renderer.singleLastMs).toFixed(2)}`,
  renderer.threads > 1 ? 'ratio < 0.8' : 'one core: ratio ≈ 1',
  ok(renderer.threads > 1 ? renderer.poolLastMs / renderer.singleLastMs < 0.8 : true),
]);

progress('results');
const results = await benchResults();
rows.push([
  `Results: ${results.evaluatorCount} evaluators × ${results.vendorCount} vendors × ${results.criterionCount} criteria (embedded)`,
  `${results.medianMs.toFixed(1)} ms (median, warm)`,
  '< 50 ms',
  ok(results.medianMs < 50),
]);

progress('notices');
const notices = await benchNotices();
rows.push([
  `Publication told to ${notices.vendorCount} approved vendors (notification + outbox, in its transaction; embedded)`,
  `${notices.publishMs.toFixed(0)} ms (${notices.perPersonMs.toFixed(2)} ms a person; ${notices.queued} messages queued)`,
  '< 1500 ms',
  ok(notices.publishMs < 1500 && notices.told >= notices.vendorCount),
]);
rows.push([
  'Mail delivery over SMTP, one sender (local server)',
  `${notices.messagesPerSec.toFixed(0)} messages/s (${notices.received} of ${notices.queued} delivered)`,
  '≥ 20 messages/s, all delivered',
  ok(notices.messagesPerSec >= 20 && notices.received === notices.queued),
]);

progress('cold start');
const start = await benchColdStart();
rows.push(['Cold start: process start to /readyz 200 (existing embedded database)', `${start.medianMs.toFixed(0)} ms (median of 5)`, '< 2000 ms', ok(start.medianMs < 2000)]);

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['measure', 'figure', 'target', 'result'][i]!.length));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(['measure', 'figure', 'target', 'result']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
