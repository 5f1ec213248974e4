import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { files } from '../../schema/index.ts';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { multipartBody, pdfBytes, sha256 } from '../helpers/multipart.ts';

let h: Harness;
let a: Tenant;
let b: Tenant;
const LIMIT = 64 * 1024;
const DEADLINE = '2026-06-30T17:00:00.000+09:00';

beforeAll(async () => {
  h = await createHarness({ maxUploadBytes: LIMIT });
  a = await createTenant(h, 'vs-a');
  b = await createTenant(h, 'vs-b');
});
afterAll(() => h.close());

async function openCase(method = 'proposal', rfi?: Record<string, unknown>) {
  const created = await h.call('POST', '/api/cases', {
    token: a.secretariat,
    body: { title: '文書管理システム', method, contractMode: 'individual', fiscalYear: 2026, submissionDeadline: DEADLINE },
  });
  const id = created.body.case.id as string;
  // an RFI is published with its questions, a notice with its spec
  if (rfi) expect((await h.call('PUT', `/api/cases/${id}/rfi`, { token: a.secretariat, body: rfi })).status).toBe(200);
  else await putSpec(h, a.secretariat, id);
  await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: rfi ? 'rfi' : 'open' } });
  return id;
}

const upload = (token: string, path: string, name: string, content: Uint8Array) => {
  const { body, contentType } = multipartBody(name, content);
  return h.call('POST', path, { token, body, headers: { 'content-type': contentType } });
};

/** Staged and stored files on disk, and rows in the files table: what an upload leaves behind. */
async function leftovers() {
  const staged = await readdir(join(h.filesRoot, 'staging')).catch(() => []);
  const objectDirs = await readdir(join(h.filesRoot, 'objects')).catch(() => [] as string[]);
  let stored = 0;
  for (const dir of objectDirs) stored += (await readdir(join(h.filesRoot, 'objects', dir))).length;
  return { staged: staged.length, stored, rows: (await h.database.db.select().from(files)).length };
}

describe('RFI (情報提供依頼)', () => {
  let caseId: string;

  beforeAll(async () => {
    h.clock.set('2026-04-01T09:00:00.000+09:00');
    caseId = await openCase('proposal', {
      deadline: '2026-04-20T17:00:00.000+09:00',
        questions: [
          { code: 'summary', text: '製品の概要', kind: 'text' },
          { code: 'lgwan', text: 'LGWAN対応', kind: 'yesno' },
          { code: 'hosting', text: '提供形態', kind: 'choice', choices: ['SaaS', 'オンプレミス'] },
          { code: 'price', text: '参考見積額（年額・税抜）', kind: 'price' },
        ],
    });
  });

  it('keeps a draft private until it is submitted', async () => {
    const draft = await h.call('PUT', `/api/cases/${caseId}/rfi/response`, { token: a.vendor, body: { answers: { summary: '=cmd|\' /C calc\'!A0', price: 7_000_000 } } });
    expect(draft.status).toBe(200);
    expect(draft.body.response).toMatchObject({ status: 'draft', submittedAt: null });
    expect((await h.call('GET', `/api/cases/${caseId}/rfi/responses`, { token: a.secretariat })).body.responses).toEqual([]);
  });

  it('refuses to submit an incomplete answer, naming what is missing', async () => {
    const res = await h.call('PUT', `/api/cases/${caseId}/rfi/response`, { token: a.vendor, body: { answers: { summary: 'x' }, submit: true } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('「LGWAN対応」が未回答です');
  });

  it('shows submitted answers side by side with price statistics, and as a CSV for Excel', async () => {
    const first = await h.call('PUT', `/api/cases/${caseId}/rfi/response`, {
      token: a.vendor,
      body: { answers: { summary: '=cmd|\' /C calc\'!A0', lgwan: true, hosting: 'SaaS', price: 7_000_000 }, submit: true },
    });
    expect(first.body.response.status).toBe('submitted');
    await h.call('PUT', `/api/cases/${caseId}/rfi/response`, {
      token: a.otherVendor,
      body: { answers: { summary: 'クラウド', lgwan: false, hosting: 'オンプレミス', price: 9_100_001 }, submit: true },
    });
    const res = await h.call('GET', `/api/cases/${caseId}/rfi/responses`, { token: a.secretariat });
    expect(res.body.responses.map((r: { vendorName: string }) => r.vendorName)).toEqual(['vs-a事業者1', 'vs-a事業者2']);
    expect(res.body.priceStats).toEqual({ price: { count: 2, min: 7_000_000, median: 8_050_000, max: 9_100_001 } });

    const csv = await h.call('GET', `/api/cases/${caseId}/rfi/responses.csv`, { token: a.secretariat });
    expect(csv.bytes.slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect(csv.text).toContain("summary,製品の概要,'=cmd|' /C calc'!A0,クラウド\r\n");
    expect(csv.text).toContain('lgwan,LGWAN対応,はい,いいえ\r\n');
  });

  it('lets a vendor read only its own answer', async () => {
    const own = await h.call('GET', `/api/cases/${caseId}/rfi/response`, { token: a.otherVendor });
    expect(own.body.response.answers.summary).toBe('クラウド');
    expect((await h.call('GET', `/api/cases/${caseId}/rfi/responses`, { token: a.vendor })).status).toBe(403);
    expect((await h.call('GET', `/api/cases/${caseId}/rfi/responses.csv`, { token: a.vendor })).status).toBe(403);
  });

  it('takes revisions up to the deadline instant and refuses them a millisecond later', async () => {
    h.clock.set('2026-04-20T17:00:00.000+09:00');
    const token = await h.login('vendor-vs-a@test.example');
    const atDeadline = await h.call('PUT', `/api/cases/${caseId}/rfi/response`, { token, body: { answers: { summary: '改訂', lgwan: true, hosting: 'SaaS', price: 6_900_000 } } });
    expect(atDeadline.status).toBe(200);
    expect(atDeadline.body.response).toMatchObject({ status: 'submitted', submittedAt: '2026-04-20T08:00:00.000Z' });
    h.clock.advance(1);
    const late = await h.call('PUT', `/api/cases/${caseId}/rfi/response`, { token, body: { answers: { summary: '遅延' } } });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('deadline_passed');
    expect((await h.call('GET', `/api/cases/${caseId}/rfi/response`, { token })).body.response.answers.summary).toBe('改訂');
  });
});

describe('proposal uploads', () => {
  let caseId: string;
  let fileId: string;

  beforeAll(async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    a.vendor = await h.login('vendor-vs-a@test.example');
    a.otherVendor = await h.login('vendor2-vs-a@test.example');
    a.secretariat = await h.login('sec-vs-a@test.example');
    a.evaluator = await h.login('eval-vs-a@test.example');
    a.member = await h.login('member-vs-a@test.example');
    b.secretariat = await h.login('sec-vs-b@test.example');
    caseId = await openCase();
  });

  it('answers 400 to a form cut off inside a part, kept or ignored, and stays up', async () => {
    const before = await leftovers();
    for (const ignored of ['name="file"; filename="a.pdf"', 'name="other"; filename="x.pdf"', 'name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="b.pdf"']) {
      const body = `--b\r\nContent-Disposition: form-data; ${ignored}\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 cut off here`;
      const res = await h.call('POST', `/api/cases/${caseId}/proposal/files`, { token: a.vendor, body, headers: { 'content-type': 'multipart/form-data; boundary=b' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_error');
    }
    // a refusal leaves no trace; the next upload is received as usual
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await leftovers()).toEqual(before);
  });

  it('accepts a PDF and answers a receipt with its size, time and SHA-256', async () => {
    const content = pdfBytes(10_000);
    const res = await upload(a.vendor, `/api/cases/${caseId}/proposal/files`, '技術提案書.pdf', content);
    expect(res.status).toBe(201);
    expect(res.body.file).toMatchObject({ name: '技術提案書.pdf', size: 10_000, sha256: sha256(content), receivedAt: '2026-06-01T00:00:00.000Z' });
    fileId = res.body.file.id;
    const receipt = await h.call('GET', `/api/files/${fileId}/receipt`, { token: a.vendor });
    expect(receipt.body.receipt).toMatchObject({ fileId, caseTitle: '文書管理システム', vendorName: 'vs-a事業者1', sha256: sha256(content) });
    const own = await h.call('GET', `/api/cases/${caseId}/proposal`, { token: a.vendor });
    expect(own.body.proposal.files).toHaveLength(1);
  });

  it('refuses an executable renamed to .pdf with 415 and keeps nothing', async () => {
    const before = await leftovers();
    const exe = new Uint8Array(5000);
    exe.set(Buffer.from('MZ\x90\x00\x03\x00\x00\x00'));
    const res = await upload(a.vendor, `/api/cases/${caseId}/proposal/files`, 'setup.pdf', exe);
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_type');
    expect(await leftovers()).toEqual(before);
  });

  it('takes a file exactly at the limit and refuses one byte more with 413, keeping nothing', async () => {
    const exact = await upload(a.vendor, `/api/cases/${caseId}/proposal/files`, 'ちょうど.pdf', pdfBytes(LIMIT));
    expect(exact.status).toBe(201);
    const before = await leftovers();
    const over = await upload(a.vendor, `/api/cases/${caseId}/proposal/files`, '超過.pdf', pdfBytes(LIMIT + 1));
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe('too_large');
    expect(await leftovers()).toEqual(before);
  });

  it('leaves nothing behind when the upload is cut off mid-stream', async () => {
    const before = await leftovers();
    const { body, contentType } = multipartBody('途中.pdf', pdfBytes(40_000));
    let sent = 0;
    const cut = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 20_000) {
          controller.error(new Error('connection reset'));
          return;
        }
        controller.enqueue(body.subarray(sent, sent + 5000));
        sent += 5000;
      },
    });
    const res = await h.call('POST', `/api/cases/${caseId}/proposal/files`, { token: a.vendor, body: cut as never, headers: { 'content-type': contentType } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await leftovers()).toEqual(before);
  });

  it('refuses a request without a file, and one that is not multipart', async () => {
    const notMultipart = await h.call('POST', `/api/cases/${caseId}/proposal/files`, { token: a.vendor, body: { file: 'x' } });
    expect(notMultipart.status).toBe(415);
    const noFile = multipartBody('x.pdf', pdfBytes(100), 'other');
    const res = await h.call('POST', `/api/cases/${caseId}/proposal/files`, { token: a.vendor, body: noFile.body, headers: { 'content-type': noFile.contentType } });
    expect(res.status).toBe(400);
  });

  it('lets nobody else read a vendor\'s file before the deadline', async () => {
    for (const token of [a.otherVendor, a.secretariat, a.evaluator, a.member, b.secretariat]) {
      expect((await h.call('GET', `/api/files/${fileId}`, { token })).status).toBe(404);
      expect((await h.call('GET', `/api/files/${fileId}/receipt`, { token })).status).toBe(404);
    }
    expect((await h.call('GET', `/api/cases/${caseId}/proposals`, { token: a.secretariat })).status).toBe(409);
    const own = await h.call('GET', `/api/files/${fileId}`, { token: a.vendor });
    expect(own.status).toBe(200);
  });

  it('records a price and a withdrawal (辞退), after which nothing more is taken', async () => {
    const price = await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: a.otherVendor, body: { price: 12_345_678 } });
    expect(price.body.proposal).toMatchObject({ price: 12_345_678, withdrawn: false });
    const out = await h.call('POST', `/api/cases/${caseId}/proposal/withdraw`, { token: a.otherVendor });
    expect(out.body.proposal.withdrawn).toBe(true);
    const before = await leftovers();
    const late = await upload(a.otherVendor, `/api/cases/${caseId}/proposal/files`, 'a.pdf', pdfBytes(100));
    expect(late.status).toBe(409);
    expect(await leftovers()).toEqual(before);
  });

  it('takes an upload at the deadline instant and refuses one a millisecond later', async () => {
    h.clock.set(DEADLINE);
    a.vendor = await h.login('vendor-vs-a@test.example');
    expect((await upload(a.vendor, `/api/cases/${caseId}/proposal/files`, '締切.pdf', pdfBytes(100))).status).toBe(201);
    h.clock.advance(1);
    const before = await leftovers();
    const late = await upload(a.vendor, `/api/cases/${caseId}/proposal/files`, '遅延.pdf', pdfBytes(100));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('deadline_passed');
    expect(await leftovers()).toEqual(before);
  });

  it('opens the files to the secretariat after the deadline, as an attachment with a safe Japanese name', async () => {
    a.secretariat = await h.login('sec-vs-a@test.example');
    const list = await h.call('GET', `/api/cases/${caseId}/proposals`, { token: a.secretariat });
    expect(list.status).toBe(200);
    expect(list.body.proposals.map((p: { vendorName: string; withdrawn: boolean }) => [p.vendorName, p.withdrawn])).toEqual([
      ['vs-a事業者1', false],
      ['vs-a事業者2', true],
    ]);
    const res = await h.call('GET', `/api/files/${fileId}`, { token: a.secretariat });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="_____.pdf"; filename*=UTF-8''${encodeURIComponent('技術提案書.pdf')}`,
    );
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(sha256(res.bytes)).toBe(sha256(pdfBytes(10_000)));
    b.secretariat = await h.login('sec-vs-b@test.example');
    expect((await h.call('GET', `/api/files/${fileId}`, { token: b.secretariat })).status).toBe(404);
  });

  it('takes no proposal files for a competitive bid', async () => {
    h.clock.set('2026-06-01T09:00:00.000+09:00');
    a.secretariat = await h.login('sec-vs-a@test.example');
    a.vendor = await h.login('vendor-vs-a@test.example');
    const bidCase = await openCase('competitive_bid');
    expect((await upload(a.vendor, `/api/cases/${bidCase}/proposal/files`, 'a.pdf', pdfBytes(100))).status).toBe(409);
  });

  it('takes nothing before a submission deadline is set, and says so rather than calling it late', async () => {
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '期限未設定', method: 'proposal', contractMode: 'individual', fiscalYear: 2026 } });
    const id = created.body.case.id as string;
    await putSpec(h, a.secretariat, id);
    await h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to: 'open' } });
    const before = await leftovers();
    const res = await upload(a.vendor, `/api/cases/${id}/proposal/files`, 'a.pdf', pdfBytes(100));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'not_yet', message: '提出期限が設定されていないため、まだ受け付けていません。' });
    const price = await h.call('PUT', `/api/cases/${id}/proposal`, { token: a.vendor, body: { price: 1_000_000 } });
    expect(price.body.error.code).toBe('not_yet');
    expect(await leftovers()).toEqual(before);
  });
});
