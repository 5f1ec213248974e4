import { parentPort, workerData } from 'node:worker_threads';
import { streamedPdfUpload } from '../test/helpers/multipart.ts';
import { post } from './upload.ts';

/** What the committee-day clients are told: where to go, who they are and for how long. */
export interface MixClientsInput {
  port: number;
  /** the case being scored, the vendor whose proposal is scored, the case taking proposals */
  scored: string;
  vendorId: string;
  open: string;
  evaluatorTokens: string[];
  vendorTokens: string[];
  secretariatToken: string;
  body: string;
  seconds: number;
}

export interface MixClientsOutput {
  alone: number[];
  saves: number[];
  pdfTimes: number[];
  uploaded: number;
  elapsed: number;
  errors: number;
}

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The committee's browsers, the vendors' uploads and the secretariat's PDFs run here, on a thread of
// their own, as they run on machines of their own: the server's thread does the server's work only.
async function run(input: MixClientsInput): Promise<MixClientsOutput> {
  const base = `http://127.0.0.1:${input.port}`;
  let errors = 0;
  const saveLoop = async (token: string, until: number, latencies: number[]) => {
    await sleep(Math.random() * 2000);
    while (performance.now() < until) {
      const started = performance.now();
      const res = await fetch(`${base}/api/cases/${input.scored}/evaluation/sheets/${input.vendorId}`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: input.body });
      await res.arrayBuffer();
      if (res.status !== 200) errors++;
      latencies.push(performance.now() - started);
      await sleep(Math.max(0, 2000 - (performance.now() - started)));
    }
  };

  // the evaluators alone
  const alone: number[] = [];
  const aloneUntil = performance.now() + input.seconds * 1000;
  await Promise.all(input.evaluatorTokens.map((t) => saveLoop(t, aloneUntil, alone)));

  // the whole mix
  const saves: number[] = [];
  const pdfTimes: number[] = [];
  let uploaded = 0;
  const until = performance.now() + input.seconds * 1000;
  const started = performance.now();
  const uploadLoop = async (token: string, i: number) => {
    while (performance.now() < until) {
      const status = await post(input.port, `/api/cases/${input.open}/proposal/files`, streamedPdfUpload(`提案書${i}.pdf`, 5 * MB), token);
      if (status === 201) uploaded++;
      else errors++;
    }
  };
  const pdfLoop = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/cases/${input.scored}/documents/spec.pdf`, { headers: { authorization: `Bearer ${input.secretariatToken}` } });
      await res.arrayBuffer();
      if (res.status !== 200) errors++;
      pdfTimes.push(performance.now() - t0);
    }
  };
  await Promise.all([...input.evaluatorTokens.map((t) => saveLoop(t, until, saves)), ...input.vendorTokens.map((t, i) => uploadLoop(t, i)), pdfLoop()]);
  return { alone, saves, pdfTimes, uploaded, elapsed: (performance.now() - started) / 1000, errors };
}

if (parentPort) parentPort.postMessage(await run(workerData as MixClientsInput));
