import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptTime } from '../../src/documents/receipt.ts';
import { Scratch, assertPdfToolsInstalled, pageTexts, qpdfCheck } from '../documents/pdf-tools.ts';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { multipartBody, pdfBytes, sha256 } from '../helpers/multipart.ts';

let h: Harness;
let a: Tenant;
const scratch = new Scratch();

beforeAll(async () => {
  assertPdfToolsInstalled();
  h = await createHarness();
  a = await createTenant(h, 'rc');
});
afterAll(async () => {
  scratch.remove();
  await h.close();
});

describe('receipt (受付票) PDF', () => {
  it('states the case, vendor, file, exact time and SHA-256 on one page', async () => {
    const created = await h.call('POST', '/api/cases', {
      token: a.secretariat,
      body: { title: '文書管理・電子決裁システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-06-30T17:00:00.000+09:00' },
    });
    await putSpec(h, a.secretariat, created.body.case.id);
    await h.call('POST', `/api/cases/${created.body.case.id}/transition`, { token: a.secretariat, body: { to: 'open' } });
    h.clock.set('2026-05-15T10:23:45.678+09:00');
    a.vendor = await h.login('vendor-rc@test.example');
    const content = pdfBytes(12_345);
    const { body, contentType } = multipartBody('技術提案書（正本）.pdf', content);
    const uploaded = await h.call('POST', `/api/cases/${created.body.case.id}/proposal/files`, { token: a.vendor, body, headers: { 'content-type': contentType } });
    expect(uploaded.status).toBe(201);

    const res = await h.call('GET', `/api/files/${uploaded.body.file.id}/receipt.pdf`, { token: a.vendor });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const path = scratch.write('receipt.pdf', res.bytes);
    qpdfCheck(path);
    const pages = pageTexts(path);
    expect(pages).toHaveLength(1);
    const text = pages[0]!.replace(/\s+/g, '');
    for (const expected of ['受付票', '文書管理・電子決裁システム', 'rc事業者1', '技術提案書（正本）.pdf', '12,345バイト', '2026年5月15日10時23分45.678秒', sha256(content), uploaded.body.file.id]) {
      expect(text).toContain(expected.replace(/\s+/g, ''));
    }
    const competitor = await h.login('vendor2-rc@test.example');
    expect((await h.call('GET', `/api/files/${uploaded.body.file.id}/receipt.pdf`, { token: competitor })).status).toBe(404);
  });

  it('formats the receipt time in Japan to the millisecond', () => {
    expect(receiptTime(new Date('2026-12-31T15:00:00.005Z'))).toBe('2027年1月1日 0時00分00.005秒（日本時間）');
  });
});
