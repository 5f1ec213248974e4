import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SITE_ORIGIN, PASSWORD, type Tenant, createHarness, createTenant, putSpec } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'pg');
});
afterAll(() => h.close());

/** Logs in through the login form, as a browser without JavaScript does, and returns the cookie. */
async function browserLogin(email: string) {
  const res = await h.form(undefined, '/login', { email, password: PASSWORD, next: '/cases' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/cases');
  return res.headers.get('set-cookie')!.split(';')[0]!;
}


describe('pages without JavaScript', () => {
  let caseId: string;

  it('send an anonymous visitor to the login page and back', async () => {
    const res = await h.call('GET', '/cases');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Fcases');
    const login = await h.call('GET', '/login?next=/cases');
    expect(login.text).toContain('<label for="email">メールアドレス</label>');
    expect(login.text).toContain('<label for="password">パスワード</label>');
    expect(login.text).toContain('ログイン</button>');
  });

  it('show a Japanese error for a wrong password', async () => {
    const res = await h.call('POST', '/login', {
      headers: { origin: SITE_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=sec-pg%40test.example&password=wrong',
    });
    expect(res.status).toBe(401);
    expect(res.text).toContain('メールアドレスまたはパスワードが正しくありません。');
  });

  it('offer the current fiscal year (April to March, Japan time) for a new case', async () => {
    const start = h.clock.now();
    h.clock.set('2027-03-31T23:30:00.000+09:00');
    const cookie = await browserLogin('sec-pg@test.example');
    const march = await h.page(cookie, '/cases');
    h.clock.set(start);
    expect(march.text).toMatch(/name="fiscalYear"[^>]*value="2026"/);
  });

  it('let the secretariat create a case, set options and tier prices, with a confirmation before a transition', async () => {
    const cookie = await browserLogin('sec-pg@test.example');
    const created = await h.form(cookie, '/cases', { title: 'AI議事録', method: 'proposal', contractMode: 'bulk', fiscalYear: '2026', description: '' });
    expect(created.status).toBe(303);
    caseId = created.headers.get('location')!.split('/')[2]!.split('?')[0]!;

    const options = await h.form(cookie, `/cases/${caseId}/options`, [
      ['code', 'extra'], ['name', '追加ID'], ['price', '24,000'],
      ['code', ''], ['name', ''], ['price', ''],
    ]);
    expect(options.status).toBe(303);
    const tier = await h.form(cookie, `/cases/${caseId}/apportionment`, { method: 'tier', total: '', tier_city: '540,000', tier_village: '180000' });
    expect(tier.status).toBe(303);

    // without a spec the notice is refused, naming what is missing; with one it goes ahead once confirmed
    const refused = await h.form(cookie, `/cases/${caseId}/transition`, { to: 'open', confirmed: '1' });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('仕様書がありません');
    await putSpec(h, a.secretariat, caseId);
    const ask = await h.form(cookie, `/cases/${caseId}/transition`, { to: 'open' });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('この操作は取り消せません');
    expect((await h.call('GET', `/api/cases/${caseId}`, { token: a.secretariat })).body.case.state).toBe('draft');
    const done = await h.form(cookie, `/cases/${caseId}/transition`, { to: 'open', confirmed: '1' });
    expect(done.status).toBe(303);
    expect((await h.call('GET', `/api/cases/${caseId}`, { token: a.secretariat })).body.case.state).toBe('open');
  });

  it('show a form error in Japanese and keep the case unchanged', async () => {
    const cookie = await browserLogin('sec-pg@test.example');
    const res = await h.form(cookie, `/cases/${caseId}/apportionment`, { method: 'mixed', total: '1000', ratio_equal: '0.5', ratio_population: '0.2' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('割合の合計を1にしてください');
    // what was typed comes back in the form, not the saved tier rule
    expect(res.text).toContain('<option value="mixed" selected="">');
    expect(res.text).toContain('name="ratio_population" type="text" inputmode="decimal" value="0.2"');
    expect(res.text).toContain('name="total" type="text" inputmode="numeric" value="1000"');
    expect((await h.call('GET', `/api/cases/${caseId}`, { token: a.secretariat })).body.case.apportionmentMethod).toBe('tier');
  });

  it('let a member join with options from its own page, and show the matrix and its share', async () => {
    const cookie = await browserLogin('member-pg@test.example');
    const page = await h.page(cookie, `/cases/${caseId}/participation`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('pg市');
    expect(page.text).toContain('参加した場合の基本負担額（試算）: 540,000円');
    const saved = await h.form(cookie, `/cases/${caseId}/participation`, { participating: 'on', opt_extra: 'on', qty_extra: '2', member: a.memberIds[1]! });
    expect(saved.status).toBe(303);
    const participants = await h.call('GET', `/api/cases/${caseId}/participants`, { token: a.secretariat });
    // the member field is ignored for a member user: it can only answer for itself
    expect(participants.body.participants).toEqual([expect.objectContaining({ memberId: a.memberIds[0], options: { extra: 2 }, lateJoin: true })]);

    const detail = await h.page(cookie, `/cases/${caseId}`);
    expect(detail.text).toContain('参加団体とオプション（参加 1 団体／全 2 団体）');
    expect(detail.text).toContain('588,000円');
    expect(detail.text).toContain('○（後乗り）');

    // a rule the participants' data cannot carry (no births recorded) is refused with its reason and not saved
    const sec = await browserLogin('sec-pg@test.example');
    const births = await h.form(sec, `/cases/${caseId}/apportionment`, { method: 'births', total: '1,000,000' });
    expect(births.status).toBe(400);
    expect(births.text).toContain('role="alert"');
    expect(births.text).toMatch(/<option value="births" selected="">/);
    expect((await h.call('GET', `/api/cases/${caseId}`, { token: a.secretariat })).body.case.apportionmentMethod).toBe('tier');
  });

  it('preview a join on the case page without saving it', async () => {
    const cookie = await browserLogin('sec-pg@test.example');
    const res = await h.page(cookie, `/cases/${caseId}?with=${a.memberIds[1]}`);
    expect(res.text).toContain('試算表示です');
    expect(res.text).toContain('180,000円');
    const participants = await h.call('GET', `/api/cases/${caseId}/participants`, { token: a.secretariat });
    expect(participants.body.participants).toHaveLength(1);
  });

  it('import the member list from a Shift_JIS file through the upload form', async () => {
    const cookie = await browserLogin('sec-pg@test.example');
    const form = new FormData();
    form.set('file', new File([new Uint8Array(iconv.encode('団体名,区分,団体コード,人口\r\n西原村,村,434329,6700\r\n', 'cp932'))], '団体.csv', { type: 'text/csv' }));
    const res = await h.app.request('/members/import', { method: 'POST', headers: { cookie, origin: SITE_ORIGIN }, body: form });
    // Post/Redirect/Get: reloading the page shown after the import does not send the file again
    expect(res.status).toBe(303);
    const shown = await h.page(cookie, res.headers.get('location')!);
    expect(shown.text).toContain('取り込みました（新規 1 団体、更新 0 団体）');
    const bad = new FormData();
    bad.set('file', new File(['団体名,区分\r\n,村\r\n'], 'bad.csv', { type: 'text/csv' }));
    const refused = await h.app.request('/members/import', { method: 'POST', headers: { cookie, origin: SITE_ORIGIN }, body: bad });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('団体名が空です');
  });

  it('refuse a form posted from another site', async () => {
    const cookie = await browserLogin('member-pg@test.example');
    const res = await h.call('POST', `/cases/${caseId}/participation`, {
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'participating=',
    });
    expect(res.status).toBe(403);
    const participants = await h.call('GET', `/api/cases/${caseId}/participants`, { token: a.secretariat });
    expect(participants.body.participants[0].participating).toBe(true);
  });

  it('let a member answer a survey through the form', async () => {
    const survey = await h.call('POST', '/api/surveys', {
      token: a.secretariat,
      body: { title: '調査', candidates: [{ code: 'a', name: 'システムA' }, { code: 'b', name: 'システムB' }] },
    });
    const cookie = await browserLogin('member-pg@test.example');
    const res = await h.form(cookie, `/surveys/${survey.body.survey.id}/answer`, [
      ['ranking', 'b'], ['ranking', 'a'], ['intent_a', 'study'], ['intent_b', 'join'],
    ]);
    expect(res.status).toBe(303);
    const results = await h.call('GET', `/api/surveys/${survey.body.survey.id}/results`, { token: a.secretariat });
    expect(results.body.results[0]).toMatchObject({ code: 'b', points: 2, intending: 1 });
    // a refused change comes back as chosen, not as the saved answer (b, a; a: study, b: join)
    const dup = await h.form(cookie, `/surveys/${survey.body.survey.id}/answer`, [
      ['ranking', 'a'], ['ranking', 'a'], ['intent_a', 'none'], ['intent_b', 'interested'],
    ]);
    expect(dup.status).toBe(400);
    expect(dup.text).toContain('同じ候補を複数の順位に入れることはできません');
    expect(dup.text).toMatch(/<select id="rank-0" name="ranking"><option value="">[^<]*<\/option><option value="a" selected="">/);
    expect(dup.text).toMatch(/<select id="intent-b" name="intent_b">(?:<option[^>]*>[^<]*<\/option>)*<option value="interested" selected="">/);
    // once closed, an answer from a page left open is refused with the reason on the page
    const closed = await h.call('POST', '/api/surveys', {
      token: a.secretariat,
      body: { title: '締切済みの調査', candidates: [{ code: 'a', name: 'システムA' }], closesAt: h.clock.now().toISOString() },
    });
    const late = await h.form(cookie, `/surveys/${closed.body.survey.id}/answer`, [['ranking', 'a'], ['intent_a', 'join']]);
    expect(late.status).toBe(400);
    expect(late.text).toContain('この調査は締め切られています。');
  });
});

describe('case details in the browser', () => {
  it('set deadlines typed in Japan time', async () => {
    const created = await h.call('POST', '/api/cases', { token: a.secretariat, body: { title: '期限', method: 'proposal', contractMode: 'bulk', fiscalYear: 2026 } });
    const cookie = await browserLogin('sec-pg@test.example');
    const res = await h.form(cookie, `/cases/${created.body.case.id}/edit`, { title: '期限つき', description: '説明', rfiDeadline: '', submissionDeadline: '2026-06-30T17:00' });
    expect(res.status).toBe(303);
    const got = await h.call('GET', `/api/cases/${created.body.case.id}`, { token: a.secretariat });
    expect(got.body.case).toMatchObject({ title: '期限つき', description: '説明', rfiDeadline: null, submissionDeadline: '2026-06-30T08:00:00.000Z' });
    const page = await h.page(cookie, `/cases/${created.body.case.id}`);
    expect(page.text).toContain('value="2026-06-30T17:00"');

    // a refused edit comes back as typed, not as saved
    const noTitle = await h.form(cookie, `/cases/${created.body.case.id}/edit`, { title: '', description: '説明を書き直した', rfiDeadline: '', submissionDeadline: '2026-07-15T12:00' });
    expect(noTitle.status).toBe(400);
    expect(noTitle.text).toContain('件名を入力してください');
    expect(noTitle.text).toContain('説明を書き直した</textarea>');
    expect(noTitle.text).toContain('value="2026-07-15T12:00"');
    expect(noTitle.text).not.toContain('value="2026-06-30T17:00"');

    // refused options come back as typed, a mistyped price included
    const options = await h.form(cookie, `/cases/${created.body.case.id}/options`, [
      ['code', 'form'], ['name', '追加帳票'], ['price', '1,000'],
      ['code', 'form2'], ['name', '別の帳票'], ['price', '千円'],
    ]);
    expect(options.status).toBe(400);
    expect(options.text).toContain('role="alert"');
    expect(options.text).toContain('value="追加帳票"');
    expect(options.text).toContain('value="別の帳票"');
    expect(options.text).toContain('value="千円"');
  });
});
