import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, type Harness, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let caseId: string;
let sec: string;
let first: string;
const evaluatorIds: Record<string, string> = {};

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'shp');
  // created out of order: the lists must still read 一, 二, 三
  for (const [n, email] of [['三', 'ev3'], ['一', 'ev1'], ['二', 'ev2']] as const) {
    const u = await h.call('POST', '/api/users', { token: a.secretariat, body: { email: `${email}-shp@test.example`, name: `評価委員 ${n}`, role: 'evaluator', password: PASSWORD } });
    evaluatorIds[n] = u.body.user.id;
  }
  const created = await h.call('POST', '/api/cases', {
    token: a.secretariat,
    body: { title: '財務会計システム', method: 'proposal', contractMode: 'individual', fiscalYear: 2026, submissionDeadline: '2026-04-10T17:00:00.000+09:00' },
  });
  caseId = created.body.case.id;
  await putSpec(h, a.secretariat, caseId);
  await h.call('POST', `/api/cases/${caseId}/transition`, { token: a.secretariat, body: { to: 'open' } });
  await h.call('PUT', `/api/cases/${caseId}/proposal`, { token: a.vendor, body: { price: 5_000_000 } });
  const set = await h.call('PUT', `/api/cases/${caseId}/evaluation`, {
    token: a.secretariat,
    body: {
      criteria: [{ code: 'func', name: '機能', maxPoints: 50, mode: 'points' }],
      aggregation: 'average',
      evaluatorIds: [evaluatorIds['三'], evaluatorIds['二'], evaluatorIds['一']],
      reason: '評価基準を定めます。',
    },
  });
  expect(set.status).toBe(200);
  h.clock.set('2026-04-14T10:00:00.000+09:00');
  sec = await h.cookieFor('sec-shp@test.example');
  await h.call('POST', `/api/cases/${caseId}/transition`, { token: await h.login('sec-shp@test.example'), body: { to: 'evaluation' } });
  first = await h.cookieFor('ev1-shp@test.example');
  expect((await h.form(first, `/cases/${caseId}/evaluate/coi`, [['conflict', 'false']])).status).toBe(303);
});
afterAll(() => h.close());

const order = (text: string, names: string[]) => names.map((n) => text.indexOf(n));
const sheetOf = () => `/cases/${caseId}/evaluate/${a.vendorId}`;

describe('a scoring sheet without JavaScript', () => {
  it('lists the committee by number, on the setup form and in the progress table', async () => {
    const page = await h.page(sec, `/cases/${caseId}/evaluation`);
    const progress = page.text.slice(page.text.indexOf('評価委員ごとの提出状況'));
    const at = order(progress, ['評価委員 一', '評価委員 二', '評価委員 三']);
    expect(at.every((i) => i > 0)).toBe(true);
    expect(at).toEqual([...at].sort((x, y) => x - y));
    const setup = page.text.slice(page.text.indexOf('<legend>評価委員</legend>'));
    const inSetup = order(setup, ['評価委員 一', '評価委員 二', '評価委員 三']);
    expect(inSetup).toEqual([...inSetup].sort((x, y) => x - y));
    const api = await h.call('GET', `/api/cases/${caseId}/evaluation/progress`, { token: await h.login('sec-shp@test.example') });
    expect(api.body.evaluators.map((e: { name: string }) => e.name)).toEqual(['評価委員 一', '評価委員 二', '評価委員 三']);
  });

  it('stops editing after a save refused as stale: the banner, the fields disabled, the typed value kept and a link to the latest', async () => {
    const saved = await h.form(first, sheetOf(), [['version', '0'], ['score_func', '30'], ['comment', ''], ['action', 'save']]);
    expect(saved.status).toBe(303);
    // a second tab still on version 0 posts what it typed
    const stale = await h.form(first, sheetOf(), [['version', '0'], ['score_func', '44'], ['comment', '二つ目のタブ'], ['action', 'save']]);
    expect(stale.status).toBe(409);
    expect(stale.text).toMatch(/<div class="error" role="alert" id="sheet-conflict"[^>]*>/);
    expect(stale.text).not.toMatch(/id="sheet-conflict"[^>]*hidden/);
    expect(stale.text).toContain('この画面では編集できません。');
    expect(stale.text).toContain('別の画面で採点票が更新されています');
    expect(stale.text).toContain(`<a href="${sheetOf()}" class="button">最新の内容を読み込む</a>`);
    expect(stale.text).toMatch(/value="44"[^>]*disabled=""/);
    expect(stale.text).toMatch(/<textarea id="comment" name="comment" rows="3" disabled="">二つ目のタブ<\/textarea>/);
    expect(stale.text).not.toContain('一時保存</button>');
    // nothing of the stale post was stored; the latest version is editable again
    const latest = await h.page(first, sheetOf());
    expect(latest.text).toMatch(/value="30"/);
    expect(latest.text).not.toMatch(/value="30"[^>]*disabled/);
    expect(latest.text).toMatch(/id="sheet-conflict"[^>]*hidden/);
  });

  it('asks for confirmation before submitting, and a confirmation drawn before another change is refused', async () => {
    expect((await h.form(first, sheetOf(), [['version', '1'], ['score_func', '35'], ['comment', '良い'], ['action', 'submit']])).status).toBe(303);
    const confirm = await h.page(first, `${sheetOf()}/submit`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('採点票の提出の確認');
    expect(confirm.text).toContain('35点');
    expect(confirm.text).toContain('提出すると、この採点票は変更できなくなります');
    // another tab saves meanwhile: the confirmation posted with the old version shows the latest to confirm again
    expect((await h.form(first, sheetOf(), [['version', '2'], ['score_func', '36'], ['comment', '良い'], ['action', 'save']])).status).toBe(303);
    const stale = await h.form(first, `${sheetOf()}/submit`, [['version', '2']]);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('別の画面（タブ）で採点票が更新されました');
    expect(stale.text).toContain('36点');
    expect((await h.call('GET', `/api/cases/${caseId}/evaluation/sheets/${a.vendorId}`, { token: await h.login('ev1-shp@test.example') })).body.sheet.status).toBe('draft');
    const done = await h.form(first, `${sheetOf()}/submit`, [['version', '3']]);
    expect(done.status).toBe(303);
    const after = await h.page(first, sheetOf());
    expect(after.text).toContain('この採点票は提出済みです。');
    // the confirmation of a submitted sheet leads back to it
    expect((await h.page(first, `${sheetOf()}/submit`)).status).toBe(303);
  });

  it('shows the evaluator why a sheet was returned, on the sheet and in the list, until it is submitted again', async () => {
    const returned = await h.form(sec, `/cases/${caseId}/evaluation/reopen`, [['evaluatorId', evaluatorIds['一']!], ['vendorId', a.vendorId], ['reason', '機能の配点根拠を講評に書いてください']]);
    expect(returned.status).toBe(303);
    const list = await h.page(first, `/cases/${caseId}/evaluate`);
    expect(list.text).toContain('差し戻し（再提出が必要）');
    expect(list.text).toContain('機能の配点根拠を講評に書いてください');
    const sheet = await h.page(first, sheetOf());
    expect(sheet.text).toContain('この採点票は事務局から差し戻されました');
    expect(sheet.text).toContain('理由: 機能の配点根拠を講評に書いてください');
    // another evaluator's sheets say nothing of it
    const other = await h.cookieFor('ev2-shp@test.example');
    await h.form(other, `/cases/${caseId}/evaluate/coi`, [['conflict', 'false']]);
    expect((await h.page(other, `/cases/${caseId}/evaluate`)).text).not.toContain('機能の配点根拠');
    expect((await h.form(first, sheetOf(), [['version', '5'], ['score_func', '36'], ['comment', '根拠: 要件の9割を満たす'], ['action', 'submit']])).status).toBe(303);
    expect((await h.form(first, `${sheetOf()}/submit`, [['version', '6']])).status).toBe(303);
    expect((await h.page(first, sheetOf())).text).not.toContain('差し戻されました');
    expect((await h.page(first, `/cases/${caseId}/evaluate`)).text).not.toContain('機能の配点根拠');
  });
});
