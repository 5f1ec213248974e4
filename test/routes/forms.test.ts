import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, PASSWORD, type Tenant, createHarness, createTenant, openProposalCase } from '../helpers/harness.ts';

let h: Harness;
let a: Tenant;
let sec: string;
let caseId: string;

beforeAll(async () => {
  h = await createHarness();
  a = await createTenant(h, 'fm');
  sec = await h.cookieFor('sec-fm@test.example');
  const created = await h.form(sec, '/cases', { title: '入力確認の案件', method: 'proposal', contractMode: 'bulk', fiscalYear: '２０２６', description: '' });
  expect(created.status, created.text).toBe(303);
  caseId = created.headers.get('location')!.split('/')[2]!.split('?')[0]!;
});
afterAll(() => h.close());

/** The opening tag of the element with this id, with its attributes. */
const tagOf = (html: string, id: string) => new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`).exec(html)?.[0] ?? '';

describe('a refused form', () => {
  it('answers with the error summary taking the focus, the field marked, in plain Japanese', async () => {
    const res = await h.form(sec, `/cases/${caseId}/apportionment`, { method: 'equal', total: '十万円' });
    expect(res.status).toBe(400);
    // the summary takes the focus on load, so the browser scrolls to it without JavaScript
    expect(res.text).toMatch(/<p class="error" role="alert" tabindex="-1" autofocus="">総額は数字で入力してください<\/p>/);
    const total = tagOf(res.text, 'ap-total');
    expect(total).toContain('aria-invalid="true"');
    expect(total).toContain('aria-describedby="ap-total-help ap-total-error"');
    expect(total).toContain('value="十万円"');
    expect(res.text).toContain('<span class="field-error" id="ap-total-error">総額は数字で入力してください</span>');
    // only the refused field is marked
    expect(tagOf(res.text, 'ap-year')).not.toContain('aria-invalid');
    expect(res.text).not.toMatch(/無効な入力|NaN|期待されました/);
  });

  it('marks the row of a price table that was refused', async () => {
    const res = await h.form(sec, `/cases/${caseId}/apportionment`, [
      ['method', 'equal'], ['volume_basis', 'population'],
      ['tier_up_to', '1000'], ['tier_amount', '100000'],
      ['tier_up_to', ''], ['tier_amount', '二十万'],
    ]);
    expect(res.status).toBe(400);
    expect(tagOf(res.text, 'ap-amount-1')).toContain('aria-invalid="true"');
    expect(tagOf(res.text, 'ap-amount-0')).not.toContain('aria-invalid');
    expect(res.text).toContain('id="ap-amount-1-error">2行目の金額は数字で入力してください</span>');
  });

  it('marks the fields of the registration form by name', async () => {
    const res = await h.form(undefined, '/register', { consortiumId: a.consortiumId, companyName: '', email: 'not-an-address', name: '担当', password: PASSWORD });
    expect(res.status).toBe(400);
    expect(tagOf(res.text, 'companyName')).toContain('aria-invalid="true"');
    expect(tagOf(res.text, 'email')).toContain('aria-describedby="email-error"');
    expect(res.text).toContain('id="email-error">メールアドレスの形式ではありません</span>');
    expect(tagOf(res.text, 'password')).not.toContain('aria-invalid');
  });

  it('marks the question left empty, and the settings field refused', async () => {
    const opened = await openProposalCase(h, a, '質問の入力確認');
    await h.call('PATCH', `/api/cases/${opened}`, { token: a.secretariat, body: { questionDeadline: '2026-12-31T17:00:00.000+09:00', reason: '質問受付期限を設定' } });
    const vendor = await h.cookieFor('vendor-fm@test.example');
    const asked = await h.form(vendor, `/cases/${opened}/questions`, { section: '', text: '   ' });
    expect(asked.status).toBe(400);
    expect(tagOf(asked.text, 'question-text')).toContain('aria-invalid="true"');
    expect(asked.text).toContain('id="question-text-error">');

    const settings = await h.form(sec, '/settings', { issuerName: 'あ'.repeat(500) });
    expect(settings.status).toBe(400);
    expect(settings.text).toMatch(/aria-invalid="true" aria-describedby="settings-issuerName-help settings-issuerName-error"/);
  });

  it('marks the refused field of the case forms: a blank title, a past deadline, a mistyped option price', async () => {
    const created = await h.form(sec, '/cases', { title: '  ', method: 'proposal', contractMode: 'bulk', fiscalYear: '2026', description: '' });
    expect(created.status).toBe(400);
    expect(tagOf(created.text, 'title')).toContain('aria-invalid="true"');
    expect(created.text).toContain('id="title-error">件名を入力してください</span>');
    expect(tagOf(created.text, 'fiscalYear')).not.toContain('aria-invalid');

    const edited = await h.form(sec, `/cases/${caseId}/edit`, { title: '入力確認の案件', description: '', rfiDeadline: '', submissionDeadline: '2020-01-06T17:00', questionDeadline: '', reason: '' });
    expect(edited.status).toBe(400);
    expect(tagOf(edited.text, 'edit-submission')).toContain('aria-describedby="edit-dates-help edit-submission-error"');
    expect(edited.text).toContain('id="edit-submission-error">提出期限に過去の日時は指定できません');
    expect(tagOf(edited.text, 'edit-question')).not.toContain('aria-invalid');

    const options = await h.form(sec, `/cases/${caseId}/options`, [
      ['name', '遠隔バックアップ'], ['kind', 'yesno'], ['price', '120000'], ['code', ''],
      ['name', '追加ID'], ['kind', 'quantity'], ['price', '千円'], ['code', ''],
    ]);
    expect(options.status).toBe(400);
    expect(tagOf(options.text, 'opt-price-1')).toContain('aria-invalid="true"');
    expect(tagOf(options.text, 'opt-price-0')).not.toContain('aria-invalid');
    expect(options.text).toContain('id="opt-price-1-error">「追加ID」の単価は円単位の整数で入力してください');
  });

  it('marks the refused row of the criteria, RFI and spec tables', async () => {
    const criteria = await h.form(sec, `/cases/${caseId}/evaluation`, [
      ['c_code', ''], ['c_group', ''], ['c_name', '機能'], ['c_max', '60'], ['c_mode', 'points'], ['c_guidance', ''],
      ['c_code', ''], ['c_group', ''], ['c_name', '価格'], ['c_max', 'たくさん'], ['c_mode', 'points'], ['c_guidance', ''],
      ['aggregation', 'average'], ['passRatio', '0.6'], ['grade_A', '1'], ['grade_B', '0.75'], ['grade_C', '0.5'], ['grade_D', '0.25'], ['grade_E', '0'],
    ]);
    expect(criteria.status).toBe(400);
    expect(tagOf(criteria.text, 'c-max-1')).toContain('aria-invalid="true"');
    expect(tagOf(criteria.text, 'c-max-0')).not.toContain('aria-invalid');
    expect(criteria.text).toContain('id="c-max-1-error">');

    const rfi = await h.form(sec, `/cases/${caseId}/rfi`, [
      ['deadline', '2026-12-20T17:00'],
      ['code', ''], ['kind', 'choice'], ['text', '対応するOSは'], ['choices', ''],
    ]);
    expect(rfi.status).toBe(400);
    expect(tagOf(rfi.text, 'q-choices-0')).toContain('aria-invalid="true"');
    expect(rfi.text).toContain('id="q-choices-0-error">');

    const spec = await h.form(sec, `/cases/${caseId}/spec`, [
      ['heading', '業務の概要'], ['body', '本書のとおり'],
      ['req_code', 'F-1'], ['req_text', '帳票を出力できること'], ['req_level', 'must'],
      ['req_code', 'F-1'], ['req_text', '検索できること'], ['req_level', 'must'],
      ['reason', ''],
    ]);
    expect(spec.status).toBe(400);
    expect(spec.text).toMatch(/id="req-code-1" aria-invalid="true"|aria-invalid="true"[^>]*id="req-code-1"/);
    expect(spec.text).toContain('id="req-code-1-error">');
  });

  it('marks the tick box left empty on an account’s disable form', async () => {
    const accounts = await h.call('GET', '/api/users', { token: a.secretariat });
    const evaluator = (accounts.body.users as { id: string; role: string }[]).find((u) => u.role === 'evaluator')!;
    const res = await h.form(sec, `/users/${evaluator.id}/disable`, {});
    expect(res.status).toBe(400);
    expect(tagOf(res.text, 'disable-confirm')).toContain('aria-invalid="true"');
    expect(res.text).toContain('id="disable-confirm-error">無効にすることを確認し、チェックを入れてください。</span>');
    expect(tagOf(res.text, 'reset-confirm')).not.toContain('aria-invalid');
  });

  it('marks both sign-in fields when the sign-in is refused', async () => {
    const res = await h.form(undefined, '/login', { email: 'sec-fm@test.example', password: 'wrong-password', next: '/cases' });
    expect(res.status).toBe(401);
    expect(tagOf(res.text, 'password')).toContain('aria-describedby="login-error"');
    expect(res.text).toContain('id="login-error"');
  });
});

describe('「行を追加」 without a script', () => {
  it('brings back the criteria, RFI questions and requirements typed so far with three more blank rows, saving nothing', async () => {
    const criteria = await h.form(sec, `/cases/${caseId}/evaluation`, [
      ['c_code', ''], ['c_group', ''], ['c_name', '機能'], ['c_max', '60'], ['c_mode', 'points'], ['c_guidance', ''],
      ['blanks', '3'], ['addRows', '1'],
    ]);
    expect(criteria.status).toBe(200);
    expect(criteria.text).toContain('value="機能"');
    expect(criteria.text).toContain('aria-label="7行目の項目名"');
    expect(criteria.text).not.toContain('aria-label="8行目の項目名"');
    expect((await h.call('GET', `/api/cases/${caseId}/evaluation`, { token: a.secretariat })).status).toBe(404);

    const rfi = await h.form(sec, `/cases/${caseId}/rfi`, [
      ['deadline', '2026-12-20T17:00'], ['code', ''], ['kind', 'text'], ['text', '導入実績は'], ['choices', ''],
      ['blanks', '3'], ['addRows', '1'],
    ]);
    expect(rfi.status).toBe(200);
    expect(rfi.text).toContain('value="導入実績は"');
    expect(rfi.text).toContain('aria-label="7問目の質問文"');
    expect((await h.call('GET', `/api/cases/${caseId}/rfi`, { token: a.secretariat })).status).toBe(404);

    const spec = await h.form(sec, `/cases/${caseId}/spec`, [
      ['heading', '業務の概要'], ['body', '本書のとおり'],
      ['req_code', 'F-1'], ['req_text', '帳票を出力できること'], ['req_level', 'must'],
      ['blankSections', '2'], ['blanks', '3'], ['addRows', '1'],
    ]);
    expect(spec.status).toBe(200);
    expect(spec.text).toContain('value="帳票を出力できること"');
    expect(spec.text).toContain('aria-label="7行目の要件"');
    const chapters = await h.form(sec, `/cases/${caseId}/spec`, [['heading', '業務の概要'], ['body', ''], ['blankSections', '2'], ['blanks', '3'], ['addSections', '1']]);
    expect(chapters.text).toContain('<legend>第4章</legend>');
    expect(chapters.text).not.toContain('<legend>第5章</legend>');
    expect((await h.call('GET', `/api/cases/${caseId}/spec`, { token: a.secretariat })).status).toBe(404);
  });
});

describe('numbers typed as people type them', () => {
  it('accepts full-width digits, commas and 円 in amounts, ratios, prices and years', async () => {
    expect((await h.call('GET', `/api/cases/${caseId}`, { token: a.secretariat })).body.case.fiscalYear).toBe(2026);

    const total = await h.form(sec, `/cases/${caseId}/apportionment`, { method: 'mixed', total: '１２３,４５６円', ratio_equal: '０．３', ratio_population: '０．７' });
    expect(total.status, total.text).toBe(303);
    const page = await h.page(sec, `/cases/${caseId}`);
    expect(tagOf(page.text, 'ap-total')).toContain('value="123456"');
    expect(tagOf(page.text, 'ratio-population')).toContain('value="0.7"');

    const options = await h.form(sec, `/cases/${caseId}/options`, [['code', 'extra'], ['name', '追加'], ['price', '１２，０００円']]);
    expect(options.status, options.text).toBe(303);
    expect((await h.call('GET', `/api/cases/${caseId}`, { token: a.secretariat })).body.case.options).toEqual([expect.objectContaining({ code: 'extra', price: 12000 })]);

    const survey = await h.form(sec, '/surveys', { title: '全角の調査', stage: 'ranking', candidates: 'a,候補A\nb,候補B', points: '３，１', threshold: '０．５', closesAt: '' });
    expect(survey.status, survey.text).toBe(303);
    const listed = (await h.call('GET', '/api/surveys', { token: a.secretariat })).body.surveys.find((s: { title: string }) => s.title === '全角の調査');
    expect(listed).toMatchObject({ points: [3, 1], threshold: 0.5 });
  });

  it('refuses what is not a number, saying which field', async () => {
    const res = await h.form(sec, `/cases/${caseId}/options`, [['code', 'extra'], ['name', '追加'], ['price', '一万']]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('「追加」の単価は円単位の整数で入力してください');
  });
});

describe('a page after its form was sent', () => {
  it('sends every posting form with autocomplete off, so Back does not show it filled in again', async () => {
    const page = await h.page(sec, `/cases/${caseId}`);
    const forms = page.text.match(/<form\b[^>]*>/g)!;
    const posting = forms.filter((f) => f.includes('method="post"'));
    expect(posting.length).toBeGreaterThan(3);
    for (const tag of posting) expect(tag).toContain('autocomplete="off"');
    // a search form (GET) keeps what the browser remembers
    for (const tag of forms.filter((f) => f.includes('method="get"'))) expect(tag).not.toContain('autocomplete');
  });
});

describe('small things a browser asks for', () => {
  it('answers /favicon.ico and links the icon from every page', async () => {
    const icon = await h.call('GET', '/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.text).toContain('<svg');
    expect((await h.call('GET', '/assets/favicon.svg')).status).toBe(200);
    expect((await h.call('GET', '/login')).text).toContain('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"/>');
  });
});

describe('CSV files for Excel', () => {
  it('print the public list’s dates in Japan time, as Excel reads them', async () => {
    h.clock.set('2026-05-31T16:30:00.000Z'); // 2026-06-01 01:30 in Japan: the UTC date is the day before
    await openProposalCase(h, { ...a, secretariat: await h.login('sec-fm@test.example') }, 'CSVの日付確認');
    const csv = await h.call('GET', '/api/public/export/2026/cases.csv');
    expect(csv.status).toBe(200);
    const row = csv.text.split('\r\n').find((line) => line.includes('CSVの日付確認'))!;
    expect(row).toContain(',2026/06/01 01:30,');
    expect(csv.text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });
});
