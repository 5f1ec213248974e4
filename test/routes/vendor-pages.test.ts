import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SITE_ORIGIN, PASSWORD, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';
import { multipartBody, pdfBytes, sha256 } from '../helpers/multipart.ts';

let h: Harness;
let a: Tenant;
let caseId: string;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'vp');
  const created = await h.call('POST', '/api/cases', {
    token: a.secretariat,
    body: { title: '電子申請システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-04-30T17:00:00.000+09:00' },
  });
  caseId = created.body.case.id;
  await putSpec(h, a.secretariat, caseId);
  await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } });
});
afterAll(() => h.close());



describe('vendor pages', () => {
  let cookie: string;

  it('register a vendor and log it in', async () => {
    const page = await h.call('GET', '/register');
    expect(page.text).toContain('vp協議会');
    const res = await h.form('', '/register', [
      ['consortiumId', a.consortiumId],
      ['companyName', '株式会社ページ登録'],
      ['corporateNumber', ''],
      ['name', '登録 太郎'],
      ['email', 'page-vendor@test.example'],
      ['password', PASSWORD],
    ]);
    expect(res.status).toBe(303);
    cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const cases = await h.call('GET', '/cases', { headers: { cookie } });
    expect(cases.text).toContain('電子申請システム');
    // it answers the RFI at once, but proposes only once the secretariat has approved it (入札参加資格)
    expect(cases.text).toContain('入札参加資格: 審査中');
  });

  it('answer the RFI: a draft first, then the submission', async () => {
    const sec = await h.cookieFor('sec-vp@test.example');
    // a refused setup comes back with what was typed, not an empty form
    const refused = await h.form(sec, `/cases/${caseId}/rfi`, [
      ['deadline', '2026-04-20T09:30'],
      ['code', 'host'], ['kind', 'choice'], ['text', '提供形態を教えてください'], ['choices', 'SaaSのみ'],
    ]);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('選択式の質問には選択肢を2つ以上指定してください');
    expect(refused.text).toContain('value="2026-04-20T09:30"');
    expect(refused.text).toContain('value="提供形態を教えてください"');
    expect(refused.text).toContain('value="SaaSのみ"');
    const setup = await h.form(sec, `/cases/${caseId}/rfi`, [
      ['deadline', '2026-04-15T17:00'],
      ['code', 'price'], ['kind', 'price'], ['text', '参考見積額'], ['choices', ''],
      ['code', 'host'], ['kind', 'choice'], ['text', '提供形態'], ['choices', 'SaaS、オンプレミス'],
      ['code', ''], ['kind', 'text'], ['text', ''], ['choices', ''],
      ['reason', '情報提供依頼の質問を定めます。'],
    ]);
    expect(setup.status).toBe(303);
    const draft = await h.form(cookie, `/cases/${caseId}/rfi/answer`, [['ans_price', '1,200,000'], ['ans_host', ''], ['action', 'draft']]);
    expect(draft.status).toBe(303);
    expect((await h.call('GET', `/cases/${caseId}/rfi?done=draft`, { headers: { cookie } })).text).toContain('一時保存中（未提出）');
    const incomplete = await h.form(cookie, `/cases/${caseId}/rfi/answer`, [['ans_price', '1,250,000'], ['ans_host', ''], ['action', 'submit']]);
    expect(incomplete.status).toBe(400);
    expect(incomplete.text).toContain('「提供形態」が未回答です');
    // the refused answer is shown as typed, not the saved draft (1200000)
    expect(incomplete.text).toContain('value="1,250,000"');
    const submitted = await h.form(cookie, `/cases/${caseId}/rfi/answer`, [['ans_price', '1200000'], ['ans_host', 'SaaS'], ['action', 'submit']]);
    expect(submitted.status).toBe(303);
    const comparison = await h.call('GET', `/cases/${caseId}/rfi/responses`, { headers: { cookie: sec } });
    expect(comparison.text).toContain('株式会社ページ登録');
    expect(comparison.text).toContain('1,200,000円');
  });

  it('upload a proposal through the plain form and list its receipt', async () => {
    const me = await h.call('GET', '/api/me', { headers: { cookie } });
    expect((await h.call('POST', `/api/vendors/${me.body.user.vendorId}/qualification`, { token: a.secretariat, body: { status: 'approved' } })).status).toBe(200);
    const content = pdfBytes(3000);
    const { body, contentType } = multipartBody('技術提案書.pdf', content);
    const res = await h.call('POST', `/cases/${caseId}/submit/upload`, { headers: { cookie, origin: SITE_ORIGIN, 'content-type': contentType }, body });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(new RegExp(`^/cases/${caseId}/submit\\?done=file&file=`));
    const page = await h.call('GET', `/cases/${caseId}/submit?done=file`, { headers: { cookie } });
    expect(page.text).toContain('技術提案書.pdf');
    expect(page.text).toContain(sha256(content));
    expect(page.text).toContain('data-upload-api');
    expect(page.text).toContain('<progress id="upload-progress"');
    const receipts = await h.call('GET', '/receipts', { headers: { cookie } });
    expect(receipts.text).toContain(sha256(content));
  });

  it('show a wrong file type as a Japanese message on the page', async () => {
    const { body, contentType } = multipartBody('偽物.docx', pdfBytes(100));
    const res = await h.call('POST', `/cases/${caseId}/submit/upload`, { headers: { cookie, origin: SITE_ORIGIN, 'content-type': contentType }, body });
    expect(res.status).toBe(415);
    expect(res.text).toContain('ファイルの内容が拡張子「.docx」の形式と一致しません。');
  });

  it('save a price, and withdraw only with the confirmation ticked', async () => {
    expect((await h.form(cookie, `/cases/${caseId}/submit/price`, [['price', '9,800,000']])).status).toBe(303);
    const unconfirmed = await h.form(cookie, `/cases/${caseId}/submit/withdraw`, [['reason', '']]);
    expect(unconfirmed.status).toBe(400);
    const withdrawn = await h.form(cookie, `/cases/${caseId}/submit/withdraw`, [['reason', '体制が整わないため'], ['confirm', 'on']]);
    expect(withdrawn.status).toBe(303);
    const page = await h.call('GET', `/cases/${caseId}/submit`, { headers: { cookie } });
    expect(page.text).toContain('辞退済み');
    expect(page.text).toContain('9,800,000円');
  });
});
