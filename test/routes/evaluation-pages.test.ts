import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let caseId: string;


beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'evp');
  const created = await h.call('POST', '/api/cases', {
    token: a.secretariat,
    body: { title: '電子申請システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-04-10T17:00:00.000+09:00' },
  });
  caseId = created.body.case.id;
  await putSpec(h, a.secretariat, caseId);
  await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } });
  await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: a.vendor, body: { price: 5_000_000 } });
  h.clock.set('2026-04-14T10:00:00.000+09:00');
});
afterAll(() => h.close());

describe('evaluation pages without JavaScript', () => {
  let sec: string;
  let evaluator: string;
  /** the sheet's address as the list links it: the proposal's alias, the evaluation being anonymised */
  let sheet: string;

  it('let the secretariat set criteria and the committee through the form', async () => {
    sec = await h.cookieFor('sec-evp@test.example');
    const page = await h.call('GET', `/cases/${caseId}/evaluation`, { headers: { cookie: sec } });
    const evaluatorId = /name="evaluatorIds" value="([^"]+)"/.exec(page.text)![1]!;
    // refused for want of a committee: the criteria and settings typed come back
    const refused = await h.form(sec, `/cases/${caseId}/evaluation`, [
      ['c_code', 'func'], ['c_group', '技術'], ['c_name', '機能要件の充足度'], ['c_max', '45'], ['c_mode', 'grade'], ['c_guidance', '網羅性と実現性'],
      ['aggregation', 'trimmed_mean'], ['passRatio', '0.7'], ['grade_A', '1'], ['grade_B', '0.8'], ['grade_C', '0.5'], ['grade_D', '0.25'], ['grade_E', '0'],
      ['anonymize', 'on'],
    ]);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('評価委員を1人以上指定してください');
    expect(refused.text).toContain('value="網羅性と実現性"');
    expect(refused.text).toContain('name="c_max" inputmode="decimal" value="45"');
    expect(refused.text).toContain('<option value="grade" selected="">');
    expect(refused.text).toContain('<option value="trimmed_mean" selected="">');
    expect(refused.text).toContain('name="passRatio" type="text" inputmode="decimal" value="0.7"');
    expect(refused.text).toContain('name="grade_B" type="text" inputmode="decimal" value="0.8"');
    expect(refused.text).toContain('name="anonymize" checked=""');
    const res = await h.form(sec, `/cases/${caseId}/evaluation`, [
      ['c_code', 'func'], ['c_group', '技術'], ['c_name', '機能要件の充足度'], ['c_max', '50'], ['c_mode', 'points'], ['c_guidance', '網羅性'],
      ['c_code', 'lgwan'], ['c_group', '必須'], ['c_name', 'LGWAN対応'], ['c_max', ''], ['c_mode', 'pass_fail'], ['c_guidance', ''],
      ['c_code', ''], ['c_group', ''], ['c_name', ''], ['c_max', ''], ['c_mode', 'points'], ['c_guidance', ''],
      ['aggregation', 'average'], ['passRatio', '0.6'], ['grade_A', '1'], ['grade_B', '0.75'], ['grade_C', '0.5'], ['grade_D', '0.25'], ['grade_E', '0'],
      ['evaluatorIds', evaluatorId], ['anonymize', 'on'], ['reason', '評価基準を定めます。'],
    ]);
    expect(res.status).toBe(303);
    const api = await h.call('GET', `/api/cases/${caseId}/evaluation`, { token: await h.login('sec-evp@test.example') });
    expect(api.body.evaluation).toMatchObject({ aggregation: 'average', anonymize: true, evaluatorIds: [evaluatorId] });
    await h.call('POST', `/api/cases/${caseId}/transition`, { token: await h.login('sec-evp@test.example'), body: { to: 'evaluation' } });
  });

  it('ask for the declaration before showing any proposal', async () => {
    evaluator = await h.cookieFor('eval-evp@test.example');
    const first = await h.call('GET', `/cases/${caseId}/evaluate`, { headers: { cookie: evaluator } });
    expect(first.text).toContain('利害関係の申告');
    expect(first.text).not.toContain('提案者A');
    expect((await h.form(evaluator, `/cases/${caseId}/evaluate/coi`, [['conflict', 'false']])).status).toBe(303);
    const list = await h.call('GET', `/cases/${caseId}/evaluate`, { headers: { cookie: evaluator } });
    expect(list.text).toContain('提案者A');
    expect(list.text).not.toContain('evp事業者1');
    expect(list.text).not.toContain(a.vendorId);
    sheet = new RegExp(`href="(/cases/${caseId}/evaluate/[A-Za-z0-9_-]{43})"`).exec(list.text)![1]!;
  });

  it('show each criterion with its label, maximum and guidance, and a field error in place', async () => {
    const page = await h.call('GET', sheet, { headers: { cookie: evaluator } });
    // the form posts to and autosaves through the ref; no vendor id or name is anywhere on the page
    expect(page.text).toContain(`action="${sheet}"`);
    expect(page.text).toContain(`data-sheet-api="/api/cases/${caseId}/evaluation/sheets/${sheet.split('/').at(-1)}"`);
    expect(page.text).toContain('採点票: 提案者A');
    expect(page.text).not.toContain(a.vendorId);
    expect(page.text).not.toContain('evp事業者1');
    expect(page.text).toContain('<label for="score-func">機能要件の充足度</label>');
    expect(page.text).toContain('点数・配点 50点・網羅性');
    expect(page.text).toContain('一時保存</button>');
    expect(page.text).toContain('提出（確認画面へ）</button>');
    const bad = await h.form(evaluator, sheet, [['version', '0'], ['score_func', '51'], ['score_lgwan', ''], ['comment', ''], ['action', 'save']]);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('「機能要件の充足度」は0〜50点（小数第2位まで）で入力してください');
    expect(bad.text).toContain('aria-invalid="true"');
  });

  it('save a draft, then submit; the submitted sheet is read-only', async () => {
    const saved = await h.form(evaluator, sheet, [['version', '0'], ['score_func', '40'], ['score_lgwan', ''], ['comment', '良い'], ['action', 'save']]);
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`${sheet}?done=save`);
    // 提出 saves and asks for confirmation; with an item unscored the confirmation says what is missing and offers no submit
    const toConfirm = await h.form(evaluator, sheet, [['version', '1'], ['score_func', '40'], ['score_lgwan', ''], ['comment', '良い'], ['action', 'submit']]);
    expect(toConfirm.status).toBe(303);
    expect(toConfirm.headers.get('location')).toBe(`${sheet}/submit`);
    const incomplete = await h.page(evaluator, `${sheet}/submit`);
    expect(incomplete.text).toContain('「LGWAN対応」が未評価です');
    expect(incomplete.text).not.toContain('この内容で提出する');
    expect((await h.form(evaluator, `${sheet}/submit`, [['version', '2']])).status).toBe(409);
    expect((await h.form(evaluator, sheet, [['version', '2'], ['score_func', '40'], ['score_lgwan', 'true'], ['comment', '良い'], ['action', 'submit']])).status).toBe(303);
    const confirm = await h.page(evaluator, `${sheet}/submit`);
    expect(confirm.text).toContain('この内容で提出する');
    // the sheet is still a draft until the confirmation is posted
    expect((await h.page(evaluator, sheet)).text).toContain('提出（確認画面へ）</button>');
    const done = await h.form(evaluator, `${sheet}/submit`, [['version', '3']]);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${sheet}?done=submit`);
    const page = await h.call('GET', `${sheet}?done=submit`, { headers: { cookie: evaluator } });
    expect(page.text).toContain('この採点票は提出済みです。');
    expect(page.text).not.toContain('提出（確認画面へ）</button>');
  });

  it('close with the confirmation and show the results to the secretariat with a chart', async () => {
    expect((await h.form(sec, `/cases/${caseId}/evaluation/close`, [])).status).toBe(400);
    expect((await h.form(sec, `/cases/${caseId}/evaluation/close`, [['confirm', 'on']])).status).toBe(303);
    const page = await h.call('GET', `/cases/${caseId}/evaluation`, { headers: { cookie: sec } });
    expect(page.text).toContain('優先交渉権者: <strong>evp事業者1</strong>');
    expect(page.text).toContain('<svg');
    expect(page.text).toContain('eval-evp@test.example');
    // one column per vendor: the criterion average (pass/fail as the share that passed) and each evaluator's total
    const averages = page.text.slice(page.text.indexOf('<caption>評価項目ごとの平均点'));
    expect(averages).toMatch(/<th scope="row">機能要件の充足度<\/th><td class="num">40<\/td>/);
    expect(averages).toMatch(/<th scope="row">LGWAN対応<\/th><td class="num">100%<\/td>/);
    const totals = page.text.slice(page.text.indexOf('<caption>評価委員ごとの技術点'));
    expect(totals).toMatch(/<th scope="col" class="num">evp事業者1<\/th>/);
    expect(totals).toMatch(/<td class="num">40<\/td>/);
  });

  it('record the decision on the case page only after the irreversible step is confirmed', async () => {
    const unconfirmed = await h.form(sec, `/cases/${caseId}/award`, []);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('決定を記録すると取り消せないことを確認し、チェックを入れてください。');
    expect((await h.page(sec, `/api/cases/${caseId}/award`)).status).toBe(404);
    // a message is never taken from the address
    const forged = await h.page(sec, `/cases/${caseId}?awardError=${encodeURIComponent('入札は無効です')}`);
    expect(forged.text).not.toContain('入札は無効です');
    const confirmed = await h.form(sec, `/cases/${caseId}/award`, [['confirm', 'on']]);
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toContain('done=award');
    expect((await h.page(sec, `/api/cases/${caseId}/award`)).body.award.vendorId).toBe(a.vendorId);
    const again = await h.form(sec, `/cases/${caseId}/award`, [['confirm', 'on']]);
    expect(again.status).toBe(400);
    expect(again.text).toContain('role="alert"');
  });
});
