import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let caseId: string;


beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'sp');
  const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '文書管理システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026 } });
  caseId = created.body.case.id;
});
afterAll(() => h.close());

describe('spec pages', () => {
  it('let the secretariat write the spec in the browser, a new version each time', async () => {
    const sec = await h.cookieFor('sec-sp@test.example');
    const res = await h.form(sec, `/cases/${caseId}/spec`, [
      ['heading', '業務の目的'], ['body', '文書管理と電子決裁を共同で導入する。'],
      ['heading', '非機能要件'], ['body', '可用性 99.5% 以上'],
      ['heading', ''], ['body', ''],
      ['req_code', 'F-1'], ['req_text', '起案から決裁まで電子で完結すること'], ['req_level', 'must'],
      ['req_code', ''], ['req_text', ''], ['req_level', 'must'],
    ]);
    expect(res.status).toBe(303);
    const api = await h.call('GET', `/api/cases/${caseId}/spec`, { token: a.secretariat });
    expect(api.body.spec).toMatchObject({ version: 1, sections: [{ heading: '業務の目的' }, { heading: '非機能要件' }], requirements: [{ code: 'F-1', level: 'must' }] });
    const dup = await h.form(sec, `/cases/${caseId}/spec`, [['heading', 'A'], ['body', '長い本文を書いたところ'], ['heading', 'A'], ['body', ''], ['req_code', 'F-9'], ['req_text', '新しい要件'], ['req_level', 'want']]);
    expect(dup.status).toBe(400);
    // the repeated heading is marked where it is, naming the chapter it repeats
    expect(dup.text).toContain('id="heading-1-error">見出し「A」が第1章と重複しています</span>');
    // what was typed comes back in the form, not the saved version
    expect(dup.text).toContain('長い本文を書いたところ</textarea>');
    expect(dup.text).toContain('value="新しい要件"');
    expect(dup.text).not.toContain('value="業務の目的"');
  });

  it('let a member comment during the opinion inquiry and the secretariat answer', async () => {
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'spec_review' } });
    const member = await h.cookieFor('member-sp@test.example');
    const page = await h.page(member, `/cases/${caseId}/spec`);
    expect(page.text).toContain('意見の提出（第1版に対して）');
    expect((await h.form(member, `/cases/${caseId}/spec/comments`, [['section', '非機能要件'], ['text', 'バックアップの保管期間を明記してほしい。']])).status).toBe(303);
    const sec = await h.cookieFor('sec-sp@test.example');
    const comments = await h.call('GET', `/api/cases/${caseId}/spec/comments`, { token: a.secretariat });
    const id = comments.body.comments[0].id;
    expect((await h.form(sec, `/cases/${caseId}/spec/comments/${id}`, [['response', '7年間と明記しました。'], ['reflected', 'on']])).status).toBe(303);
    const after = await h.page(member, `/cases/${caseId}/spec`);
    expect(after.text).toContain('回答（反映した）:');
    expect(after.text).toContain('7年間と明記しました。');
    const casePage = await h.page(member, `/cases/${caseId}`);
    expect(casePage.text).toContain('意見対応表（PDF）');
  });
});
