import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type Tenant, createHarness, createTenant } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;

beforeAll(async () => {
  // the tests move the clock by days: sessions outlast them
  h = await createHarness({ sessionIdleMs: 365 * 86_400_000, sessionMaxMs: 400 * 86_400_000 });
  a = await createTenant(h, 'pub');
});
afterAll(() => h.close());

const newCase = async (body: Record<string, unknown> = {}) => {
  const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '公表の確認', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, ...body } });
  expect(created.status, created.text).toBe(201);
  return created.body.case.id as string;
};
const spec = (id: string, body: Record<string, unknown>) => h.call('PUT', `/api/cases/${id}/spec`, { token: a.secretariat, body });
const publish = (id: string, to: string) => h.call('POST', `/api/cases/${id}/transition`, { token: a.secretariat, body: { to } });

describe('publication', () => {
  it('refuses a notice without a spec with 409 not_ready naming it, and changes nothing', async () => {
    const id = await newCase({ submissionDeadline: '2026-06-30T17:00:00.000+09:00' });
    const refused = await publish(id, 'open');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('not_ready');
    expect(refused.body.error.message).toContain('仕様書がありません');
    expect(refused.body.error.details).toEqual([{ path: 'spec', message: '仕様書がありません' }]);
    expect((await h.call('GET', `/api/cases/${id}`, { token: a.secretariat })).body.case).toMatchObject({ state: 'draft', publishedAt: null });
    expect((await spec(id, { sections: [{ heading: '業務概要', body: '議事録を作る。' }] })).status).toBe(200);
    expect((await publish(id, 'open')).status).toBe(200);
  });

  it('refuses a deadline already past, naming it, and refuses saving a past deadline', async () => {
    const id = await newCase({ submissionDeadline: '2026-04-10T17:00:00.000+09:00' });
    await spec(id, { sections: [{ heading: '業務概要', body: '議事録を作る。' }] });
    const start = h.clock.now();
    h.clock.set('2026-04-11T09:00:00.000+09:00');
    try {
      const refused = await publish(id, 'open');
      expect(refused.status).toBe(409);
      expect(refused.body.error.details).toEqual([{ path: 'submissionDeadline', message: '提案書の提出期限がすでに過ぎています' }]);
      // a deadline typed in the past is refused, naming the field; the stored one stays
      const past = await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { questionDeadline: '2026-04-05T17:00:00.000+09:00' } });
      expect(past.status).toBe(400);
      expect(past.body.error.details).toEqual([{ path: 'questionDeadline', message: '質問受付期限に過去の日時は指定できません（現在より後の日時を入力してください）' }]);
      // an unchanged past deadline does not stop other edits
      expect((await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { title: '公表の確認（改）', submissionDeadline: '2026-04-10T17:00:00.000+09:00' } })).status).toBe(200);
      const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '過去の期限', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026, submissionDeadline: '2026-04-01T17:00:00.000+09:00' } });
      expect(created.status).toBe(400);
      expect(created.body.error.details[0].path).toBe('submissionDeadline');
    } finally {
      h.clock.set(start);
    }
  });

  it('publishes an RFI only with its questions, before any spec', async () => {
    const id = await newCase();
    const refused = await publish(id, 'rfi');
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toEqual(['rfi']);
    const past = await h.call('PUT', `/api/cases/${id}/rfi`, { token: a.secretariat, body: { deadline: '2026-03-31T17:00:00.000+09:00', questions: [{ code: 'summary', text: '概要', kind: 'text' }] } });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toContain('回答期限に過去の日時は指定できません');
    expect((await h.call('PUT', `/api/cases/${id}/rfi`, { token: a.secretariat, body: { deadline: '2026-04-20T17:00:00.000+09:00', questions: [{ code: 'summary', text: '概要', kind: 'text' }] } })).status).toBe(200);
    expect((await publish(id, 'rfi')).status).toBe(200);
  });
});

describe('the RFI deadline', () => {
  it('is one date: the case form and the RFI page edit it, the case, the RFI, the vendor page and the enforcement read it', async () => {
    const id = await newCase({ rfiDeadline: '2026-04-12T17:00:00.000+09:00' });
    await h.call('PUT', `/api/cases/${id}/rfi`, { token: a.secretariat, body: { deadline: '2026-04-10T17:00:00.000+09:00', questions: [{ code: 'summary', text: '概要', kind: 'text' }] } });
    // the RFI's deadline is the case's
    expect((await h.call('GET', `/api/cases/${id}`, { token: a.secretariat })).body.case.rfiDeadline).toBe('2026-04-10T08:00:00.000Z');
    // the case form moves the RFI's too
    expect((await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { rfiDeadline: '2026-04-15T17:00:00.000+09:00' } })).status).toBe(200);
    expect((await h.call('GET', `/api/cases/${id}/rfi`, { token: a.secretariat })).body.rfi.deadline).toBe('2026-04-15T08:00:00.000Z');
    // an RFI keeps a deadline
    const cleared = await h.call('PATCH', `/api/cases/${id}`, { token: a.secretariat, body: { rfiDeadline: null } });
    expect(cleared.status).toBe(400);
    expect(cleared.body.error.details[0].path).toBe('rfiDeadline');
    expect((await publish(id, 'rfi')).status).toBe(200);

    const page = await h.page(await h.cookieFor('vendor-pub@test.example'), `/cases/${id}`);
    expect(page.text.match(/2026年4月15日|4\/15|04\/15/g)?.length ?? 0).toBeGreaterThan(0);
    expect(page.text).not.toMatch(/4月12日|4\/12|04\/12|4月10日|4\/10|04\/10/);

    // enforced at the same instant
    const start = h.clock.now();
    h.clock.set('2026-04-15T17:00:00.001+09:00');
    try {
      const late = await h.call('PUT', `/api/cases/${id}/rfi/response`, { token: a.vendor, body: { answers: { summary: '遅れた回答' } } });
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe('deadline_passed');
    } finally {
      h.clock.set(start);
    }
  });
});

describe('the case page before publication', () => {
  it('lists what the method still needs and asks for the tick 「公表します（取り消せません）」', async () => {
    const id = await newCase({ submissionDeadline: '2026-06-30T17:00:00.000+09:00' });
    const cookie = await h.cookieFor('sec-pub@test.example');
    const page = await h.page(cookie, `/cases/${id}`);
    expect(page.text).toContain('公告（受付開始）する前の確認');
    expect(page.text).toMatch(/未<\/span> 仕様書 — 仕様書がありません<strong>（これがないと公表できません）<\/strong>/);
    expect(page.text).toMatch(/未<\/span> 評価基準 — 評価基準が未設定です/);
    expect(page.text).toMatch(/済<\/span> 提案書の提出期限/);
    expect(page.text).toMatch(/<input type="checkbox" name="confirmed" value="1" required=""\/?>\s*公表します（取り消せません）/);
    // posted without the tick: the confirmation page, nothing published
    const ask = await h.form(cookie, `/cases/${id}/transition`, { to: 'open' });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('公表の確認');
    expect(ask.text).toContain('仕様書がありません');
    // with the tick but no spec: refused, naming it
    const refused = await h.form(cookie, `/cases/${id}/transition`, { to: 'open', confirmed: '1' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('公表できません。仕様書がありません。');
  });
});

describe('spec pages', () => {
  let id: string;
  beforeAll(async () => {
    id = await newCase({ submissionDeadline: '2026-06-30T17:00:00.000+09:00' });
    await spec(id, { sections: [{ heading: '業務概要', body: '議事録を作る。\n音声を文字にする。' }, { heading: '保守', body: '平日' }], requirements: [{ code: 'F-01', text: '話者を識別できること', level: 'must' }] });
    await spec(id, {
      sections: [{ heading: '業務概要', body: '議事録を作る。\n音声を文字にする。\n方言に対応する。' }, { heading: '研修', body: '2回' }],
      requirements: [{ code: 'F-01', text: '話者を識別できること', level: 'want' }, { code: 'F-02', text: '要約できること', level: 'must' }],
    });
    await publish(id, 'spec_review');
  });

  it('show the member the 機能要件 and let a comment point at a requirement', async () => {
    const cookie = await h.cookieFor('member-pub@test.example');
    const page = await h.page(cookie, `/cases/${id}/spec`);
    expect(page.text).toContain('<caption>機能要件（2件）</caption>');
    expect(page.text).toContain('<option value="機能要件 F-02">F-02 要約できること</option>');
    const posted = await h.form(cookie, `/cases/${id}/spec/comments`, { section: '機能要件 F-02', text: '要約の精度を示してください。' });
    expect(posted.status).toBe(303);
    const comments = await h.call('GET', `/api/cases/${id}/spec/comments`, { token: a.secretariat });
    expect(comments.body.comments.map((c: { section: string }) => c.section)).toEqual(['機能要件 F-02']);
    const unknown = await h.form(cookie, `/cases/${id}/spec/comments`, { section: '機能要件 F-99', text: 'ない要件' });
    expect(unknown.status).toBe(400);
  });

  it('open each version and compare two of them', async () => {
    const cookie = await h.cookieFor('member-pub@test.example');
    const spec1 = await h.page(cookie, `/cases/${id}/spec/versions/1`);
    expect(spec1.status).toBe(200);
    expect(spec1.text).toContain('仕様書 第1版');
    expect(spec1.text).toContain('現行は第2版です');
    expect(spec1.text).toContain('<h2>保守</h2>');
    const specPage = await h.page(cookie, `/cases/${id}/spec`);
    expect(specPage.text).toContain(`href="/cases/${id}/spec/versions/1"`);
    expect(specPage.text).toContain(`href="/cases/${id}/spec/diff?from=1&amp;to=2"`);
    const diff = await h.page(cookie, `/cases/${id}/spec/diff?from=1&to=2`);
    expect(diff.status).toBe(200);
    expect(diff.text).toContain('<span class="diff-tag">追加</span> 研修');
    expect(diff.text).toContain('<span class="diff-tag">削除</span> 保守');
    expect(diff.text).toContain('<ins>＋ 方言に対応する。</ins>');
    expect(diff.text).toMatch(/<th scope="row">F-01<\/th><td>変更<\/td>/);
    expect(diff.text).toMatch(/<th scope="row">F-02<\/th><td>追加<\/td>/);
    expect((await h.page(cookie, `/cases/${id}/spec/versions/3`)).status).toBe(404);
    expect((await h.page(cookie, `/cases/${id}/spec/versions/x`)).status).toBe(404);
    expect((await h.page(cookie, `/cases/${id}/spec/diff?from=1&to=9`)).status).toBe(404);
  });

  it('give a vendor the published spec from its case page, and nothing before the notice', async () => {
    const vendor = await h.cookieFor('vendor-pub@test.example');
    // the draft in its opinion inquiry is the secretariat's and the members'
    expect((await h.page(vendor, `/cases/${id}/spec`)).status).toBe(404);
    expect((await publish(id, 'open')).status).toBe(200);
    const casePage = await h.page(vendor, `/cases/${id}`);
    expect(casePage.text).toContain(`<a href="/cases/${id}/spec">仕様書を見る</a>`);
    expect(casePage.text).toContain(`href="/api/cases/${id}/documents/spec.pdf"`);
    const specPage = await h.page(vendor, `/cases/${id}/spec`);
    expect(specPage.text).toContain('<h1>仕様書（第2版）</h1>');
    expect(specPage.text).toContain('<caption>機能要件（2件）</caption>');
    expect(specPage.text).not.toContain('意見と対応');
    expect((await h.page(vendor, `/cases/${id}/spec/versions/1`)).status).toBe(403);
  });
});
