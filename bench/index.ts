import { benchDocuments } from './documents.ts';
import { benchResults } from './results.ts';
import { benchUpload } from './upload.ts';

// npm run bench: every figure next to its target; throughput as a ratio to a bare baseline measured in the same run.
const rows: [string, string, string, string][] = [];
const ok = (pass: boolean) => (pass ? 'met' : 'MISSED');

const upload = await benchUpload(Number(process.env.BENCH_UPLOAD_MB ?? 200));
rows.push([
  `Upload ${upload.sizeMb} MB proposal (embedded DB)`,
  `${upload.appMbPerSec.toFixed(0)} MB/s vs bare ${upload.bareMbPerSec.toFixed(0)} MB/s = ${upload.ratio.toFixed(2)}`,
  'ratio ≥ 0.5',
  ok(upload.ratio >= 0.5),
]);
rows.push([`Upload ${upload.sizeMb} MB: peak RSS increase`, `${upload.peakRssIncreaseMb.toFixed(1)} MB`, '≤ 64 MB', ok(upload.peakRssIncreaseMb <= 64)]);

const results = await benchResults();
rows.push([
  `Results: ${results.evaluatorCount} evaluators × ${results.vendorCount} vendors × ${results.criterionCount} criteria (embedded DB)`,
  `${results.medianMs.toFixed(1)} ms (median, warm)`,
  '< 50 ms',
  ok(results.medianMs < 50),
]);

const documents = await benchDocuments();
for (const [name, figures] of [['Spec PDF', documents.spec], ['Award PDF', documents.award]] as const) {
  rows.push([
    `${name}: ${documents.memberCount} members × ${documents.optionCount} options, warm median`,
    `${figures.medianMs.toFixed(1)} ms`,
    '< 100 ms',
    ok(figures.medianMs < 100),
  ]);
  rows.push([`${name}: size`, `${figures.sizeKb.toFixed(0)} KB`, '< 200 KB', ok(figures.sizeKb < 200)]);
}

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['measure', 'figure', 'target', 'result'][i]!.length));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(['measure', 'figure', 'target', 'result']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));
